/**
 * The errors the API returns, built from the list of codes (codes.ts: each
 * with its status, title and advice). Handlers and the Cognito error table
 * throw `ApiError`s; the error handler (plugins/problem-details.ts) turns them
 * into RFC 9457 bodies. The OpenAPI problem schema and docs/errors.md are
 * checked against the list.
 */
import { ERROR_CATALOG } from './codes.js'

export { ERROR_CATALOG }

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
  /** Why a token was refused, coarsely (POST /tokens/verify). */
  reason?: 'expired' | 'invalid' | 'revoked'
  /** The detail is this service's own wording, never upstream text: sent even on a 5xx. */
  publicDetail?: boolean
}

/** An error with a catalog code; the only kind handlers throw on purpose. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly detail?: string
  readonly errors?: FieldError[]
  readonly retryAfter?: number
  readonly headers?: Record<string, string>
  readonly reason?: 'expired' | 'invalid' | 'revoked'
  readonly publicDetail: boolean

  constructor (code: ErrorCode, options: ApiErrorOptions = {}) {
    super(options.detail ?? ERROR_CATALOG[code].title, { cause: options.cause })
    this.name = 'ApiError'
    this.code = code
    this.statusCode = ERROR_CATALOG[code].status
    this.detail = options.detail
    this.errors = options.errors
    this.retryAfter = options.retryAfter
    this.headers = options.headers
    this.reason = options.reason
    this.publicDetail = options.publicDetail === true
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

/** The page that documents a code, as a problem's `type` (relative to the service). */
export function problemType (code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replaceAll('_', '-')}`
}
