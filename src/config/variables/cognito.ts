/** The environment variables of the reference's "Cognito" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'
import { Literals } from './literals.js'

export const LOGIN_FLOWS = ['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'] as const
// eu-west-1, us-gov-west-1, and the European Sovereign Cloud's eusc-de-east-1.
export const REGION = '(?:eusc-[a-z]{2}|[a-z]{2})(-[a-z]+)+-\\d'

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
    })
  }
}
