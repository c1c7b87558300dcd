/** The environment variables of the reference's "Abuse protection" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'

export const abuse = {
  title: 'Abuse protection',
  about: 'Budgets per client address (see `TRUST_PROXY`) and per account, shared by every instance.',
  variables: {
    RATE_LIMIT_SIGNUP: Type.Integer({ minimum: 1, default: 20, description: 'Sign-up, confirm and resend requests per minute per client address.' }),
    RATE_LIMIT_SIGNIN: Type.Integer({
      minimum: 1,
      default: 60,
      description: 'Login, challenge, refresh and logout requests per minute per client address (the hosted-UI routes, `/oauth/*`, have a budget ' +
        'of this size of their own).'
    }),
    RATE_LIMIT_RECOVERY: Type.Integer({ minimum: 1, default: 10, description: 'Forgot- and reset-password requests per minute per client address.' }),
    ACCOUNT_SIGNIN_FAILURES: Type.Integer({
      minimum: 1,
      default: 10,
      description: 'Failed sign-ins and challenge answers per account (username; unknown usernames are counted alike) and client address ' +
        'within `ACCOUNT_FAILURE_WINDOW_S`; then `429 TOO_MANY_ATTEMPTS` with `Retry-After` until the window ends, for that address only.'
    }),
    ACCOUNT_CODE_FAILURES: Type.Integer({
      minimum: 1,
      default: 10,
      description: 'Wrong codes (confirmation, reset, attribute verification, authenticator enrolment) per account and client address ' +
        'within `ACCOUNT_FAILURE_WINDOW_S`; then `429` until the window ends, for that address only.'
    }),
    ACCOUNT_FAILURE_LIMIT_TOTAL: Type.Integer({
      minimum: 1,
      default: 50,
      description: 'Failed sign-ins (and, separately, wrong codes) per account from all addresses together within ' +
        '`ACCOUNT_FAILURE_WINDOW_S`; then `429 TOO_MANY_ATTEMPTS` for every address until the window ends. Above the per-address budgets, ' +
        'so failures from strangers do not lock the owner out at once, while a spray from many addresses still stops here.'
    }),
    ACCOUNT_FAILURE_WINDOW_S: Type.Integer({ minimum: 1, default: 900, description: 'The window, in seconds, of the per-account failure budgets.' }),
    UNIFORM_ANSWER_MS: Type.Integer({
      minimum: 0,
      default: 250,
      description: 'Forgot-password and resend answer no sooner than this many milliseconds, so an existing account is not told apart by a slower ' +
        'answer.'
    })
  }
}
