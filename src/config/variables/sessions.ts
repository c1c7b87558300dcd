/** The environment variables of the reference's "Sessions and browsers" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'
import { Literals } from './literals.js'

export const SAME_SITE = ['lax', 'strict', 'none'] as const

export const sessions = {
  title: 'Sessions and browsers',
  about: 'Session cookies, browser origins and sign-up behaviour.',
  variables: {
    COOKIE_SECRETS: Type.Optional(Type.String({
      pattern: '^[^,]{32,}(,[^,]{32,})*$',
      secret: true,
      defaultText: 'unset (local mode: generated and kept in `LOCAL_DATA_DIR`)',
      description: 'Comma-separated keys (32+ characters each, no commas) that seal session cookies; the first seals, all unseal (rotation). ' +
        'Required outside local mode; local mode uses it when set. Generate one with `openssl rand -base64 48`.'
    })),
    COOKIE_SAMESITE: Literals(SAME_SITE, {
      default: 'lax',
      description: 'SameSite attribute of session cookies; `none` needs an `https:` `PUBLIC_URL`.'
    }),
    CORS_ORIGINS: Type.String({
      default: '',
      description: 'Comma-separated browser origins allowed to call with credentials (e.g. `https://app.example.com,http://localhost:5173`).'
    }),
    SIGNUP_CONFIRMED_URL: Type.Optional(Type.String({
      format: 'uri',
      defaultText: 'unset (local mode: `PUBLIC_URL/local/demo`)',
      description: 'Page the e-mail confirmation link\'s Confirm button (`POST /auth/signup/confirm/link`, from the page ' +
        '`GET /auth/signup/confirm` shows) redirects to with `?status=confirmed` or `?error=CODE`. Unset: the button answers JSON.'
    })),
    RESET_DONE_URL: Type.Optional(Type.String({
      format: 'uri',
      defaultText: 'unset (local mode: `PUBLIC_URL/local/demo`)',
      description: 'Page the password-reset e-mail link\'s form (`POST /auth/password/reset/link`, from the page ' +
        '`GET /auth/password/reset` shows) redirects to with `?status=password-reset` once the new password is set. ' +
        'Unset: the form answers a page saying so.'
    })),
    REVEAL_USER_EXISTENCE: Type.Boolean({
      default: false,
      description: 'When true, resend and forgot-password answer `USER_NOT_FOUND` for unknown users and include the code delivery details, instead ' +
        'of the same `202` for every username. Login always answers `INVALID_CREDENTIALS`.'
    }),
    SIGN_IN_AFTER_CONFIRM: Type.Boolean({
      default: false,
      description: 'With `LOGIN_FLOW=USER_AUTH`: `POST /auth/signup/confirm` also signs the new user in (the session Cognito\'s ConfirmSignUp ' +
        'answers, used once at InitiateAuth `USER_AUTH`) and answers like login (cookies, or tokens with `"tokenDelivery":"body"`). The app client ' +
        'needs `ALLOW_USER_AUTH`. Any other flow: refused at start.'
    })
  }
}
