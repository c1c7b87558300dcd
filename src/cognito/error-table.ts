/**
 * The one table from Cognito exceptions to catalog errors. Keyed by exception
 * name; where one name means different things per operation (a
 * NotAuthorizedException is "wrong password" at login but "session over" at
 * refresh), the operation's row wins over the default row. A few messages
 * mean the service itself is misconfigured: those win over both, so they
 * reach the operator as 5xx instead of looking like the user's mistake.
 *
 * Complete by construction: test/cognito/error-table.test.ts reads, for every
 * SDK command in OPERATION_COMMANDS, the exceptions the SDK's model declares,
 * and fails unless each has a row here or is on FALLS_TO_DEFAULT.
 */
import { ApiError, type ErrorCode } from '../errors/catalog.js'
import { emailQuotaDetail, isDailyEmailQuota, SENDS_CODES, triggerMessage } from './cognito-messages.js'
import { isSigned } from './commands.js'
import { isNetworkError } from './network-errors.js'
import { OPERATION_COMMANDS, type Operation } from './operations.js'

export { OPERATION_COMMANDS, type Operation } from './operations.js'

/** Declared exceptions deliberately without a row (the generic answer), each with why. Empty: every one has a row. */
export const FALLS_TO_DEFAULT: Readonly<Record<string, string>> = {}

interface Row {
  code: ErrorCode
  /** A message that makes this row mean something more specific. */
  when?: [RegExp, Omit<Row, 'when'>]
  /** Public detail (4xx only); the Cognito message is logged, never sent... */
  detail?: string
  /** ...except where it only tells the client what to fix (which password rule failed). */
  passMessage?: boolean
  /** Our own wording, sent even on a 5xx. */
  publicDetail?: boolean
}

/** Not in Cognito's model: AWS refusing the BFF's credentials or IAM policy, or no credentials. Only signed calls meet these. */
const CREDENTIAL_FAILURES: ReadonlySet<string> = new Set([
  'AccessDeniedException', // "User: arn:... is not authorized to perform: cognito-idp:AdminInitiateAuth on resource: ..."
  'CredentialsProviderError', // the SDK's "Could not load credentials from any providers"
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException'
])

const DEFAULT_ROWS: Record<string, Row> = {
  AliasExistsException: { code: 'ALIAS_EXISTS' },
  CodeDeliveryFailureException: { code: 'CODE_DELIVERY_FAILED' },
  CodeMismatchException: { code: 'CODE_MISMATCH' },
  ExpiredCodeException: { code: 'CODE_EXPIRED' },
  InvalidParameterException: { code: 'INVALID_PARAMETER' },
  InvalidPasswordException: { code: 'INVALID_PASSWORD', passMessage: true },
  PasswordHistoryPolicyViolationException: { code: 'INVALID_PASSWORD', detail: 'The password was used recently; choose another.' },
  LimitExceededException: { code: 'TOO_MANY_ATTEMPTS' },
  TooManyFailedAttemptsException: { code: 'TOO_MANY_ATTEMPTS' },
  TooManyRequestsException: { code: 'UPSTREAM_THROTTLED' },
  // e.g. "SignUp is not permitted for this user pool", "User is disabled."
  NotAuthorizedException: { code: 'NOT_PERMITTED' },
  PasswordResetRequiredException: { code: 'PASSWORD_RESET_REQUIRED' },
  UserNotConfirmedException: { code: 'USER_NOT_CONFIRMED' },
  UserNotFoundException: { code: 'USER_NOT_FOUND' },
  UsernameExistsException: { code: 'USERNAME_EXISTS' },
  // A trigger's own message, when it wrote one, replaces this detail (see rowFor).
  UserLambdaValidationException: { code: 'INVALID_PARAMETER', detail: 'The request was refused by the user pool\'s validation.' },
  InvalidLambdaResponseException: { code: 'UPSTREAM_ERROR' },
  UnexpectedLambdaException: { code: 'UPSTREAM_ERROR' },
  // The pool or client is misconfigured: the operator's problem, not the user's.
  ResourceNotFoundException: { code: 'INTERNAL_ERROR' },
  InvalidUserPoolConfigurationException: { code: 'INTERNAL_ERROR' },
  InvalidSmsRoleAccessPolicyException: { code: 'CODE_DELIVERY_FAILED' },
  InvalidSmsRoleTrustRelationshipException: { code: 'CODE_DELIVERY_FAILED' },
  InvalidEmailRoleAccessPolicyException: { code: 'CODE_DELIVERY_FAILED' },
  UnsupportedOperationException: { code: 'UPSTREAM_ERROR' },
  InternalErrorException: { code: 'UPSTREAM_UNAVAILABLE' },
  // "AWS WAF blocked the request": the user pool's web ACL refused it.
  ForbiddenException: { code: 'REQUEST_BLOCKED' },
  MFAMethodNotFoundException: { code: 'MFA_NOT_SET_UP' },
  SoftwareTokenMFANotFoundException: { code: 'MFA_NOT_SET_UP' },
  // The operator's to fix; every INTERNAL_ERROR from a Cognito call names its IAM action in the log (see nameIamAction).
  OperationNotEnabledException: { code: 'INTERNAL_ERROR' },
  FeatureUnavailableInTierException: { code: 'INTERNAL_ERROR' },
  ...Object.fromEntries([...CREDENTIAL_FAILURES].map(name => [name, { code: 'INTERNAL_ERROR' } satisfies Row]))
}

const CREDENTIALS: Row = { code: 'INVALID_CREDENTIALS' }

/** Cognito's challenge session (not ours, which the route checks first) is unknown, used up or expired. */
const RESTART_SIGN_IN: Row = { code: 'SIGN_IN_RESTART', detail: 'The sign-in session is invalid or expired; start the sign-in again.' }

/** Calls made with the user's access token: a refused token, or a user gone since it was issued. */
const ACCESS_TOKEN_ROWS: Record<string, Row> = {
  NotAuthorizedException: { code: 'TOKEN_INVALID' },
  UserNotFoundException: { code: 'TOKEN_INVALID' }
}

/** TOTP set-up, with an access token or a sign-in session: a wrong code, or another set-up racing this one. */
const TOTP_ROWS: Record<string, Row> = {
  // "Code mismatch": Cognito's answer to a wrong code while turning the token on.
  EnableSoftwareTokenMFAException: { code: 'CODE_MISMATCH' },
  // Another change to the user's MFA at the same moment: worth a retry.
  ConcurrentModificationException: { code: 'UPSTREAM_THROTTLED' }
}

/** Passkey registration and management, called with the user's access token. */
const PASSKEY_ROWS: Record<string, Row> = {
  NotAuthorizedException: { code: 'TOKEN_INVALID' },
  // The pool has no passkeys (local mode answers so too); a pool without a relying party is the operator's to fix.
  WebAuthnNotEnabledException: { code: 'PASSKEYS_NOT_AVAILABLE' },
  WebAuthnConfigurationMissingException: { code: 'INTERNAL_ERROR' },
  // The credential does not answer the registration started, or was made for another origin, relying party or client.
  WebAuthnChallengeNotFoundException: { code: 'PASSKEY_REJECTED' },
  WebAuthnClientMismatchException: { code: 'PASSKEY_REJECTED' },
  WebAuthnCredentialNotSupportedException: { code: 'PASSKEY_REJECTED' },
  WebAuthnOriginNotAllowedException: { code: 'PASSKEY_REJECTED' },
  WebAuthnRelyingPartyMismatchException: { code: 'PASSKEY_REJECTED' }
}

/** A user's sessions: tracking off for the pool (or a replica Region). */
const SESSION_ROWS: Record<string, Row> = {
  OperationNotEnabledException: {
    code: 'SESSION_TRACKING_OFF',
    detail: 'Session tracking is off for the user pool: its administrator turns it on with SetUserPoolSessionConfiguration ' +
      '(UserSessionTracking ENABLED; aws cognito-idp set-user-pool-session-configuration). Sessions begun before then are not tracked.'
  }
}
/** Revoking one: the session named is not among the user's (a missing pool is still the operator's: the default row). */
const REVOKE_ROWS: Record<string, Row> = {
  ...SESSION_ROWS,
  ResourceNotFoundException: { code: 'INTERNAL_ERROR', when: [/session/i, { code: 'SESSION_NOT_FOUND' }] }
}

const OPERATION_ROWS: Partial<Record<Operation, Record<string, Row>>> = {
  UserSessions: { ...ACCESS_TOKEN_ROWS, ...SESSION_ROWS },
  RevokeUserSession: {
    ...ACCESS_TOKEN_ROWS,
    ...REVOKE_ROWS,
    // The caller's own session: a sign-out, not a revocation (the route checks first; this is for a race).
    InvalidParameterException: { code: 'INVALID_PARAMETER', when: [/current session/i, { code: 'CURRENT_SESSION' }] }
  },
  AdminSessions: SESSION_ROWS,
  AdminRevokeSession: REVOKE_ROWS,
  Login: {
    // Wrong password and unknown user must look the same (the emulator even
    // reports a wrong password as InvalidPasswordException). An invited user's
    // expired temporary password is told apart: only an administrator can help.
    NotAuthorizedException: { ...CREDENTIALS, when: [/temporary password has expired/i, { code: 'TEMPORARY_PASSWORD_EXPIRED' }] },
    UserNotFoundException: CREDENTIALS,
    InvalidPasswordException: CREDENTIALS
  },
  RespondToAuthChallenge: {
    // "Invalid session for the user, session is expired." and friends; a wrong
    // code is CodeMismatchException or ExpiredCodeException, by the default rows.
    // A password answered at SELECT_CHALLENGE (USER_AUTH) is checked as at login.
    NotAuthorizedException: { ...RESTART_SIGN_IN, when: [/incorrect username or password/i, CREDENTIALS] },
    UserNotFoundException: RESTART_SIGN_IN
  },
  StartWebAuthnRegistration: PASSKEY_ROWS,
  CompleteWebAuthnRegistration: PASSKEY_ROWS,
  ListWebAuthnCredentials: PASSKEY_ROWS,
  // No credential of this user by that id.
  DeleteWebAuthnCredential: { ...PASSKEY_ROWS, ResourceNotFoundException: { code: 'PASSKEY_NOT_FOUND' } },
  Refresh: {
    NotAuthorizedException: { code: 'SESSION_EXPIRED' },
    UserNotFoundException: { code: 'SESSION_EXPIRED' },
    RefreshTokenReuseException: { code: 'SESSION_EXPIRED' }
  },
  ConfirmSignUp: {
    // "User cannot be confirmed. Current status is CONFIRMED"
    NotAuthorizedException: { code: 'ALREADY_CONFIRMED' },
    UserNotFoundException: { code: 'CODE_MISMATCH' }
  },
  ConfirmForgotPassword: {
    UserNotFoundException: { code: 'CODE_MISMATCH' },
    NotAuthorizedException: { code: 'CODE_MISMATCH' }
  },
  ResendConfirmationCode: {
    // Cognito answers "User is already confirmed." as InvalidParameterException.
    InvalidParameterException: { code: 'INVALID_PARAMETER', when: [/already confirmed/i, { code: 'ALREADY_CONFIRMED' }] }
  },
  RevokeToken: {
    // Not a refresh token of this client: nothing this client can revoke.
    UnsupportedTokenTypeException: { code: 'TOKEN_INVALID' },
    UnauthorizedException: { code: 'TOKEN_INVALID' },
    // Token revocation is off for the app client: refresh tokens outlive logout. The operator must know.
    UnsupportedOperationException: { code: 'INTERNAL_ERROR' }
  },
  GetUser: {
    NotAuthorizedException: { code: 'TOKEN_INVALID' },
    UserNotFoundException: { code: 'TOKEN_INVALID' }
  },
  // The user's own account, called with their access token: "Access Token has been revoked" and friends are the
  // token's fault. Attribute refusals name the attribute ("user.custom:tenant: Attribute cannot be updated."): passed on.
  UpdateUserAttributes: {
    ...ACCESS_TOKEN_ROWS,
    // "A client attempted to write unauthorized attribute": the app client's write attributes leave it out.
    NotAuthorizedException: { code: 'TOKEN_INVALID', when: [/attribute/i, { code: 'INVALID_PARAMETER', passMessage: true }] },
    InvalidParameterException: { code: 'INVALID_PARAMETER', passMessage: true }
  },
  GetUserAttributeVerificationCode: { ...ACCESS_TOKEN_ROWS, InvalidParameterException: { code: 'INVALID_PARAMETER', passMessage: true } },
  VerifyUserAttribute: { ...ACCESS_TOKEN_ROWS, InvalidParameterException: { code: 'INVALID_PARAMETER', passMessage: true } },
  DeleteUserAttributes: { ...ACCESS_TOKEN_ROWS, InvalidParameterException: { code: 'INVALID_PARAMETER', passMessage: true } },
  ChangePassword: {
    ...ACCESS_TOKEN_ROWS,
    // A wrong current password is Cognito's "Incorrect username or password.": not the session's end.
    NotAuthorizedException: { code: 'TOKEN_INVALID', when: [/incorrect username or password/i, { code: 'CURRENT_PASSWORD_INCORRECT' }] }
  },
  GlobalSignOut: ACCESS_TOKEN_ROWS,
  DeleteUser: ACCESS_TOKEN_ROWS,
  AdminCreateUser: {
    // MessageAction RESEND for a user who already signed in: "User is already confirmed" and the like.
    UnsupportedUserStateException: { code: 'INVITE_NOT_PENDING' },
    // e.g. an invitation by SMS to a user without a phone number in a pool that cannot send SMS.
    PreconditionNotMetException: { code: 'INVALID_PARAMETER' }
  },
  AdminConfirmSignUp: {
    // "User cannot be confirmed. Current status is CONFIRMED"
    NotAuthorizedException: { code: 'NOT_PERMITTED', when: [/current status is confirmed/i, { code: 'ALREADY_CONFIRMED' }] }
  },
  ListUsers: {
    // "Invalid search attribute", "Error while parsing filter": the admin's filter, named in the detail by the route.
    InvalidParameterException: { code: 'INVALID_PARAMETER', when: [/filter|search attribute/i, { code: 'INVALID_FILTER' }] }
  },
  AdminGroups: {
    // "Group not found." is the admin's to fix; a missing pool is still the operator's (the default row).
    ResourceNotFoundException: { code: 'INTERNAL_ERROR', when: [/group/i, { code: 'GROUP_NOT_FOUND' }] }
  },
  AdminCreateGroup: { GroupExistsException: { code: 'GROUP_EXISTS' } },
  // "Group not found." is the admin's to fix; a missing pool is still the operator's (the default row).
  AdminGroupChanges: { ResourceNotFoundException: { code: 'INTERNAL_ERROR', when: [/group/i, { code: 'GROUP_NOT_FOUND' }] } },
  // Threat protection (advanced security) is off: Cognito records no events to list or to give feedback on.
  AdminAuthEvents: { UserPoolAddOnNotEnabledException: { code: 'THREAT_PROTECTION_OFF' } },
  AdminAuthEventFeedback: {
    UserPoolAddOnNotEnabledException: { code: 'THREAT_PROTECTION_OFF' },
    ResourceNotFoundException: { code: 'INTERNAL_ERROR', when: [/event/i, { code: 'AUTH_EVENT_NOT_FOUND' }] }
  },
  // "Device does not exist." is the admin's to fix; a missing pool is still the operator's.
  AdminForgetDevice: { ResourceNotFoundException: { code: 'INTERNAL_ERROR', when: [/device/i, { code: 'DEVICE_NOT_FOUND' }] } },
  AdminIdentities: {
    // "Merging is not currently supported..." and the like: the link or unlink names what the pool refuses.
    InvalidParameterException: { code: 'INVALID_PARAMETER', passMessage: true }
  },
  GetUserAuthFactors: ACCESS_TOKEN_ROWS,
  AssociateSoftwareToken: { ...ACCESS_TOKEN_ROWS, ...TOTP_ROWS },
  VerifySoftwareToken: { ...ACCESS_TOKEN_ROWS, ...TOTP_ROWS },
  SetUserMFAPreference: {
    ...ACCESS_TOKEN_ROWS,
    // "User has not verified software token mfa": TOTP turned on before POST /me/mfa/totp/verify.
    InvalidParameterException: { code: 'INVALID_PARAMETER', when: [/not verified|not enabled|not set ?up/i, { code: 'MFA_NOT_SET_UP' }] }
  },
  // During sign-in (MFA_SETUP) the session stands for the user: refused, it is the sign-in that must start again.
  MfaSetupAssociate: { ...TOTP_ROWS, NotAuthorizedException: RESTART_SIGN_IN, UserNotFoundException: RESTART_SIGN_IN },
  MfaSetupVerify: { ...TOTP_ROWS, NotAuthorizedException: RESTART_SIGN_IN, UserNotFoundException: RESTART_SIGN_IN },
  DescribePool: { NotAuthorizedException: { code: 'INTERNAL_ERROR' }, UserPoolTaggingException: { code: 'INTERNAL_ERROR' } } // the operator's to fix
}

/**
 * A client secret missing, wrong, or sent to a client without one, in Cognito's
 * wordings: "Unable to verify secret hash for client <id>", "SecretHash does not
 * match for the client: <id>", "Client <id> is configured with secret but
 * SECRET_HASH was not received", "Client <id> is configured for secret but secret
 * was not received", "Client <id> is not configured for secret but secret hash
 * was received"...
 */
const SECRET = /secret[ _]?hash|client secret|configured (?:for|with) (?:a )?secret|secret was not received/i

/** Messages that mean the BFF's own configuration is wrong, whatever the operation. */
const MISCONFIGURATION: Array<[string, RegExp]> = [
  ['NotAuthorizedException', SECRET],
  ['InvalidParameterException', SECRET],
  // The app client does not allow the configured LOGIN_FLOW or refresh.
  ['InvalidParameterException', /flow.* not enabled|not enabled for this client|Auth flow not enabled/i],
  // The app client has refresh-token rotation on, which REFRESH_TOKEN_AUTH does not support.
  ['InvalidParameterException', /rotation/i]
]

/** Cognito's own lockout ("Password attempts exceeded"), any operation: come back later (429), not a wrong password (401). */
const ATTEMPTS_EXCEEDED = /password attempts exceeded/i

/** Retry-After (s) for "come back later", however reached: attempt limits last minutes; a code not sent (daily e-mail limit), hours. */
const RETRY_AFTER: Partial<Record<ErrorCode, number>> = {
  UPSTREAM_THROTTLED: 1, UPSTREAM_UNAVAILABLE: 1, TOO_MANY_ATTEMPTS: 60, CODE_DELIVERY_FAILED: 3600
}

/** Own rows only: the name comes off the wire, and "constructor" or "toString" must not find Object.prototype. */
function rowOf (rows: Record<string, Row> | undefined, name: string): Row | undefined {
  return rows !== undefined && Object.hasOwn(rows, name) ? rows[name] : undefined
}

/** Turns anything the SDK threw for `operation` into an ApiError; the original rides along as `cause`. */
export function toApiError (operation: Operation, err: unknown): ApiError {
  if (err instanceof ApiError) return err
  const e = err as { name?: string, message?: unknown, $metadata?: { httpStatusCode?: number } }
  const name = e?.name ?? ''
  const message = typeof e?.message === 'string' ? e.message : ''
  const row = rowFor(operation, name, message)
  if (row) {
    if (row.code === 'INTERNAL_ERROR') nameIamAction(err, operation, message)
    return apiError(row, err)
  }
  if (name === 'TimeoutError' || name === 'RequestTimeout' || isNetworkError(err)) return apiError({ code: 'UPSTREAM_UNAVAILABLE' }, err)
  const status = e?.$metadata?.httpStatusCode ?? 0
  return apiError({ code: status >= 500 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR' }, err)
}

/** What `exceptionName` means at `operation` when the gateway itself refuses (Cognito's answer unusable); unknown: UPSTREAM_ERROR. */
export function errorFor (operation: Operation, exceptionName: string): ApiError {
  return apiError(rowFor(operation, exceptionName, '') ?? { code: 'UPSTREAM_ERROR' }, undefined)
}

/** Whether the table has a row of its own for `name` at `operation` (the generic fallback does not count). */
export function hasRow (operation: Operation, name: string): boolean {
  return rowOf(OPERATION_ROWS[operation], name) !== undefined || rowOf(DEFAULT_ROWS, name) !== undefined
}

/**
 * Every code an exception named `name` can become at `operation`, whatever
 * its message: what the routes calling `operation` must declare (a test
 * checks the OpenAPI document against it). A name without a row is the
 * generic answer, UPSTREAM_ERROR or UPSTREAM_UNAVAILABLE.
 */
export function possibleCodes (operation: Operation, name: string): ErrorCode[] {
  const codes = new Set<ErrorCode>()
  if (MISCONFIGURATION.some(([n]) => n === name)) codes.add('INTERNAL_ERROR')
  if (name === 'LimitExceededException' && SENDS_CODES.has(operation)) codes.add('CODE_DELIVERY_FAILED')
  const row = rowOf(OPERATION_ROWS[operation], name) ?? rowOf(DEFAULT_ROWS, name)
  if (row === undefined) {
    codes.add('UPSTREAM_ERROR').add('UPSTREAM_UNAVAILABLE')
  } else {
    codes.add(row.code)
    if (row.when !== undefined) codes.add(row.when[1].code)
  }
  return [...codes]
}

/**
 * Puts `iamAction` on the SDK's error (the ApiError's cause, so identity and
 * $metadata stay as they were), so the 5xx log line (which logs the
 * cause as `err`) says which Cognito action to look at: the one AWS names in
 * an AccessDeniedException, else the operation's commands (only the signed
 * ones for a credential failure), e.g. "cognito-idp:AdminInitiateAuth".
 */
function nameIamAction (err: unknown, operation: Operation, message: string): void {
  if (typeof err !== 'object' || err === null || !Object.isExtensible(err) || Object.hasOwn(err, 'iamAction')) return
  // An action, not the resource ARN ("arn:aws:cognito-idp:us-east-1:..."): actions are capitalised.
  const named = /\bcognito-idp:[A-Z][A-Za-z]+/.exec(message)?.[0]
  const commands = OPERATION_COMMANDS[operation]
  const signed = commands.filter(isSigned)
  const candidates = CREDENTIAL_FAILURES.has((err as Error).name) && signed.length > 0 ? signed : commands
  Object.assign(err, { iamAction: named ?? candidates.map(command => `cognito-idp:${command}`).join(' or ') })
}

/** The row for an exception: a misconfiguration message first, then the operation's row, then the default. */
function rowFor (operation: Operation, name: string, message: string): Omit<Row, 'when'> | undefined {
  if (MISCONFIGURATION.some(([n, pattern]) => n === name && pattern.test(message))) return { code: 'INTERNAL_ERROR' }
  if (name === 'NotAuthorizedException' && ATTEMPTS_EXCEEDED.test(message)) return { code: 'TOO_MANY_ATTEMPTS' }
  if (isDailyEmailQuota(name, message) && SENDS_CODES.has(operation)) {
    return { code: 'CODE_DELIVERY_FAILED', publicDetail: true, detail: emailQuotaDetail(operation) }
  }
  const trigger = name === 'UserLambdaValidationException' ? triggerMessage(message) : undefined
  if (trigger !== undefined) return { code: 'INVALID_PARAMETER', detail: trigger }
  const row = rowOf(OPERATION_ROWS[operation], name) ?? rowOf(DEFAULT_ROWS, name)
  return row?.when?.[0].test(message) === true ? row.when[1] : row
}

function apiError (row: Omit<Row, 'when'>, err: unknown): ApiError {
  return new ApiError(row.code, {
    detail: row.detail ?? (row.passMessage === true ? (err as Error).message : undefined),
    cause: err,
    retryAfter: RETRY_AFTER[row.code],
    publicDetail: row.publicDetail
  })
}
