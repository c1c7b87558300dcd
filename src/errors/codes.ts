/**
 * Every error the API can return: a stable machine code, its HTTP status, a
 * public title, and what a client should do about it (served as the page the
 * problem's `type` names: /problems/<code>). The list alone, in status order;
 * catalog.ts builds the errors from it.
 */
export const ERROR_CATALOG = {
  VALIDATION_FAILED: {
    status: 400,
    title: 'The request is not valid.',
    advice: 'Fix the fields listed in `errors` (missing, unknown, wrong type or format) and send the request again.'
  },
  MALFORMED_BODY: {
    status: 400,
    title: 'The request body is not valid JSON.',
    advice: 'Send a complete JSON document as the body, with Content-Type: application/json.'
  },
  INVALID_PARAMETER: {
    status: 400,
    title: 'Cognito rejected a parameter of the request.',
    advice: 'A value Cognito does not accept (for example an attribute the pool does not define); correct it, do not retry as is.'
  },
  INVALID_PASSWORD: {
    status: 400,
    title: 'The password does not meet the password policy.',
    advice: 'Choose a password that meets the pool\'s policy; the detail names the rule that failed.'
  },
  CODE_MISMATCH: {
    status: 400,
    title: 'The code is wrong.',
    advice: 'Ask the user to check the code and type it again, or request a new one (resend, forgot).'
  },
  CODE_EXPIRED: {
    status: 400,
    title: 'The code has expired; ask for a new one.',
    advice: 'Request a new code (resend or forgot) and use the newest one.'
  },
  INVALID_FILTER: {
    status: 400,
    title: 'The user search filter is not valid.',
    advice: 'Write the filter as <attribute> = "<value>" (exact) or <attribute> ^= "<value>" (starts with), on one searchable attribute: ' +
      'username, email, phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status or sub.'
  },
  REDIRECT_NOT_ALLOWED: {
    status: 400,
    title: 'The redirect target is not allowed.',
    advice: 'Send users back only to a URL on the redirect allowlist (REDIRECT_ALLOWLIST): an allowed origin, or a path starting with one "/". ' +
      'No redirect happens; nothing was started.'
  },
  OAUTH_STATE_INVALID: {
    status: 400,
    title: 'This sign-in response does not belong to a sign-in started here.',
    advice: 'The state, nonce or login cookie is missing, malformed, expired (5 minutes) or already used: start the sign-in again ' +
      'at GET /oauth/login. Browsers that block cookies cannot finish a hosted-UI sign-in.'
  },
  OAUTH_CODE_INVALID: {
    status: 400,
    title: 'The authorization code is invalid, expired or already used.',
    advice: 'Start the sign-in again at GET /oauth/login; a code from the hosted UI works once, within minutes.'
  },
  OAUTH_ERROR: {
    status: 400,
    title: 'The hosted UI or identity provider did not sign the user in.',
    advice: 'The detail names the OAuth error (access_denied: the user or provider declined). Offer to sign in again.'
  },
  HANDOFF_INVALID: {
    status: 400,
    title: 'The hand-off code is invalid, expired, already used or for another site.',
    advice: 'A hand-off code is redeemed once, within 60 seconds, by the site it was issued for: start the sign-in again.'
  },
  MFA_NOT_SET_UP: {
    status: 400,
    title: 'That MFA method is not set up for this user or pool.',
    advice: 'Set the MFA method up first (or choose another); the pool or the user does not have it.'
  },
  PASSKEYS_NOT_AVAILABLE: {
    status: 400,
    title: 'Passkeys are not available here.',
    advice: 'The user pool does not have passkeys (WebAuthn) turned on, or the service runs in local mode, which does not support them. ' +
      'Offer another way to sign in (password, e-mail code).'
  },
  PASSKEY_REJECTED: {
    status: 400,
    title: 'The passkey credential was refused.',
    advice: 'The credential does not answer the registration started here (it expired or was already used), ' +
      'or was made for another origin, relying party or client: start again at POST /me/passkeys/start and pass its options to ' +
      'navigator.credentials.create() unchanged.'
  },
  PASSKEY_NOT_FOUND: {
    status: 404,
    title: 'No such passkey.',
    advice: 'List the user\'s passkeys (GET /me/passkeys) and use a credentialId from there.'
  },
  CURRENT_PASSWORD_INCORRECT: {
    status: 400,
    title: 'The current password is incorrect.',
    advice: 'Ask the user for their current password again; the session goes on. Repeated failures count against the account like failed ' +
      'sign-ins (TOO_MANY_ATTEMPTS); a forgotten password is reset with forgot/reset.'
  },
  SESSION_TRACKING_OFF: {
    status: 400,
    title: 'Session tracking is off for the user pool.',
    advice: 'The pool\'s administrator turns it on: SetUserPoolSessionConfiguration with UserSessionTracking ENABLED ' +
      '(aws cognito-idp set-user-pool-session-configuration), or the CDK app\'s pool with session tracking. ' +
      'Sessions begun before then are not listed. (Cognito answers so too in a replica Region, which has no session management.)'
  },
  UNAUTHENTICATED: {
    status: 401,
    title: 'Sign-in is required.',
    advice: 'Sign in, or send Authorization: Bearer <access token>; for a refresh, send the refresh cookie or token.'
  },
  TOKEN_INVALID: {
    status: 401,
    title: 'The token is invalid, expired or revoked.',
    advice: 'Refresh the session (POST /auth/refresh) or sign in again; do not retry with the same token.'
  },
  INVALID_CREDENTIALS: {
    status: 401,
    title: 'Incorrect username or password.',
    advice: 'Let the user try again, or offer password recovery; the answer is the same for an unknown user.'
  },
  SESSION_EXPIRED: {
    status: 401,
    title: 'The session has expired; sign in again.',
    advice: 'The refresh token no longer works: sign in again.'
  },
  SIGN_IN_RESTART: {
    status: 401,
    title: 'This sign-in step is invalid or has expired; start the sign-in again.',
    advice: 'Start the sign-in again with POST /auth/login; a challenge session is valid for one user, one challenge and the app ' +
      'client\'s AuthSessionValidity (3 minutes by default).'
  },
  USER_NOT_CONFIRMED: {
    status: 403,
    title: 'The account is not confirmed yet.',
    advice: 'Confirm the account with the code (POST /auth/signup/confirm), or ask for a new code (resend).'
  },
  PASSWORD_RESET_REQUIRED: {
    status: 403,
    title: 'A password reset is required.',
    advice: 'Send the user through password recovery (forgot, then reset) before signing in.'
  },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    title: 'The request origin is not allowed.',
    advice: 'Call from the service\'s own origin or one listed in CORS_ORIGINS; an operator adds trusted origins there.'
  },
  REQUEST_BLOCKED: {
    status: 403,
    title: 'The request was blocked by the user pool\'s firewall.',
    advice: 'AWS WAF rules on the user pool refused the request (its address, rate or content); sending it again as is will not help. ' +
      'The operator reviews the pool\'s web ACL.'
  },
  NOT_PERMITTED: {
    status: 403,
    title: 'The user pool does not allow this.',
    advice: 'The user pool forbids this (self sign-up off, user disabled); an administrator must change it.'
  },
  ROLE_NOT_ALLOWED: {
    status: 403,
    title: 'That role is not one of the user\'s roles.',
    advice: 'Ask for a role the ID token lists in `cognito:roles` (the IAM roles of the user\'s groups), or leave `role` out for the ' +
      'identity pool\'s choice.'
  },
  INSUFFICIENT_SCOPE: {
    status: 403,
    title: 'The access token lacks a scope this operation needs.',
    advice: 'Sign in with the scope named in the detail (for /me: aws.cognito.signin.user.admin); signing in the same way again will not help.'
  },
  ADMIN_REQUIRED: {
    status: 403,
    title: 'This operation is for administrators.',
    advice: 'Sign in as a member of the admin group (ADMIN_GROUP), or call with a service token from an admin client (ADMIN_CLIENT_IDS) ' +
      'carrying an admin scope (ADMIN_SCOPES).'
  },
  TEMPORARY_PASSWORD_EXPIRED: {
    status: 403,
    title: 'The temporary password has expired; an administrator must reset it.',
    advice: 'An administrator must reset the user\'s temporary password (or invite them again).'
  },
  NOT_FOUND: {
    status: 404,
    title: 'No such resource.',
    advice: 'Check the method and path against the API reference (/docs).'
  },
  SESSION_NOT_FOUND: {
    status: 404,
    title: 'No such session.',
    advice: 'The user has no active session by that id (it ended, or never was): list the sessions again and use a sessionId from there.'
  },
  USER_NOT_FOUND: {
    status: 404,
    title: 'No such user.',
    advice: 'Check the username; self-service routes answer this only with REVEAL_USER_EXISTENCE, the admin API always.'
  },
  GROUP_NOT_FOUND: {
    status: 404,
    title: 'No such group.',
    advice: 'Check the group name against GET /admin/groups; create it with POST /admin/groups.'
  },
  DEVICE_NOT_FOUND: {
    status: 404,
    title: 'No such device.',
    advice: 'List the user\'s remembered devices (GET /admin/users/{username}/devices) and use a deviceKey from there.'
  },
  AUTH_EVENT_NOT_FOUND: {
    status: 404,
    title: 'No such sign-in event.',
    advice: 'List the user\'s sign-in events (GET /admin/users/{username}/auth-events) and use an eventId from there.'
  },
  IDENTITY_NOT_FOUND: {
    status: 404,
    title: 'The user has no linked identity from that provider.',
    advice: 'Read the user\'s identities attribute (GET /admin/users/{username}), or pass the provider\'s user id as ?providerUserId=.'
  },
  GROUP_EXISTS: {
    status: 409,
    title: 'A group with this name already exists.',
    advice: 'Choose another name, or change the existing group with PATCH /admin/groups/{group}.'
  },
  THREAT_PROTECTION_OFF: {
    status: 409,
    title: 'The user pool does not record sign-in events.',
    advice: 'Sign-in events and risk feedback need the pool\'s threat protection (advanced security features) in audit or full-function ' +
      'mode, on the Plus plan; local mode never has it.'
  },
  USERNAME_EXISTS: {
    status: 409,
    title: 'An account with this username already exists.',
    advice: 'Choose another username, or sign in (or recover the password) if the account is yours.'
  },
  ALIAS_EXISTS: {
    status: 409,
    title: 'Another account already uses this e-mail or phone number.',
    advice: 'Use another e-mail address or phone number, or sign in to the account that has it.'
  },
  ALREADY_CONFIRMED: {
    status: 409,
    title: 'The account is already confirmed.',
    advice: 'Nothing to confirm: sign in.'
  },
  INVITE_NOT_PENDING: {
    status: 409,
    title: 'The user has no pending invitation.',
    advice: 'Only a user who has not yet signed in with the temporary password (status FORCE_CHANGE_PASSWORD) can be sent the invitation again; ' +
      'for anyone else, reset the password instead.'
  },
  MFA_REQUIRED_BY_POOL: {
    status: 409,
    title: 'The user pool requires MFA: the last factor cannot be turned off.',
    advice: 'Keep at least one factor on (enable another one first to switch); the pool\'s administrator decides whether MFA is required.'
  },
  CURRENT_SESSION: {
    status: 409,
    title: 'That is the current session.',
    advice: 'A session cannot revoke itself: to end the session this request was made with, sign out (POST /auth/logout).'
  },
  REQUEST_TIMEOUT: {
    status: 408,
    title: 'The request did not arrive in time.',
    advice: 'Send the whole request promptly, within REQUEST_TIMEOUT_MS, on a new connection.'
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'The request body is too large.',
    advice: 'Send a smaller body (the limit is BODY_LIMIT bytes).'
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'The content type is not supported; send application/json.',
    advice: 'Send the body as JSON with Content-Type: application/json.'
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    title: 'The request headers are too large.',
    advice: 'Send fewer or smaller headers and cookies (16 KB in all), on a new connection.'
  },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    title: 'Too many attempts; wait before trying again.',
    advice: 'Wait for Retry-After seconds: the account has used up its attempts for now.'
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Too many requests; slow down.',
    advice: 'Slow down and retry after Retry-After seconds.'
  },
  UPSTREAM_THROTTLED: {
    status: 429,
    title: 'Cognito is throttling requests; retry later.',
    advice: 'Retry after Retry-After seconds, with backoff.'
  },
  COGNITO_QUOTA_REACHED: {
    status: 429,
    title: 'This service is holding requests to Cognito within the pool\'s quota; retry shortly.',
    advice: 'Retry after Retry-After seconds: this service sends Cognito at most its configured rate (COGNITO_QUOTAS) and was at it.'
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Something went wrong on our side.',
    advice: 'Not the client\'s fault: retry later; the operator finds the cause in the log under the request id (instance).'
  },
  IDENTITY_POOL_NOT_CONFIGURED: {
    status: 501,
    title: 'This service hands out no AWS credentials: no identity pool is configured.',
    advice: 'The operator sets IDENTITY_POOL_ID to a Cognito identity pool that lists the user pool and app client as a provider (AWS mode). ' +
      'Local mode has no identity pool and never makes up credentials; see docs/aws-credentials.md.'
  },
  UPSTREAM_ERROR: {
    status: 502,
    title: 'Cognito returned an unexpected error.',
    advice: 'Cognito answered unexpectedly (for example a failing Lambda trigger): retry later; report the request id if it persists.'
  },
  CODE_DELIVERY_FAILED: {
    status: 503,
    title: 'The code could not be sent.',
    advice: 'Nothing is wrong with the request; ask for a new code later (resend, forgot), or check the address. At sign-up the account ' +
      'was created: do not sign up again. The detail says which. The operator checks the pool\'s e-mail/SMS set-up (Cognito\'s own ' +
      'sender allows only a few e-mails a day; a pool that sends with Amazon SES does not run out).'
  },
  STORE_UNAVAILABLE: {
    status: 503,
    title: 'Shared state (Redis) is unavailable; retry later.',
    advice: 'Retry after Retry-After seconds. This service fails closed: without its shared state it cannot tell a revoked token ' +
      'or a spent code, so it answers nothing rather than something wrong.'
  },
  UPSTREAM_UNAVAILABLE: {
    status: 503,
    title: 'Cognito is unavailable; retry later.',
    advice: 'Retry after Retry-After seconds, with backoff.'
  },
  IDENTITY_POOL_MISCONFIGURED: {
    status: 503,
    title: 'The identity pool cannot hand out credentials as it is set up.',
    advice: 'Not the client\'s fault: the detail says what the operator checks (IDENTITY_POOL_ID, the pool\'s identity provider, its ' +
      'roles\' trust policy, guest access); retry after Retry-After seconds.'
  },
  OVERLOADED: {
    status: 503,
    title: 'The service is overloaded; retry later.',
    advice: 'Retry after Retry-After seconds, with backoff. The instance sheds load while its event loop lags (MAX_EVENT_LOOP_DELAY_MS); ' +
      'another instance may answer at once.'
  }
} as const satisfies Record<string, { status: number, title: string, advice: string }>
