/**
 * The typed configuration: a union on `mode`. With a pool configured it is
 * 'aws' and carries the pool and cookie keys by type; without one it is
 * 'local', and the pool is only known once the embedded emulator has made it
 * (`LocalStart` before, `LocalConfig` after `completeLocalConfig`).
 */
import { Type, type Static } from '@sinclair/typebox'
import { StringEnum } from '../schemas/string-enum.js'
import { LOGIN_FLOWS } from './variables/cognito.js'
import { LOCAL_MFA } from './variables/local.js'
import { LOG_LEVELS } from './variables/server.js'
import { SAME_SITE } from './variables/sessions.js'

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
    timeoutMs: Type.Integer(),
    /** Seconds between reads of the pool's settings; 0: at start only. */
    poolRefreshSeconds: Type.Integer(),
    /** USER_CACHE_SECONDS, in ms (0: no cache). */
    userCacheMs: Type.Integer(),
    /** COGNITO_QUOTAS: requests per second per quota category; a category absent is not limited. */
    quotas: Type.Record(Type.String(), Type.Integer())
  }),
  corsOrigins: Type.Array(Type.String()),
  signupConfirmedUrl: Type.Optional(Type.String()),
  resetDoneUrl: Type.Optional(Type.String()),
  revealUserExistence: Type.Boolean(),
  /** SIGN_IN_AFTER_CONFIRM: confirming a sign-up signs the user in (USER_AUTH only). */
  signInAfterConfirm: Type.Boolean(),
  bodyLimit: Type.Integer(),
  requestTimeoutMs: Type.Integer(),
  /** Requests per minute per client address, by route group. */
  rateLimits: Type.Object({ signUp: Type.Integer(), signIn: Type.Integer(), recovery: Type.Integer() }),
  accountLimits: Type.Object({
    signInFailures: Type.Integer(), codeFailures: Type.Integer(), totalFailures: Type.Integer(), windowMs: Type.Integer()
  }),
  uniformAnswerMs: Type.Integer(),
  /** METRICS_TOKEN: what GET /metrics requires; unset: no /metrics route. */
  metricsToken: Type.Optional(Type.String()),
  /** Load shedding threshold in ms (0: off). */
  maxEventLoopDelayMs: Type.Integer(),
  /** The issuer name in TOTP enrolments' otpauth:// URIs (MFA_ISSUER). */
  mfaIssuer: Type.String(),
  /** IDENTITY_POOL_ID (AWS mode only): the identity pool POST /me/aws-credentials uses, its region, and whether guests get credentials. */
  identityPool: Type.Optional(Type.Object({ id: Type.String(), region: Type.String(), guest: Type.Boolean() })),
  /** Who may call /admin/*, and what a membership change does. */
  admin: Type.Object({
    /** ADMIN_API: whether /admin/* is mounted (default: in local mode only). */
    enabled: Type.Boolean(),
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
  mfa: StringEnum(LOCAL_MFA),
  /** The legacy users the in-process migration trigger asks (LOCAL_LEGACY_USERS). */
  legacyUsers: Type.Optional(Type.String()),
  /** The group the in-process post-confirmation trigger adds confirmed users to (LOCAL_DEFAULT_GROUP). */
  defaultGroup: Type.Optional(Type.String())
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
