/** The environment variables of the reference's "Cognito" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'
import { Literals } from './literals.js'

export const LOGIN_FLOWS = ['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'] as const
// eu-west-1, us-gov-west-1, and the European Sovereign Cloud's eusc-de-east-1.
export const REGION = '(?:eusc-[a-z]{2}|[a-z]{2})(-[a-z]+)+-\\d'

/**
 * Cognito's request-rate quota categories for user pools, with their documented default rates (requests per
 * second, per account and region, all pools together): https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
 * Which category each operation the gateway sends counts against: src/cognito/quota-categories.ts.
 */
export const QUOTA_CATEGORIES = {
  UserAuthentication: 120,
  UserCreation: 50,
  UserFederation: 25,
  UserAccountRecovery: 30,
  UserRead: 120,
  UserUpdate: 25,
  UserList: 30,
  UserResourceRead: 50,
  UserResourceUpdate: 25
} as const
export type QuotaCategory = keyof typeof QUOTA_CATEGORIES

const QUOTA_ENTRY = `(?:${Object.keys(QUOTA_CATEGORIES).join('|')})=[1-9]\\d{0,5}`

export const cognito = {
  title: 'Cognito',
  about: 'The user pool and app client. Without `COGNITO_USER_POOL_ID`: local mode, on an embedded emulator.',
  variables: {
    COGNITO_USER_POOL_ID: Type.Optional(Type.String({
      pattern: '^[\\w-]+_[0-9a-zA-Z]+$',
      defaultText: 'unset: local mode',
      description: 'User pool id, e.g. `eu-west-1_AbC123`. Unset: local mode (embedded emulator).'
    })),
    COGNITO_CLIENT_ID: Type.Optional(Type.String({ pattern: '^[\\w+]+$', description: 'App client id. Required with `COGNITO_USER_POOL_ID`.' })),
    COGNITO_CLIENT_SECRET: Type.Optional(Type.String({
      minLength: 1,
      secret: true,
      description: 'App client secret, when the client has one; SECRET_HASH is then sent on every call that takes it.'
    })),
    COGNITO_REGION: Type.Optional(Type.String({
      pattern: `^${REGION}$`,
      defaultText: 'the pool id\'s prefix (local mode: `us-east-1`)',
      description: 'AWS region of the user pool. A pool id starts with its region (`eu-west-1_AbC123`); a different `COGNITO_REGION` stops the ' +
        'start. A pool id without a region prefix is accepted only with `COGNITO_ENDPOINT` (an emulator you run).'
    })),
    COGNITO_ENDPOINT: Type.Optional(Type.String({
      format: 'uri',
      defaultText: 'the regional AWS endpoint',
      description: 'Override of the Cognito API endpoint (e.g. an emulator you run yourself).'
    })),
    COGNITO_ISSUER: Type.Optional(Type.String({
      format: 'uri',
      defaultText: '`https://cognito-idp.REGION.amazonaws.com/POOL_ID`',
      description: 'Override of the token issuer. Unset, tokens naming Cognito\'s newer issuer format ' +
        '(`https://issuer-cognito-idp.REGION.amazonaws.com/POOL_ID`) are accepted too.'
    })),
    COGNITO_JWKS_URI: Type.Optional(Type.String({
      format: 'uri',
      defaultText: 'the issuer + `/.well-known/jwks.json`',
      description: 'Override of the JWKS URL.'
    })),
    LOGIN_FLOW: Literals(LOGIN_FLOWS, {
      default: 'USER_PASSWORD_AUTH',
      description: '`USER_PASSWORD_AUTH` (InitiateAuth, no AWS credentials needed; the app client needs `ALLOW_USER_PASSWORD_AUTH`), ' +
        '`ADMIN_USER_PASSWORD_AUTH` (AdminInitiateAuth, needs IAM credentials from the AWS SDK\'s default chain; the app client needs ' +
        '`ALLOW_ADMIN_USER_PASSWORD_AUTH`), or `USER_AUTH` (choice-based sign-in: `POST /auth/login` may omit the password and name a ' +
        '`preferredChallenge`, e.g. `EMAIL_OTP`; e-mail and SMS codes, passkeys; the app client needs `ALLOW_USER_AUTH`, the pool a sign-in ' +
        'policy). See "Passwordless sign-in" in docs/sessions-and-clients.md.'
    }),
    COGNITO_QUOTAS: Type.String({
      pattern: `^(?:${QUOTA_ENTRY}(?:,${QUOTA_ENTRY})*)?$`,
      default: '',
      defaultText: 'unset: no limit of this service\'s own',
      description: 'Requests per second this service sends Cognito at most, per quota category, all instances sharing the store together: ' +
        '`UserAuthentication=120,UserRead=120`. Beyond the rate a request answers `429 COGNITO_QUOTA_REACHED` with `Retry-After` at once, ' +
        'instead of sending Cognito a burst it would throttle. Categories: ' + Object.keys(QUOTA_CATEGORIES).map(c => `\`${c}\``).join(', ') +
        '; a category not named is not limited here. Cognito\'s quotas are per account and region (every pool and app in it), so set ' +
        'this service\'s share, at most the quota (see "Cognito quotas" in docs/operations.md).'
    }),
    USER_CACHE_SECONDS: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 30,
      description: 'How long `GET /me` and `GET /me/mfa` answer from this instance\'s copy of the user (Cognito\'s GetUser) before asking ' +
        'again. The service\'s own changes (`PATCH /me`, attribute verification, MFA, the admin API, deletion) are seen at once, on every ' +
        'instance sharing the store; a change made elsewhere (the console, another app) within this many seconds. `0`: ask every time.'
    }),
    MFA_ISSUER: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[^:]+$',
      default: 'cognito-bff',
      description: 'The issuer name authenticator apps show for a TOTP enrolment (the `otpauth://` URI and QR code of `POST /me/mfa/totp` and of ' +
        '`MFA_SETUP`). No colon.'
    }),
    COGNITO_TIMEOUT_MS: Type.Integer({
      minimum: 100,
      default: 16000,
      description: 'Per-request timeout for calls to Cognito, in milliseconds (the JWKS has its own, `JWKS_TIMEOUT_MS`). Cognito gives a Lambda ' +
        'trigger 5 s and up to three attempts, so a call behind a slow trigger can take 15 s and still succeed; a shorter timeout would report a ' +
        'failure for something that happened. Only `GetUser` and `RevokeToken`, which are safe to repeat, are retried on timeouts and ' +
        'outages (three attempts, jittered backoff), never on throttling; a sign-up, confirmation or challenge answer is never sent twice.'
    }),
    POOL_REFRESH_SECONDS: Type.Integer({
      minimum: 0,
      default: 600,
      description: 'How often the service reads the pool\'s settings again (DescribeUserPool, DescribeUserPoolClient, GetUserPoolMfaConfig; ' +
        'read once at start too), so a change made in the console is followed without a restart. `0`: only at start. When the reads are ' +
        'not allowed (IAM), the service runs on its configured values and says so once.'
    })
  }
}
