/**
 * The service's configuration: one TypeBox schema over the environment, read
 * once at start, every violation reported together, the result frozen. Every
 * derived value (region from the pool id, issuer, JWKS URL) is computed here.
 * This is the only module that reads `process.env`.
 *
 * The typed config is a union on `mode`: with a pool configured it is 'aws'
 * and carries the pool and cookie keys by type; without one it is 'local',
 * and the pool is only known once the embedded emulator has made it
 * (`completeLocalConfig`).
 */
import { readFileSync } from 'node:fs'
import { FormatRegistry, Type, type SchemaOptions, type Static, type TLiteral } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { parseAllowlist } from '../oauth/redirect.js'
import { StringEnum } from '../schemas/string-enum.js'

const LOGIN_FLOWS = ['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'] as const
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
const SAME_SITE = ['lax', 'strict', 'none'] as const
// eu-west-1, us-gov-west-1, and the European Sovereign Cloud's eusc-de-east-1.
const REGION = '(?:eusc-[a-z]{2}|[a-z]{2})(-[a-z]+)+-\\d'

const HANDOFF_SITES_PATTERN = '^([^=,\\s]+=[^,\\s]{32,}(,[^=,\\s]+=[^,\\s]{32,})*)?$'

/** A union of literals: TypeBox's Value functions (which read the environment) check these natively. */
function Literals<const T extends readonly string[]> (values: T, options: SchemaOptions) {
  return Type.Union(values.map(value => Type.Literal(value)) as Array<TLiteral<T[number]>>, options)
}

export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port the BFF listens on (0 picks a free one).' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to bind; use 0.0.0.0 in a container.' }),
  PUBLIC_URL: Type.Optional(Type.String({
    format: 'uri',
    description: 'Origin browsers use to reach the BFF. Required outside local mode, and https there unless its host is loopback; ' +
      'its scheme decides whether cookies are Secure. Local mode default: http://localhost:PORT.'
  })),
  LOG_LEVEL: Literals(LOG_LEVELS, { default: 'info', description: 'pino log level.' }),
  COGNITO_REGION: Type.Optional(Type.String({
    pattern: `^${REGION}$`,
    description: 'AWS region of the user pool. Default: the prefix of COGNITO_USER_POOL_ID (a different value is an error); us-east-1 in local mode.'
  })),
  COGNITO_USER_POOL_ID: Type.Optional(Type.String({
    pattern: '^[\\w-]+_[0-9a-zA-Z]+$',
    description: 'User pool id, e.g. eu-west-1_AbC123. Unset: local mode (embedded emulator).'
  })),
  COGNITO_CLIENT_ID: Type.Optional(Type.String({ pattern: '^[\\w+]+$', description: 'App client id. Required with COGNITO_USER_POOL_ID.' })),
  COGNITO_CLIENT_SECRET: Type.Optional(Type.String({
    minLength: 1,
    description: 'App client secret, when the client has one; SECRET_HASH is then sent on every call that takes it.'
  })),
  COGNITO_ENDPOINT: Type.Optional(Type.String({
    format: 'uri',
    description: 'Override of the Cognito API endpoint (e.g. an emulator you run yourself).'
  })),
  COGNITO_JWKS_URI: Type.Optional(Type.String({
    format: 'uri',
    description: 'Override of the JWKS URL (default: the pool issuer + /.well-known/jwks.json).'
  })),
  COGNITO_ISSUER: Type.Optional(Type.String({
    format: 'uri',
    description: 'Override of the token issuer (default https://cognito-idp.REGION.amazonaws.com/POOL_ID).'
  })),
  COGNITO_DOMAIN: Type.Optional(Type.String({
    format: 'uri',
    description: 'Hosted UI (managed login) base URL: https://PREFIX.auth.REGION.amazoncognito.com or your custom domain. ' +
      'Set it to turn on /oauth/* (hosted-UI and social login); local mode uses the emulator\'s stand-in.'
  })),
  REDIRECT_ALLOWLIST: Type.String({
    default: '',
    description: 'Where /oauth/* may send a user back to: comma-separated origins, each optionally with a path prefix ' +
      '(https://app.example.com, https://cms.example.com:8443/account/). A relative redirect (/dashboard) resolves against the first. ' +
      'Required with COGNITO_DOMAIN; local mode adds its own origin.'
  }),
  OAUTH_PROVIDERS: Type.String({
    default: 'COGNITO',
    pattern: '^[^\\s,]{1,32}(,[^\\s,]{1,32})*$',
    description: 'Identity providers /oauth/login?provider= may name, comma-separated, as the app client lists them: ' +
      'COGNITO (the pool\'s own users), Google, Facebook, LoginWithAmazon, SignInWithApple, or an OIDC/SAML provider\'s name.'
  }),
  OAUTH_SCOPES: Type.String({
    default: 'openid email profile aws.cognito.signin.user.admin',
    pattern: '^[\\w.:/+-]+( [\\w.:/+-]+)*$',
    description: 'Space-separated scopes asked for at the hosted UI; openid is required (the ID token is checked), ' +
      'aws.cognito.signin.user.admin lets hosted-UI and social users call /me. Each must be allowed on the app client.'
  }),
  OAUTH_EXTERNAL_STATE: Type.Boolean({
    default: false,
    description: 'Accept a hosted-UI callback whose state a CMS built itself (<nonce>_<redirect>, no login cookie of this service): ' +
      'the redirect is still checked, and the nonce is handed back as ?bff_state= for the CMS to check against its own cookie.'
  }),
  HANDOFF_SITES: Type.String({
    default: '',
    pattern: HANDOFF_SITES_PATTERN,
    description: 'Sites that cannot read this service\'s cookies (a CMS on another domain), comma-separated origin=secret pairs ' +
      '(secret 32+ characters). A hosted-UI sign-in returning to such an origin gets ?handoff=<code>, which its back end redeems once, ' +
      'within 60 s, at POST /oauth/handoff with Authorization: Bearer <secret>.'
  }),
  TOKEN_CLIENT_IDS: Type.String({
    default: '',
    pattern: '^([\\w+]+(,[\\w+]+)*)?$',
    description: 'Other app clients of the pool whose tokens are accepted too (comma-separated ids), e.g. a CMS client next to the SPA\'s ' +
      'COGNITO_CLIENT_ID: ID tokens\' aud and access tokens\' client_id must be one of them.'
  }),
  ADMIN_GROUP: Type.String({
    default: 'admins',
    pattern: '^[^\\s,]{1,128}$',
    description: 'The Cognito group (cognito:groups of the access token) whose members may call /admin/*. Local mode creates it, ' +
      'with a demo admin user.'
  }),
  ADMIN_SCOPES: Type.String({
    default: '',
    pattern: '^([\\w.:/+-]+( [\\w.:/+-]+)*)?$',
    description: 'Space-separated OAuth scopes (e.g. bff/admin) that make a client-credentials token from one of ADMIN_CLIENT_IDS ' +
      'an admin: for services calling /admin/*. Unset: only ADMIN_GROUP members are admins.'
  }),
  ADMIN_CLIENT_IDS: Type.String({
    default: '',
    pattern: '^([\\w+]+(,[\\w+]+)*)?$',
    description: 'Machine-to-machine app clients (comma-separated ids) whose client-credentials tokens carrying one of ADMIN_SCOPES ' +
      'may call /admin/*; their tokens are accepted by the verifier too. A scope on a token from any other client grants nothing.'
  }),
  REVOKE_ON_GROUP_CHANGE: Type.Boolean({
    default: true,
    description: 'After an admin adds a user to a group or removes them, the user\'s tokens issued until then are refused ' +
      '(as after a sign-out everywhere), so their next refresh carries the new cognito:groups.'
  }),
  TOKEN_CLOCK_SKEW_S: Type.Integer({
    minimum: 0,
    maximum: 300,
    default: 60,
    description: 'How far ahead of this clock a token\'s iat and nbf may be (clocks differ a little).'
  }),
  TOKEN_MAX_BYTES: Type.Integer({
    minimum: 1024,
    default: 16384,
    description: 'Longer tokens are refused before any parsing (Cognito\'s are a few kB, more with many groups).'
  }),
  JWKS_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    default: 3000,
    description: 'Longest a request waits for the pool\'s JWKS to be fetched (first use, or a key the cache lacks); ' +
      'cached keys answer at once, and a JWKS that cannot be refreshed keeps serving (readiness says degraded).'
  }),
  LOGIN_FLOW: Literals(LOGIN_FLOWS, {
    default: 'USER_PASSWORD_AUTH',
    description: 'USER_PASSWORD_AUTH (InitiateAuth, no AWS credentials needed), ' +
      'ADMIN_USER_PASSWORD_AUTH (AdminInitiateAuth, needs IAM credentials), ' +
      'or USER_AUTH (choice-based sign-in: POST /auth/login may omit the password and name a preferredChallenge; ' +
      'e-mail and SMS codes, passkeys).'
  }),
  COOKIE_SECRETS: Type.Optional(Type.String({
    pattern: '^[^,]{32,}(,[^,]{32,})*$',
    description: 'Comma-separated keys (32+ chars each) that seal session cookies; the first seals, all unseal (rotation). ' +
      'Required outside local mode; local mode generates one and keeps it in LOCAL_DATA_DIR.'
  })),
  COOKIE_SAMESITE: Literals(SAME_SITE, { default: 'lax', description: 'SameSite attribute of session cookies.' }),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'Comma-separated browser origins allowed to call with credentials (e.g. https://app.example.com).'
  }),
  SIGNUP_CONFIRMED_URL: Type.Optional(Type.String({
    format: 'uri',
    description: 'Page the e-mail confirmation link (GET /auth/signup/confirm) redirects to with ?status=confirmed or ?error=CODE. ' +
      'Unset: the link answers JSON (local mode: PUBLIC_URL/local/demo).'
  })),
  REVEAL_USER_EXISTENCE: Type.Boolean({
    default: false,
    description: 'When true, resend and forgot-password answer USER_NOT_FOUND and show where the code went, ' +
      'instead of the same 202 for every username. Login always answers INVALID_CREDENTIALS.'
  }),
  SIGN_IN_AFTER_CONFIRM: Type.Boolean({
    default: false,
    description: 'With LOGIN_FLOW=USER_AUTH: POST /auth/signup/confirm also signs the new user in (the session Cognito\'s ' +
      'ConfirmSignUp answers, used once at InitiateAuth USER_AUTH), answering like login. The app client needs ALLOW_USER_AUTH.'
  }),
  RATE_LIMIT_SIGNUP: Type.Integer({ minimum: 1, default: 20, description: 'Sign-up, confirm and resend requests per minute per client address.' }),
  RATE_LIMIT_SIGNIN: Type.Integer({
    minimum: 1,
    default: 60,
    description: 'Login, challenge, refresh and logout requests per minute per client address ' +
      '(the /oauth/* routes have a budget of this size of their own).'
  }),
  RATE_LIMIT_RECOVERY: Type.Integer({ minimum: 1, default: 10, description: 'Forgot- and reset-password requests per minute per client address.' }),
  ACCOUNT_SIGNIN_FAILURES: Type.Integer({
    minimum: 1,
    default: 10,
    description: 'Failed sign-ins and challenge answers per account (username, from any address) within ACCOUNT_FAILURE_WINDOW_S; ' +
      'then 429 until the window ends.'
  }),
  ACCOUNT_CODE_FAILURES: Type.Integer({
    minimum: 1,
    default: 10,
    description: 'Wrong confirmation and reset codes per account within ACCOUNT_FAILURE_WINDOW_S; then 429 until the window ends.'
  }),
  ACCOUNT_FAILURE_WINDOW_S: Type.Integer({ minimum: 1, default: 900, description: 'The window, in seconds, of the per-account failure budgets.' }),
  UNIFORM_ANSWER_MS: Type.Integer({
    minimum: 0,
    default: 250,
    description: 'Forgot-password and resend answer no sooner than this, so an existing account is not told apart by a slower answer.'
  }),
  REDIS_URL: Type.Optional(Type.String({
    format: 'uri',
    pattern: '^rediss?://',
    description: 'Shared state in Redis (redis://[user:password@]host:6379[/db], rediss:// for TLS; with REDIS_CLUSTER, any node of the cluster), ' +
      'so that several instances behave as one: ' +
      'revocations, rate-limit counters, hand-off codes, refresh single-flight. Unset: in memory (one instance). ' +
      'Without Redis, requests that need it answer 503 (fail closed). Redis 6.2 or later.'
  })),
  REDIS_KEY_PREFIX: Type.String({
    default: 'cognito-bff:',
    minLength: 1,
    description: 'Prefix of every key this service writes in Redis (several deployments may share one Redis). No { or }: ' +
      'they would move the hash tags that keep a user\'s keys in one cluster slot.'
  }),
  REDIS_CLUSTER: Type.Boolean({
    default: false,
    description: 'REDIS_URL is a node of a Redis Cluster (ElastiCache Serverless, or a cluster-mode-enabled cluster): ' +
      'the service finds the other nodes from it and follows failovers. Default false (one server).'
  }),
  REDIS_TLS_CA_FILE: Type.Optional(Type.String({
    minLength: 1,
    description: 'Path of a PEM file with the CA that signed Redis\'s certificate, when it is a private CA (rediss:// only); ' +
      'read once at start. Unset: Node\'s own CAs (enough for ElastiCache).'
  })),
  TRUST_PROXY: Type.String({
    default: 'false',
    pattern: '^(true|false|\\d+|[0-9a-fA-F.:/,\\s]+)$',
    description: 'Behind a load balancer: true, a hop count, or comma-separated proxy addresses/CIDRs, ' +
      'so client IPs (rate limits, logs) come from X-Forwarded-For. Default false.'
  }),
  METRICS_TOKEN: Type.Optional(Type.String({
    minLength: 32,
    description: 'Bearer token (32+ characters) that GET /metrics (Prometheus text format) requires. Unset: no /metrics route.'
  })),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({
    minimum: 0,
    default: 1000,
    description: 'Load shedding: while the mean event-loop delay over the last second exceeds this, requests answer 503 OVERLOADED ' +
      '(/healthz, /readyz and /metrics still answer). 0 turns it off.'
  }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, default: 16384, description: 'Largest accepted request body in bytes.' }),
  REQUEST_TIMEOUT_MS: Type.Integer({
    minimum: 1000,
    default: 10000,
    description: 'A request, headers and body, must arrive within this time, or its connection is closed (a client that sends its body slowly).'
  }),
  COGNITO_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    default: 16000,
    description: 'Per-request timeout for calls to Cognito. Cognito gives a Lambda trigger 5 s and up to three attempts, ' +
      'so a call with a slow trigger may take 15 s and still succeed; a shorter timeout would report a failure for something that happened.'
  }),
  LOCAL_DATA_DIR: Type.String({
    default: '.local',
    description: 'Local mode: where the emulator keeps its pool, users and the generated cookie key.'
  }),
  LOCAL_COGNITO_PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 0,
    description: 'Local mode: port of the embedded emulator (0: the previous run\'s port if free, else any free one, so tokens survive restarts).'
  }),
  LOCAL_EXPOSE: Type.Boolean({
    default: false,
    description: 'Local mode: allow a HOST that is not loopback (e.g. 0.0.0.0 in a dev container). ' +
      'Off by default: local mode serves a demo user with a known password and every code at /local/messages.'
  }),
  LOCAL_CLIENT_SECRET: Type.Boolean({
    default: false,
    description: 'Local mode: give the local app client a secret, so SECRET_HASH is sent and checked end to end as with a real client that has one.'
  }),
  LOCAL_DEMO_PASSWORD: Type.String({
    minLength: 8,
    default: 'Passw0rd!demo',
    description: 'Local mode: password of the demo user created on first start.'
  }),
  MFA_ISSUER: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[^:]+$',
    default: 'cognito-bff',
    description: 'The issuer name authenticator apps show for a TOTP enrolment (otpauth:// URI and QR code). No colon.'
  }),
  LOCAL_MFA: Literals(['off', 'optional', 'required'], {
    default: 'optional',
    description: 'Local mode: the pool\'s MFA setting, applied on every start. required: a password sign-in of a user without TOTP ' +
      'answers MFA_SETUP, as Cognito does for a pool with MFA on.'
  })
})

type Env = Static<typeof EnvSchema>

/** Where the user pool is and how to check its tokens: the configured pool, or the one the emulator made. */
const PoolSchema = Type.Object({
  region: Type.String(),
  userPoolId: Type.String(),
  clientId: Type.String(),
  clientSecret: Type.Optional(Type.String()),
  /** Unset: the regional AWS endpoint. */
  endpoint: Type.Optional(Type.String()),
  issuer: Type.String(),
  jwksUri: Type.String(),
  /**
   * The other issuer an AWS pool's tokens may name: Cognito's updated format
   * (https://issuer-cognito-idp.REGION.amazonaws.com/POOL), recommended now,
   * next to the original one. Unset when the issuer is overridden or local.
   */
  alternateIssuer: Type.Optional(Type.Object({ issuer: Type.String(), jwksUri: Type.String() }))
})
export type Pool = Static<typeof PoolSchema>

const CookieOptionsSchema = Type.Object({
  sameSite: StringEnum(SAME_SITE),
  /** Relaxed only when the public URL itself is plain http (local use). */
  secure: Type.Boolean()
})

const CookieKeysSchema = Type.Object({
  /** The first seals, every one unseals. */
  secrets: Type.Array(Type.String({ minLength: 32 }), { minItems: 1 })
})

/** Settings that mean the same in both modes. */
const CommonFields = {
  port: Type.Integer(),
  host: Type.String(),
  publicUrl: Type.Unsafe<URL>({ description: 'Parsed PUBLIC_URL' }),
  logLevel: StringEnum(LOG_LEVELS),
  cognito: Type.Object({
    loginFlow: StringEnum(LOGIN_FLOWS),
    timeoutMs: Type.Integer()
  }),
  corsOrigins: Type.Array(Type.String()),
  signupConfirmedUrl: Type.Optional(Type.String()),
  revealUserExistence: Type.Boolean(),
  /** SIGN_IN_AFTER_CONFIRM: confirming a sign-up signs the user in (USER_AUTH only). */
  signInAfterConfirm: Type.Boolean(),
  bodyLimit: Type.Integer(),
  requestTimeoutMs: Type.Integer(),
  /** Requests per minute per client address, by route group. */
  rateLimits: Type.Object({ signUp: Type.Integer(), signIn: Type.Integer(), recovery: Type.Integer() }),
  accountLimits: Type.Object({ signInFailures: Type.Integer(), codeFailures: Type.Integer(), windowMs: Type.Integer() }),
  uniformAnswerMs: Type.Integer(),
  /** METRICS_TOKEN: what GET /metrics requires; unset: no /metrics route. */
  metricsToken: Type.Optional(Type.String()),
  /** Load shedding threshold in ms (0: off). */
  maxEventLoopDelayMs: Type.Integer(),
  /** The issuer name in TOTP enrolments' otpauth:// URIs (MFA_ISSUER). */
  mfaIssuer: Type.String(),
  /** Who may call /admin/*, and what a membership change does. */
  admin: Type.Object({
    group: Type.String(),
    scopes: Type.Array(Type.String()),
    /** Machine-to-machine clients whose tokens may carry an admin scope. */
    clientIds: Type.Array(Type.String()),
    revokeOnGroupChange: Type.Boolean()
  }),
  /** Token checks: what the verifier accepts beyond the pool and client. */
  tokens: Type.Object({
    otherClientIds: Type.Array(Type.String()),
    clockSkewSeconds: Type.Integer(),
    maxBytes: Type.Integer(),
    jwksTimeoutMs: Type.Integer()
  }),
  /** Hosted-UI login: used when the mode has a hosted-UI domain (local mode, or COGNITO_DOMAIN). */
  oauth: Type.Object({
    /** Where a user may be sent back to; relative targets resolve against the first entry. */
    redirects: Type.Array(Type.Object({ origin: Type.String(), pathPrefix: Type.String() })),
    providers: Type.Array(Type.String()),
    scopes: Type.Array(Type.String()),
    externalState: Type.Boolean(),
    handoffSites: Type.Array(Type.Object({ origin: Type.String(), secret: Type.String() })),
    /** This service's /oauth/callback, registered on the app client as a callback URL. */
    callbackUrl: Type.String()
  }),
  /** Shared state in Redis; unset: in memory. `tlsCa`: the PEM read from REDIS_TLS_CA_FILE. */
  redis: Type.Optional(Type.Object({ url: Type.String(), keyPrefix: Type.String(), cluster: Type.Boolean(), tlsCa: Type.Optional(Type.String()) })),
  /** Fastify's trustProxy: false, true, proxy addresses, or (for a hop count) a function of the hop. */
  trustProxy: Type.Union([Type.Boolean(), Type.String(), Type.Unsafe<(address: string, hop: number) => boolean>({})])
}

const LocalFieldsSchema = Type.Object({
  dataDir: Type.String(),
  cognitoPort: Type.Integer(),
  demoPassword: Type.String(),
  /** Whether the local app client has a secret. */
  clientSecret: Type.Boolean(),
  /** The local pool's MFA setting (LOCAL_MFA). */
  mfa: StringEnum(['off', 'optional', 'required'])
})

export const AwsConfigSchema = Type.Object({
  mode: Type.Literal('aws'),
  ...CommonFields,
  pool: PoolSchema,
  /** The hosted UI's base URL (COGNITO_DOMAIN); unset: no /oauth/* routes. */
  hostedUiDomain: Type.Optional(Type.String()),
  cookies: Type.Composite([CookieOptionsSchema, CookieKeysSchema])
})

export const LocalConfigSchema = Type.Object({
  mode: Type.Literal('local'),
  ...CommonFields,
  pool: PoolSchema,
  /** The emulator's stand-in for the hosted UI. */
  hostedUiDomain: Type.String(),
  cookies: Type.Composite([CookieOptionsSchema, CookieKeysSchema]),
  local: LocalFieldsSchema
})

/** Local mode before the emulator has made its pool: no pool yet, and cookie keys only if configured. */
export const LocalStartSchema = Type.Object({
  mode: Type.Literal('local'),
  ...CommonFields,
  region: Type.String(),
  cookies: Type.Composite([CookieOptionsSchema, Type.Partial(CookieKeysSchema)]),
  local: LocalFieldsSchema
})

export type AwsConfig = Readonly<Static<typeof AwsConfigSchema>>
export type LocalConfig = Readonly<Static<typeof LocalConfigSchema>>
export type LocalStart = Readonly<Static<typeof LocalStartSchema>>
/** The configuration the app runs with: every value known, frozen. */
export type Config = AwsConfig | LocalConfig
export type LoginFlow = Config['cognito']['loginFlow']

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, 1: true, 0: false, yes: true, no: false }
const DEFAULT_REGION = 'us-east-1'

/** Builds the config from an environment; throws one ConfigError listing every problem. */
export function loadConfig (source: NodeJS.ProcessEnv = process.env): AwsConfig | LocalStart {
  // TypeBox checks formats only once they are registered (done here, not on import).
  if (!FormatRegistry.Has('uri')) FormatRegistry.Set('uri', value => URL.canParse(value))
  // Only the schema's own keys, and empty strings count as unset (as in most .env tooling).
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const booleans = ['REVEAL_USER_EXISTENCE', 'LOCAL_EXPOSE', 'LOCAL_CLIENT_SECRET', 'OAUTH_EXTERNAL_STATE', 'REVOKE_ON_GROUP_CHANGE', 'REDIS_CLUSTER']
  for (const key of booleans) {
    const value = raw[key]
    if (typeof value === 'string') raw[key] = BOOLEAN_WORDS[value.toLowerCase()] ?? value
  }
  const env = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw)) as Env
  const problems = [...Value.Errors(EnvSchema, env)].map(e => {
    const shown = e.value !== undefined && !isSecret(e.path) ? ` (got ${JSON.stringify(e.value)})` : ''
    return `${e.path.slice(1) || 'config'}: ${e.message}${shown}`
  })

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
      problems.push(`HOST: local mode serves a demo user and every code at /local/messages, so it binds to loopback only; got ${env.HOST}. ` +
        'Set COGNITO_USER_POOL_ID for a real pool, or LOCAL_EXPOSE=true if this is a dev container')
    }
  }
  if ((env.ADMIN_SCOPES === '') !== (env.ADMIN_CLIENT_IDS === '')) {
    problems.push('ADMIN_SCOPES, ADMIN_CLIENT_IDS: set both (which scopes make an admin, on tokens from which clients) or neither')
  }
  if (env.SIGN_IN_AFTER_CONFIRM && env.LOGIN_FLOW !== 'USER_AUTH') {
    problems.push('SIGN_IN_AFTER_CONFIRM: needs LOGIN_FLOW=USER_AUTH (the confirmation\'s session signs in through that flow)')
  }
  const region = mode === 'aws' ? poolRegion(env, problems) : env.COGNITO_REGION ?? DEFAULT_REGION
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
  const oauth = oauthSettings(env, mode, publicUrl, problems)
  const hostedUiDomain = mode === 'aws' ? hostedUiDomainOf(env, problems) : undefined
  if (mode === 'local' && env.COGNITO_DOMAIN !== undefined) {
    problems.push('COGNITO_DOMAIN: local mode serves the emulator\'s own hosted UI; set COGNITO_USER_POOL_ID to use a real pool\'s')
  }
  if (hostedUiDomain !== undefined && oauth.redirects.length === 0) {
    problems.push('REDIRECT_ALLOWLIST: required with COGNITO_DOMAIN (where may users be sent back to after the hosted UI?)')
  }
  const redis = redisSettings(env, problems)
  if (problems.length > 0) throw new ConfigError(problems)

  const common = {
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    logLevel: env.LOG_LEVEL,
    cognito: { loginFlow: env.LOGIN_FLOW, timeoutMs: env.COGNITO_TIMEOUT_MS },
    corsOrigins,
    // Local mode has its own landing page; elsewhere, no page means a JSON answer.
    signupConfirmedUrl: env.SIGNUP_CONFIRMED_URL ?? (mode === 'local' ? new URL('/local/demo', publicUrl).href : undefined),
    revealUserExistence: env.REVEAL_USER_EXISTENCE,
    signInAfterConfirm: env.SIGN_IN_AFTER_CONFIRM,
    bodyLimit: env.BODY_LIMIT,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    rateLimits: { signUp: env.RATE_LIMIT_SIGNUP, signIn: env.RATE_LIMIT_SIGNIN, recovery: env.RATE_LIMIT_RECOVERY },
    accountLimits: {
      signInFailures: env.ACCOUNT_SIGNIN_FAILURES,
      codeFailures: env.ACCOUNT_CODE_FAILURES,
      windowMs: env.ACCOUNT_FAILURE_WINDOW_S * 1000
    },
    uniformAnswerMs: env.UNIFORM_ANSWER_MS,
    ...(env.METRICS_TOKEN === undefined ? {} : { metricsToken: env.METRICS_TOKEN }),
    maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
    mfaIssuer: env.MFA_ISSUER,
    oauth,
    ...(redis === undefined ? {} : { redis }),
    admin: {
      group: env.ADMIN_GROUP,
      scopes: env.ADMIN_SCOPES.split(' ').filter(Boolean),
      clientIds: env.ADMIN_CLIENT_IDS.split(',').filter(Boolean),
      revokeOnGroupChange: env.REVOKE_ON_GROUP_CHANGE
    },
    tokens: {
      // Admin clients' service tokens are verified like any other (the admin guard then checks their scope).
      otherClientIds: [...new Set([...env.TOKEN_CLIENT_IDS.split(','), ...env.ADMIN_CLIENT_IDS.split(',')].filter(Boolean))],
      clockSkewSeconds: env.TOKEN_CLOCK_SKEW_S,
      maxBytes: env.TOKEN_MAX_BYTES,
      jwksTimeoutMs: env.JWKS_TIMEOUT_MS
    },
    trustProxy: parseTrustProxy(env.TRUST_PROXY)
  }
  const cookies = { sameSite: env.COOKIE_SAMESITE, secure: publicUrl.protocol === 'https:', secrets: env.COOKIE_SECRETS?.split(',') }

  if (mode === 'aws') {
    const pool = derivePool({
      region,
      userPoolId: env.COGNITO_USER_POOL_ID!,
      clientId: env.COGNITO_CLIENT_ID!,
      clientSecret: env.COGNITO_CLIENT_SECRET,
      endpoint: env.COGNITO_ENDPOINT,
      issuer: env.COGNITO_ISSUER,
      jwksUri: env.COGNITO_JWKS_URI
    })
    return deepFreeze<AwsConfig>({
      mode,
      ...common,
      pool,
      ...(hostedUiDomain === undefined ? {} : { hostedUiDomain }),
      cookies: { ...cookies, secrets: cookies.secrets! }
    })
  }
  return deepFreeze<LocalStart>({
    mode,
    ...common,
    region,
    cookies,
    local: {
      dataDir: env.LOCAL_DATA_DIR,
      cognitoPort: env.LOCAL_COGNITO_PORT,
      demoPassword: env.LOCAL_DEMO_PASSWORD,
      clientSecret: env.LOCAL_CLIENT_SECRET,
      mfa: env.LOCAL_MFA
    }
  })
}

/**
 * Local mode once the emulator runs: its pool and client (with the client's
 * secret when it has one), and the cookie key it keeps (unless COOKIE_SECRETS
 * was set). The issuer is the emulator's address.
 */
export function completeLocalConfig (
  start: LocalStart,
  found: { endpoint: string, userPoolId: string, clientId: string, clientSecret?: string, cookieSecret: string }
): LocalConfig {
  const pool = derivePool({
    region: start.region,
    userPoolId: found.userPoolId,
    clientId: found.clientId,
    ...(found.clientSecret === undefined ? {} : { clientSecret: found.clientSecret }),
    endpoint: found.endpoint,
    issuer: `${found.endpoint}/${found.userPoolId}`
  })
  return deepFreeze<LocalConfig>({
    ...start,
    pool,
    hostedUiDomain: found.endpoint,
    cookies: { ...start.cookies, secrets: start.cookies.secrets ?? [found.cookieSecret] }
  })
}

/** The issuer Cognito signs with and where its keys are, unless overridden. */
function derivePool (input: Omit<Pool, 'issuer' | 'jwksUri' | 'alternateIssuer'> & { issuer?: string, jwksUri?: string }): Pool {
  const issuer = input.issuer ?? `https://cognito-idp.${input.region}.amazonaws.com/${input.userPoolId}`
  const pool: Pool = { ...input, issuer, jwksUri: input.jwksUri ?? `${issuer}/.well-known/jwks.json` }
  if (input.issuer !== undefined || input.jwksUri !== undefined) return pool
  // Tokens name one format or the other, depending on the pool's configuration: accept both.
  const updated = `https://issuer-cognito-idp.${input.region}.amazonaws.com/${input.userPoolId}`
  return { ...pool, alternateIssuer: { issuer: updated, jwksUri: `${updated}/.well-known/jwks.json` } }
}

/**
 * Hosted-UI settings. The allowlist is parsed once here (redirect.ts);
 * local mode adds its own origin so its demo page works out of the box.
 * A hand-off site must be an allowlisted origin: the user is sent there.
 */
function oauthSettings (env: Env, mode: Config['mode'], publicUrl: URL, problems: string[]): Config['oauth'] {
  const allowlist = parseAllowlist(env.REDIRECT_ALLOWLIST)
  problems.push(...allowlist.problems)
  const redirects = [...allowlist.entries]
  if (mode === 'local' && !redirects.some(entry => entry.origin === publicUrl.origin && entry.pathPrefix === '/')) {
    redirects.push({ origin: publicUrl.origin, pathPrefix: '/' })
  }
  const scopes = env.OAUTH_SCOPES.split(' ')
  if (!scopes.includes('openid')) problems.push('OAUTH_SCOPES: must include openid (the callback checks the ID token and its nonce)')
  // A malformed value is already reported (without its secrets); its parts are not looked at.
  const handoffPairs = new RegExp(HANDOFF_SITES_PATTERN).test(env.HANDOFF_SITES) ? env.HANDOFF_SITES.split(',').filter(Boolean) : []
  const handoffSites = handoffPairs.map(pair => {
    const at = pair.indexOf('=')
    return { origin: pair.slice(0, at), secret: pair.slice(at + 1) }
  })
  for (const site of handoffSites) {
    if (!isOrigin(site.origin)) problems.push(`HANDOFF_SITES: "${site.origin}" is not an origin like https://cms.example.com`)
    else if (!redirects.some(entry => entry.origin === new URL(site.origin).origin)) {
      problems.push(`HANDOFF_SITES: ${site.origin} is not in REDIRECT_ALLOWLIST, so no sign-in can return there`)
    }
  }
  return {
    redirects,
    providers: env.OAUTH_PROVIDERS.split(','),
    scopes,
    externalState: env.OAUTH_EXTERNAL_STATE,
    handoffSites: handoffSites.map(site => ({ origin: isOrigin(site.origin) ? new URL(site.origin).origin : site.origin, secret: site.secret })),
    callbackUrl: new URL('/oauth/callback', publicUrl).href
  }
}

/** The Redis settings, the CA file read here (once, at start); undefined without REDIS_URL. */
function redisSettings (env: Env, problems: string[]): Config['redis'] {
  if (/[{}]/.test(env.REDIS_KEY_PREFIX)) {
    problems.push('REDIS_KEY_PREFIX: must not contain { or } (a Redis Cluster places each user\'s keys by the {sub} in them)')
  }
  if (env.REDIS_URL === undefined) {
    if (env.REDIS_CLUSTER) problems.push('REDIS_CLUSTER: needs REDIS_URL (a node of the cluster)')
    if (env.REDIS_TLS_CA_FILE !== undefined) problems.push('REDIS_TLS_CA_FILE: needs a rediss:// REDIS_URL')
    return undefined
  }
  const settings = { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, cluster: env.REDIS_CLUSTER }
  const file = env.REDIS_TLS_CA_FILE
  if (file === undefined) return settings
  // The URL may carry a password: only its scheme is looked at.
  if (!env.REDIS_URL.startsWith('rediss://')) problems.push('REDIS_TLS_CA_FILE: needs a rediss:// REDIS_URL (TLS)')
  let tlsCa: string
  try {
    tlsCa = readFileSync(file, 'utf8')
  } catch (err) {
    problems.push(`REDIS_TLS_CA_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
    return settings
  }
  if (!tlsCa.includes('-----BEGIN CERTIFICATE-----')) problems.push(`REDIS_TLS_CA_FILE: ${file} holds no PEM certificate`)
  return { ...settings, tlsCa }
}

/** COGNITO_DOMAIN as a bare origin: https (or loopback http, for an emulator), nothing after the host. */
function hostedUiDomainOf (env: Env, problems: string[]): string | undefined {
  if (env.COGNITO_DOMAIN === undefined || !URL.canParse(env.COGNITO_DOMAIN)) return undefined
  const url = new URL(env.COGNITO_DOMAIN)
  if (!isOrigin(env.COGNITO_DOMAIN)) {
    problems.push(`COGNITO_DOMAIN: "${env.COGNITO_DOMAIN}" must be the domain's origin only, like https://auth.example.com`)
  } else if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
    problems.push('COGNITO_DOMAIN: must be https (plain http only for an emulator on localhost)')
  }
  return url.origin
}

/**
 * A pool id starts with its region (eu-west-1_AbC123). An explicit
 * COGNITO_REGION must agree; an id without a region prefix is only fine for an
 * emulator at COGNITO_ENDPOINT.
 */
function poolRegion (env: Env, problems: string[]): string {
  const prefix = env.COGNITO_USER_POOL_ID?.split('_')[0] ?? ''
  if (new RegExp(`^${REGION}$`).test(prefix)) {
    if (env.COGNITO_REGION !== undefined && env.COGNITO_REGION !== prefix) {
      problems.push(`COGNITO_REGION: ${env.COGNITO_REGION} differs from the region of COGNITO_USER_POOL_ID (${prefix}); unset it or fix one`)
    }
    return prefix
  }
  if (env.COGNITO_USER_POOL_ID !== undefined && env.COGNITO_ENDPOINT === undefined) {
    problems.push(`COGNITO_USER_POOL_ID: "${env.COGNITO_USER_POOL_ID}" does not start with an AWS region (e.g. eu-west-1_AbC123)`)
  }
  return env.COGNITO_REGION ?? DEFAULT_REGION
}

function parseTrustProxy (value: string): Config['trustProxy'] {
  if (value === 'true' || value === 'false') return value === 'true'
  // A function, not the number: Fastify treats a numeric trustProxy as "trust nothing" (a direct
  // client could otherwise claim hops), while a hop count here means the BFF is only reachable
  // through that many proxies, which is the operator's promise to make.
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
  return /SECRET|PASSWORD|HANDOFF_SITES|REDIS_URL|METRICS_TOKEN/.test(path)
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
