/**
 * Derivation: every value computed from the environment (region from the pool
 * id, issuer and JWKS URL, the parsed allowlist, the Redis CA read from its
 * file) is computed here, once, and the typed config is assembled and frozen.
 * A derivation reports only what stops it (an entry it cannot parse, a file it
 * cannot read); rules between variables are in ./rules.ts.
 */
import { readFileSync } from 'node:fs'
import { parseAllowlist } from '../oauth/redirect.js'
import type { Env } from './environment.js'
import type { AwsConfig, Config, LocalConfig, LocalStart, Pool } from './types.js'
import { HANDOFF_SITES_PATTERN } from './variables/hosted-ui.js'
import { REGION } from './variables/cognito.js'

export type Mode = Config['mode']

const DEFAULT_REGION = 'us-east-1'

/** What loading derives before the config is assembled; `problems` are what stopped a derivation. */
export interface Derived {
  region: string
  publicUrl: URL
  corsOrigins: string[]
  oauth: Config['oauth']
  hostedUiDomain: string | undefined
  redis: Config['redis']
  problems: string[]
}

export function derive (env: Env, mode: Mode): Derived {
  const problems: string[] = []
  const publicUrlText = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`
  // An unparsable PUBLIC_URL is already among the schema's problems.
  const publicUrl = URL.canParse(publicUrlText) ? new URL(publicUrlText) : new URL('http://invalid')
  return {
    region: mode === 'aws' ? poolRegion(env) : env.COGNITO_REGION ?? DEFAULT_REGION,
    publicUrl,
    corsOrigins: env.CORS_ORIGINS.split(',').map(s => s.trim()).filter(Boolean),
    oauth: oauthSettings(env, mode, publicUrl, problems),
    hostedUiDomain: mode === 'aws' && env.COGNITO_DOMAIN !== undefined && URL.canParse(env.COGNITO_DOMAIN)
      ? new URL(env.COGNITO_DOMAIN).origin
      : undefined,
    redis: redisSettings(env, problems),
    problems
  }
}

/** The frozen config of a valid environment: AWS mode complete, local mode until the emulator has made its pool. */
export function assemble (env: Env, mode: Mode, derived: Derived): AwsConfig | LocalStart {
  const { publicUrl, redis } = derived
  const common = {
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    logLevel: env.LOG_LEVEL,
    cognito: {
      loginFlow: env.LOGIN_FLOW,
      timeoutMs: env.COGNITO_TIMEOUT_MS,
      poolRefreshSeconds: env.POOL_REFRESH_SECONDS,
      userCacheMs: env.USER_CACHE_SECONDS * 1000,
      quotas: Object.fromEntries(env.COGNITO_QUOTAS.split(',').filter(Boolean).map(entry => entry.split('=')).map(([c, n]) => [c, Number(n)]))
    },
    corsOrigins: derived.corsOrigins,
    // Local mode has its own landing page; elsewhere, no page means a JSON answer.
    signupConfirmedUrl: env.SIGNUP_CONFIRMED_URL ?? (mode === 'local' ? new URL('/local/demo', publicUrl).href : undefined),
    resetDoneUrl: env.RESET_DONE_URL ?? (mode === 'local' ? new URL('/local/demo', publicUrl).href : undefined),
    revealUserExistence: env.REVEAL_USER_EXISTENCE,
    signInAfterConfirm: env.SIGN_IN_AFTER_CONFIRM,
    bodyLimit: env.BODY_LIMIT,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    rateLimits: { signUp: env.RATE_LIMIT_SIGNUP, signIn: env.RATE_LIMIT_SIGNIN, recovery: env.RATE_LIMIT_RECOVERY },
    accountLimits: {
      signInFailures: env.ACCOUNT_SIGNIN_FAILURES,
      codeFailures: env.ACCOUNT_CODE_FAILURES,
      totalFailures: env.ACCOUNT_FAILURE_LIMIT_TOTAL,
      windowMs: env.ACCOUNT_FAILURE_WINDOW_S * 1000
    },
    uniformAnswerMs: env.UNIFORM_ANSWER_MS,
    ...(env.METRICS_TOKEN === undefined ? {} : { metricsToken: env.METRICS_TOKEN }),
    maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
    mfaIssuer: env.MFA_ISSUER,
    oauth: derived.oauth,
    ...(redis === undefined ? {} : { redis }),
    // Only against AWS: a real identity pool cannot trust the emulator's tokens (the rules refuse it in local mode).
    ...(mode === 'aws' && env.IDENTITY_POOL_ID !== undefined
      ? { identityPool: { id: env.IDENTITY_POOL_ID, region: env.IDENTITY_POOL_ID.split(':')[0]!, guest: env.IDENTITY_POOL_GUEST } }
      : {}),
    admin: {
      // Off by default against AWS: the admin calls need IAM credentials a deployment may not have.
      enabled: env.ADMIN_API ?? mode === 'local',
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
      region: derived.region,
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
      ...(derived.hostedUiDomain === undefined ? {} : { hostedUiDomain: derived.hostedUiDomain }),
      cookies: { ...cookies, secrets: cookies.secrets! }
    })
  }
  return deepFreeze<LocalStart>({
    mode,
    ...common,
    region: derived.region,
    cookies,
    local: {
      dataDir: env.LOCAL_DATA_DIR,
      cognitoPort: env.LOCAL_COGNITO_PORT,
      demoPassword: env.LOCAL_DEMO_PASSWORD,
      clientSecret: env.LOCAL_CLIENT_SECRET,
      mfa: env.LOCAL_MFA,
      ...(env.LOCAL_LEGACY_USERS === undefined ? {} : { legacyUsers: env.LOCAL_LEGACY_USERS }),
      ...(env.LOCAL_DEFAULT_GROUP === undefined ? {} : { defaultGroup: env.LOCAL_DEFAULT_GROUP })
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
 * A pool id starts with its region (eu-west-1_AbC123); an id without one (an
 * emulator's) takes COGNITO_REGION. Whether the two agree is a rule.
 */
export function poolIdRegion (env: Env): string | undefined {
  const prefix = env.COGNITO_USER_POOL_ID?.split('_')[0] ?? ''
  return new RegExp(`^${REGION}$`).test(prefix) ? prefix : undefined
}

function poolRegion (env: Env): string {
  return poolIdRegion(env) ?? env.COGNITO_REGION ?? DEFAULT_REGION
}

/**
 * Hosted-UI settings. The allowlist is parsed once here (redirect.ts);
 * local mode adds its own origin so its demo page works out of the box.
 */
function oauthSettings (env: Env, mode: Mode, publicUrl: URL, problems: string[]): Config['oauth'] {
  const allowlist = parseAllowlist(env.REDIRECT_ALLOWLIST)
  problems.push(...allowlist.problems)
  const redirects = [...allowlist.entries]
  if (mode === 'local' && !redirects.some(entry => entry.origin === publicUrl.origin && entry.pathPrefix === '/')) {
    redirects.push({ origin: publicUrl.origin, pathPrefix: '/' })
  }
  // A malformed value is already reported (without its secrets); its parts are not looked at.
  const handoffPairs = new RegExp(HANDOFF_SITES_PATTERN).test(env.HANDOFF_SITES) ? env.HANDOFF_SITES.split(',').filter(Boolean) : []
  const handoffSites = handoffPairs.map(pair => {
    const at = pair.indexOf('=')
    const origin = pair.slice(0, at)
    // An origin that is not one stays as written, for the rule that reports it.
    return { origin: isOrigin(origin) ? new URL(origin).origin : origin, secret: pair.slice(at + 1) }
  })
  return {
    redirects,
    providers: env.OAUTH_PROVIDERS.split(','),
    scopes: env.OAUTH_SCOPES.split(' '),
    externalState: env.OAUTH_EXTERNAL_STATE,
    handoffSites,
    callbackUrl: new URL('/oauth/callback', publicUrl).href
  }
}

/** The Redis settings, the CA file read here (once, at start); undefined without REDIS_URL. */
function redisSettings (env: Env, problems: string[]): Config['redis'] {
  if (env.REDIS_URL === undefined) return undefined
  const settings = { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, cluster: env.REDIS_CLUSTER }
  const file = env.REDIS_TLS_CA_FILE
  if (file === undefined) return settings
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

export function isLoopback (host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

export function isOrigin (value: string): boolean {
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
