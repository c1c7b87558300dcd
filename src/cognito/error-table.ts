/**
 * The one table from Cognito exceptions to catalog errors. Keyed by exception
 * name; where one name means different things per operation (a
 * NotAuthorizedException is "wrong password" at login but "session over" at
 * refresh), the operation's row wins over the default row. A few messages
 * mean the service itself is misconfigured: those win over both, so they
 * reach the operator as 5xx instead of looking like the user's mistake.
 */
import { ApiError, type ErrorCode } from '../errors/catalog.js'

export type Operation =
  | 'SignUp' | 'ConfirmSignUp' | 'ResendConfirmationCode'
  | 'Login' | 'RespondToAuthChallenge' | 'Refresh' | 'RevokeToken' | 'GetUser'
  | 'ForgotPassword' | 'ConfirmForgotPassword'

interface Row {
  code: ErrorCode
  /** A message that makes this row mean something more specific. */
  when?: [RegExp, Omit<Row, 'when'>]
  /** Public detail (4xx only); the Cognito message is logged, never sent... */
  detail?: string
  /** ...except where it only tells the client what to fix (which password rule failed). */
  passMessage?: boolean
}

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
  ForbiddenException: { code: 'UPSTREAM_ERROR' }
}

const CREDENTIALS: Row = { code: 'INVALID_CREDENTIALS' }

const OPERATION_ROWS: Partial<Record<Operation, Record<string, Row>>> = {
  Login: {
    // Wrong password and unknown user must look the same (the emulator even
    // reports a wrong password as InvalidPasswordException).
    NotAuthorizedException: CREDENTIALS,
    UserNotFoundException: CREDENTIALS,
    InvalidPasswordException: CREDENTIALS
  },
  RespondToAuthChallenge: {
    // "Invalid session for the user, session is expired." and friends.
    NotAuthorizedException: { code: 'SESSION_EXPIRED', detail: 'The challenge session is invalid or expired; sign in again.' },
    UserNotFoundException: { code: 'SESSION_EXPIRED', detail: 'The challenge session is invalid or expired; sign in again.' }
  },
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
  }
}

/** Messages that mean the BFF's own configuration is wrong, whatever the operation. */
const MISCONFIGURATION: Array<[string, RegExp]> = [
  // A client secret missing, wrong, or configured for a client without one.
  ['NotAuthorizedException', /secret hash|SECRET_HASH|client secret|Unable to verify secret/i],
  // The app client does not allow the configured LOGIN_FLOW or refresh.
  ['InvalidParameterException', /flow.* not enabled|not enabled for this client|Auth flow not enabled/i],
  // The app client has refresh-token rotation on, which REFRESH_TOKEN_AUTH does not support.
  ['InvalidParameterException', /rotation/i]
]

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT'])

/**
 * Retry-After (seconds) for the codes that mean "come back later", whichever
 * way they were reached. Cognito's attempt limits last minutes, not seconds.
 */
const RETRY_AFTER: Partial<Record<ErrorCode, number>> = { UPSTREAM_THROTTLED: 1, UPSTREAM_UNAVAILABLE: 1, TOO_MANY_ATTEMPTS: 60 }

/** Own rows only: the name comes off the wire, and "constructor" or "toString" must not find Object.prototype. */
function rowOf (rows: Record<string, Row> | undefined, name: string): Row | undefined {
  return rows !== undefined && Object.hasOwn(rows, name) ? rows[name] : undefined
}

/** Turns anything the SDK threw for `operation` into an ApiError; the original rides along as `cause`. */
export function toApiError (operation: Operation, err: unknown): ApiError {
  if (err instanceof ApiError) return err
  const e = err as { name?: string, message?: unknown, code?: string, $metadata?: { httpStatusCode?: number } }
  const name = e?.name ?? ''
  const message = typeof e?.message === 'string' ? e.message : ''
  const row = rowFor(operation, name, message)
  if (row) return apiError(row, err)
  if (name === 'TimeoutError' || name === 'RequestTimeout' || NETWORK_CODES.has(e?.code ?? '')) return apiError({ code: 'UPSTREAM_UNAVAILABLE' }, err)
  const status = e?.$metadata?.httpStatusCode ?? 0
  return apiError({ code: status >= 500 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR' }, err)
}

/**
 * What the table says `exceptionName` means for `operation`, when the gateway
 * itself has to refuse (Cognito answered, but not with something usable).
 * Names the table does not know are an unexpected upstream answer.
 */
export function errorFor (operation: Operation, exceptionName: string): ApiError {
  return apiError(rowFor(operation, exceptionName, '') ?? { code: 'UPSTREAM_ERROR' }, undefined)
}

/** The row for an exception: a misconfiguration message first, then the operation's row, then the default. */
function rowFor (operation: Operation, name: string, message: string): Omit<Row, 'when'> | undefined {
  if (MISCONFIGURATION.some(([n, pattern]) => n === name && pattern.test(message))) return { code: 'INTERNAL_ERROR' }
  const row = rowOf(OPERATION_ROWS[operation], name) ?? rowOf(DEFAULT_ROWS, name)
  return row?.when?.[0].test(message) === true ? row.when[1] : row
}

function apiError (row: Omit<Row, 'when'>, err: unknown): ApiError {
  return new ApiError(row.code, {
    detail: row.detail ?? (row.passMessage === true ? (err as Error).message : undefined),
    cause: err,
    retryAfter: RETRY_AFTER[row.code]
  })
}
