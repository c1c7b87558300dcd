/**
 * The service's configuration: one TypeBox schema over the environment, read
 * once at start, every violation reported together, the result frozen.
 * This is the only module that reads `process.env`.
 */
import { Type, type Static } from '@sinclair/typebox'
import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

// TypeBox checks formats only once they are registered.
if (!FormatRegistry.Has('uri')) FormatRegistry.Set('uri', value => URL.canParse(value))

const LOGIN_FLOWS = ['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH'] as const

export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port the BFF listens on (0 picks a free one).' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to bind; use 0.0.0.0 in a container.' }),
  PUBLIC_URL: Type.Optional(Type.String({ format: 'uri', description: 'Origin browsers use to reach the BFF. Required outside local mode, and https there unless its host is loopback; its scheme decides whether cookies are Secure. Local mode default: http://localhost:PORT.' })),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), { default: 'info', description: 'pino log level.' }),
  COGNITO_REGION: Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d$', default: 'us-east-1', description: 'AWS region of the user pool.' }),
  COGNITO_USER_POOL_ID: Type.Optional(Type.String({ pattern: '^[\\w-]+_[0-9a-zA-Z]+$', description: 'User pool id, e.g. eu-west-1_AbC123. Unset: local mode (embedded emulator).' })),
  COGNITO_CLIENT_ID: Type.Optional(Type.String({ pattern: '^[\\w+]+$', description: 'App client id. Required with COGNITO_USER_POOL_ID.' })),
  COGNITO_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, description: 'App client secret, when the client has one; SECRET_HASH is then sent on every call that takes it.' })),
  COGNITO_ENDPOINT: Type.Optional(Type.String({ format: 'uri', description: 'Override of the Cognito API endpoint (e.g. an emulator you run yourself).' })),
  COGNITO_JWKS_URI: Type.Optional(Type.String({ format: 'uri', description: 'Override of the JWKS URL (default: the pool issuer + /.well-known/jwks.json).' })),
  COGNITO_ISSUER: Type.Optional(Type.String({ format: 'uri', description: 'Override of the token issuer (default https://cognito-idp.REGION.amazonaws.com/POOL_ID).' })),
  LOGIN_FLOW: Type.Union(LOGIN_FLOWS.map(f => Type.Literal(f)), { default: 'USER_PASSWORD_AUTH', description: 'USER_PASSWORD_AUTH (InitiateAuth, no AWS credentials needed) or ADMIN_USER_PASSWORD_AUTH (AdminInitiateAuth, needs IAM credentials).' }),
  COOKIE_SECRETS: Type.Optional(Type.String({ pattern: '^[^,]{32,}(,[^,]{32,})*$', description: 'Comma-separated keys (32+ chars each) that seal session cookies; the first seals, all unseal (rotation). Required outside local mode.' })),
  COOKIE_SAMESITE: Type.Union([Type.Literal('lax'), Type.Literal('strict'), Type.Literal('none')], { default: 'lax', description: 'SameSite attribute of session cookies.' }),
  CORS_ORIGINS: Type.String({ default: '', description: 'Comma-separated browser origins allowed to call with credentials (e.g. https://app.example.com).' }),
  SIGNUP_CONFIRMED_URL: Type.Optional(Type.String({ format: 'uri', description: 'Page the e-mail confirmation link (GET /auth/signup/confirm) redirects to with ?status=confirmed or ?error=CODE. Unset: the link answers JSON (local mode: PUBLIC_URL/local/demo).' })),
  REVEAL_USER_EXISTENCE: Type.Boolean({ default: false, description: 'When true, resend and forgot-password answer USER_NOT_FOUND and show where the code went, instead of the same 202 for every username. Login always answers INVALID_CREDENTIALS.' }),
  AUTH_RATE_LIMIT: Type.Integer({ minimum: 1, default: 60, description: 'Requests per minute per client IP on /auth routes.' }),
  TRUST_PROXY: Type.String({ default: 'false', pattern: '^(true|false|\\d+|[0-9a-fA-F.:/,\\s]+)$', description: 'Behind a load balancer: true, a hop count, or comma-separated proxy addresses/CIDRs, so client IPs (rate limits, logs) come from X-Forwarded-For. Default false.' }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, default: 16384, description: 'Largest accepted request body in bytes.' }),
  COGNITO_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000, description: 'Per-request timeout for calls to Cognito.' }),
  LOCAL_DATA_DIR: Type.String({ default: '.local', description: 'Local mode: where the emulator keeps its pool, users and the generated cookie key.' }),
  LOCAL_COGNITO_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 0, description: 'Local mode: port of the embedded emulator (0: the previous run\'s port if free, else any free one, so tokens survive restarts).' }),
  LOCAL_EXPOSE: Type.Boolean({ default: false, description: 'Local mode: allow a HOST that is not loopback (e.g. 0.0.0.0 in a dev container). Off by default: local mode serves a demo user with a known password and every code at /local/messages.' }),
  LOCAL_DEMO_PASSWORD: Type.String({ minLength: 8, default: 'Passw0rd!demo', description: 'Local mode: password of the demo user created on first start.' })
})

export type Env = Static<typeof EnvSchema>

export type LoginFlow = typeof LOGIN_FLOWS[number]

/** The typed, frozen configuration every other module receives. */
export interface Config {
  readonly mode: 'local' | 'aws'
  readonly port: number
  readonly host: string
  readonly publicUrl: URL
  readonly logLevel: Env['LOG_LEVEL']
  readonly cognito: {
    readonly region: string
    readonly userPoolId?: string
    readonly clientId?: string
    readonly clientSecret?: string
    readonly endpoint?: string
    readonly jwksUri?: string
    readonly issuer?: string
    readonly loginFlow: LoginFlow
    readonly timeoutMs: number
  }
  readonly cookies: {
    /** Undefined only in local mode, where the bootstrap generates and keeps one. */
    readonly secrets?: readonly string[]
    readonly sameSite: Env['COOKIE_SAMESITE']
    readonly secure: boolean
  }
  readonly corsOrigins: readonly string[]
  readonly signupConfirmedUrl?: string
  readonly revealUserExistence: boolean
  readonly bodyLimit: number
  readonly authRateLimit: number
  /** Fastify's trustProxy: false, true, proxy addresses, or (for a hop count) a function. */
  readonly trustProxy: boolean | string | ((address: string, hop: number) => boolean)
  readonly local: {
    readonly dataDir: string
    readonly cognitoPort: number
    readonly demoPassword: string
  }
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, 1: true, 0: false, yes: true, no: false }

/** Builds the config from an environment; throws one ConfigError listing every problem. */
export function loadConfig (source: NodeJS.ProcessEnv = process.env): Config {
  // Only the schema's own keys, and empty strings count as unset (as in most .env tooling).
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  for (const key of ['REVEAL_USER_EXISTENCE', 'LOCAL_EXPOSE']) {
    const value = raw[key]
    if (typeof value === 'string') raw[key] = BOOLEAN_WORDS[value.toLowerCase()] ?? value
  }
  const env = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw)) as Env
  const problems = [...Value.Errors(EnvSchema, env)].map(e => `${e.path.slice(1) || 'config'}: ${e.message}${e.value !== undefined && !isSecret(e.path) ? ` (got ${JSON.stringify(e.value)})` : ''}`)

  const mode = env.COGNITO_USER_POOL_ID ? 'aws' : 'local'
  if (mode === 'aws') {
    if (!env.COGNITO_CLIENT_ID) problems.push('COGNITO_CLIENT_ID: required when COGNITO_USER_POOL_ID is set')
    if (!env.COOKIE_SECRETS) problems.push('COOKIE_SECRETS: required outside local mode (generate one with: openssl rand -base64 48)')
    // Its scheme decides Secure cookies and HSTS: a silent http default would drop both in production.
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL: required outside local mode (e.g. https://auth.example.com)')
    else if (URL.canParse(env.PUBLIC_URL) && new URL(env.PUBLIC_URL).protocol !== 'https:' && !isLoopback(new URL(env.PUBLIC_URL).hostname)) {
      problems.push('PUBLIC_URL: must be https outside local mode (plain http only for localhost)')
    }
  } else {
    if (env.COGNITO_CLIENT_ID) problems.push('COGNITO_USER_POOL_ID: required when COGNITO_CLIENT_ID is set')
    if (!isLoopback(env.HOST) && !env.LOCAL_EXPOSE) {
      problems.push(`HOST: local mode serves a demo user and every code at /local/messages, so it binds to loopback only; got ${env.HOST}. Set COGNITO_USER_POOL_ID for a real pool, or LOCAL_EXPOSE=true if this is a dev container`)
    }
  }
  const corsOrigins = env.CORS_ORIGINS.split(',').map(s => s.trim()).filter(Boolean)
  for (const origin of corsOrigins) {
    if (!isOrigin(origin)) problems.push(`CORS_ORIGINS: "${origin}" is not an origin like https://app.example.com`)
  }
  const publicUrlText = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`
  // An unparsable PUBLIC_URL is already among the problems.
  const publicUrl = URL.canParse(publicUrlText) ? new URL(publicUrlText) : new URL('http://invalid')
  if (env.COOKIE_SAMESITE === 'none' && publicUrl.protocol !== 'https:') {
    problems.push('COOKIE_SAMESITE: "none" needs Secure cookies, so PUBLIC_URL must be https')
  }
  if (problems.length > 0) throw new ConfigError(problems)

  const config: Config = {
    mode,
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    logLevel: env.LOG_LEVEL,
    cognito: {
      region: env.COGNITO_REGION,
      userPoolId: env.COGNITO_USER_POOL_ID,
      clientId: env.COGNITO_CLIENT_ID,
      clientSecret: env.COGNITO_CLIENT_SECRET,
      endpoint: env.COGNITO_ENDPOINT,
      jwksUri: env.COGNITO_JWKS_URI,
      issuer: env.COGNITO_ISSUER,
      loginFlow: env.LOGIN_FLOW,
      timeoutMs: env.COGNITO_TIMEOUT_MS
    },
    cookies: {
      secrets: env.COOKIE_SECRETS?.split(','),
      sameSite: env.COOKIE_SAMESITE,
      // Secure cookies are relaxed only when the public URL itself is plain http (local use).
      secure: publicUrl.protocol === 'https:'
    },
    corsOrigins,
    // Local mode has its own landing page; elsewhere, no page means a JSON answer.
    signupConfirmedUrl: env.SIGNUP_CONFIRMED_URL ?? (mode === 'local' ? new URL('/local/demo', publicUrl).href : undefined),
    revealUserExistence: env.REVEAL_USER_EXISTENCE,
    bodyLimit: env.BODY_LIMIT,
    authRateLimit: env.AUTH_RATE_LIMIT,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    local: {
      dataDir: env.LOCAL_DATA_DIR,
      cognitoPort: env.LOCAL_COGNITO_PORT,
      demoPassword: env.LOCAL_DEMO_PASSWORD
    }
  }
  return deepFreeze(config)
}

function parseTrustProxy (value: string): Config['trustProxy'] {
  if (value === 'true' || value === 'false') return value === 'true'
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    return (_address, hop) => hop < hops
  }
  return value.split(',').map(s => s.trim()).filter(Boolean).join(',')
}

function isLoopback (host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

function isSecret (path: string): boolean {
  return /SECRET|PASSWORD/.test(path)
}

function isOrigin (value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '')
  } catch {
    return false
  }
}

function deepFreeze<T> (value: T): T {
  if (value && typeof value === 'object' && !(value instanceof URL)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
