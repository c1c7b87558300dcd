/**
 * Every error the API can return: a stable machine code, its HTTP status and a
 * public title. Handlers and the Cognito error table throw `ApiError`s; the
 * error handler (plugins/problem-details.ts) turns them into RFC 9457 bodies.
 * The OpenAPI problem schema and README are checked against this list.
 */
export const ERROR_CATALOG = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid.' },
  MALFORMED_BODY: { status: 400, title: 'The request body is not valid JSON.' },
  INVALID_PARAMETER: { status: 400, title: 'Cognito rejected a parameter of the request.' },
  INVALID_PASSWORD: { status: 400, title: 'The password does not meet the password policy.' },
  CODE_MISMATCH: { status: 400, title: 'The code is wrong.' },
  CODE_EXPIRED: { status: 400, title: 'The code has expired; ask for a new one.' },
  MFA_NOT_SET_UP: { status: 400, title: 'That MFA method is not set up for this user or pool.' },
  UNAUTHENTICATED: { status: 401, title: 'Sign-in is required.' },
  TOKEN_INVALID: { status: 401, title: 'The token is invalid, expired or revoked.' },
  INVALID_CREDENTIALS: { status: 401, title: 'Incorrect username or password.' },
  SESSION_EXPIRED: { status: 401, title: 'The session has expired; sign in again.' },
  SIGN_IN_RESTART: { status: 401, title: 'This sign-in step is invalid or has expired; start the sign-in again.' },
  USER_NOT_CONFIRMED: { status: 403, title: 'The account is not confirmed yet.' },
  PASSWORD_RESET_REQUIRED: { status: 403, title: 'A password reset is required.' },
  ORIGIN_NOT_ALLOWED: { status: 403, title: 'The request origin is not allowed.' },
  NOT_PERMITTED: { status: 403, title: 'The user pool does not allow this.' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'The access token lacks a scope this operation needs.' },
  TEMPORARY_PASSWORD_EXPIRED: { status: 403, title: 'The temporary password has expired; an administrator must reset it.' },
  NOT_FOUND: { status: 404, title: 'No such resource.' },
  USER_NOT_FOUND: { status: 404, title: 'No such user.' },
  USERNAME_EXISTS: { status: 409, title: 'An account with this username already exists.' },
  ALIAS_EXISTS: { status: 409, title: 'Another account already uses this e-mail or phone number.' },
  ALREADY_CONFIRMED: { status: 409, title: 'The account is already confirmed.' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time.' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The content type is not supported; send application/json.' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large.' },
  TOO_MANY_ATTEMPTS: { status: 429, title: 'Too many attempts; wait before trying again.' },
  RATE_LIMITED: { status: 429, title: 'Too many requests; slow down.' },
  UPSTREAM_THROTTLED: { status: 429, title: 'Cognito is throttling requests; retry later.' },
  INTERNAL_ERROR: { status: 500, title: 'Something went wrong on our side.' },
  UPSTREAM_ERROR: { status: 502, title: 'Cognito returned an unexpected error.' },
  CODE_DELIVERY_FAILED: { status: 502, title: 'The code could not be delivered.' },
  UPSTREAM_UNAVAILABLE: { status: 503, title: 'Cognito is unavailable; retry later.' }
} as const satisfies Record<string, { status: number, title: string }>

export type ErrorCode = keyof typeof ERROR_CATALOG

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[]

export interface FieldError {
  /** JSON pointer-like location of the offending field, e.g. `/body/username`. */
  field: string
  message: string
}

export interface ApiErrorOptions {
  /** What the client can do about it; sent for 4xx only. */
  detail?: string
  errors?: FieldError[]
  /** Seconds, sent as Retry-After. */
  retryAfter?: number
  /** The underlying failure; logged, never sent. */
  cause?: unknown
  /** Response headers that belong to this answer, e.g. WWW-Authenticate on a refused Bearer token. */
  headers?: Record<string, string>
}

/** An error with a catalog code; the only kind handlers throw on purpose. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly detail?: string
  readonly errors?: FieldError[]
  readonly retryAfter?: number
  readonly headers?: Record<string, string>

  constructor (code: ErrorCode, options: ApiErrorOptions = {}) {
    super(options.detail ?? ERROR_CATALOG[code].title, { cause: options.cause })
    this.name = 'ApiError'
    this.code = code
    this.statusCode = ERROR_CATALOG[code].status
    this.detail = options.detail
    this.errors = options.errors
    this.retryAfter = options.retryAfter
    this.headers = options.headers
  }
}

/** VALIDATION_FAILED naming the offending fields; the detail lists them unless a clearer one is given. */
export function invalidFields (errors: FieldError[], detail = errors.map(f => `${f.field}: ${f.message}`).join('; ')): ApiError {
  return new ApiError('VALIDATION_FAILED', { detail, errors })
}

/**
 * Whether a failure is about the request itself (a wrong code, an unknown
 * account...), as opposed to our side, Cognito's, or "slow down": those must
 * reach the client whatever the route would otherwise hide.
 */
export function isClientFault (err: unknown): err is ApiError {
  return err instanceof ApiError && err.statusCode >= 400 && err.statusCode < 500 && err.statusCode !== 429
}
