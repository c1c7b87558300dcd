/** The environment variables of the reference's "Token checks" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'

export const tokens = {
  title: 'Token checks',
  about: 'What every authenticated route (and `/tokens/*`) accepts.',
  variables: {
    TOKEN_CLIENT_IDS: Type.String({
      default: '',
      pattern: '^([\\w+]+(,[\\w+]+)*)?$',
      description: 'Other app clients of the pool whose tokens are accepted too (comma-separated ids), e.g. a CMS client next to the SPA\'s ' +
        '`COGNITO_CLIENT_ID`: an ID token\'s `aud` and an access token\'s `client_id` must be one of them.'
    }),
    TOKEN_CLOCK_SKEW_S: Type.Integer({
      minimum: 0,
      maximum: 300,
      default: 60,
      description: 'How far ahead of this clock a token\'s `iat` and `nbf` may be, in seconds (clocks differ a little).'
    }),
    TOKEN_MAX_BYTES: Type.Integer({
      minimum: 1024,
      default: 16384,
      description: 'Longer tokens are refused before any parsing (Cognito\'s are a few kB, more with many groups).'
    }),
    JWKS_TIMEOUT_MS: Type.Integer({
      minimum: 100,
      default: 3000,
      description: 'Longest a request waits for the pool\'s JWKS to be fetched (first use, or a key the cache lacks); cached keys answer at once, ' +
        'and a JWKS that cannot be refreshed keeps serving (readiness says degraded).'
    })
  }
}
