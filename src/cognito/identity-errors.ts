/**
 * The Cognito Identity (identity pool) exceptions, to catalog errors: the
 * identity pool's own table, beside the user pool's (error-table.ts), since
 * the two SDK models name some exceptions alike but mean other things.
 *
 * Complete by construction: test/cognito/identity-errors.test.ts reads the
 * exceptions the SDK's model declares for every command in IDENTITY_COMMANDS
 * and fails unless each has a row here.
 */
import { ApiError, type ErrorCode } from '../errors/catalog.js'
import { isNetworkError } from './network-errors.js'

/** The identity pool's calls: the enhanced flow, for a signed-in user or (no Logins) a guest. */
export type IdentityOperation = 'GetId' | 'GetCredentialsForIdentity'
export const IDENTITY_COMMANDS: readonly IdentityOperation[] = ['GetId', 'GetCredentialsForIdentity']

/** For a signed-in user (Logins sent) or a guest (none). */
export type Caller = 'user' | 'guest'

interface Row {
  code: ErrorCode
  /** A message that makes this row mean something more specific. */
  when?: [RegExp, Omit<Row, 'when'>]
  /** Our own wording, sent even on a 5xx. */
  detail?: string
}

/** What the operator checks on the identity pool: the detail of IDENTITY_POOL_MISCONFIGURED. */
const PROVIDER_HINT = 'The identity pool does not accept this user pool\'s tokens: add the user pool and app client as its Cognito ' +
  'identity provider (IDENTITY_POOL_ID must name that pool).'
const ROLES_HINT = 'The identity pool\'s roles cannot be assumed for it: each role\'s trust policy must allow ' +
  'sts:AssumeRoleWithWebIdentity by cognito-identity.amazonaws.com for this pool (aud) and amr.'
const POOL_HINT = 'No such identity pool in its region: check IDENTITY_POOL_ID.'
const GUEST_HINT = 'The identity pool does not allow guest access: turn on guest (unauthenticated) access, or unset IDENTITY_POOL_GUEST.'

const misconfigured = (detail: string): Row => ({ code: 'IDENTITY_POOL_MISCONFIGURED', detail })

const ROWS: Record<string, Row> = {
  // "Invalid login token. Token expired: ..." and friends: the ID token, refused by the identity pool (our verifier let it through).
  NotAuthorizedException: {
    code: 'NOT_PERMITTED',
    when: [/not from a supported provider|provider.*not.*(configured|supported)/i, misconfigured(PROVIDER_HINT)]
  },
  InvalidParameterException: { code: 'INVALID_PARAMETER' },
  // The identity pool is gone, or IDENTITY_POOL_ID names none; an identity gone is retried once with a fresh GetId first.
  ResourceNotFoundException: misconfigured(POOL_HINT),
  InvalidIdentityPoolConfigurationException: misconfigured(ROLES_HINT),
  // "Identity ... is linked to another login" and the like: Cognito's to resolve, not the caller's.
  ResourceConflictException: { code: 'UPSTREAM_ERROR' },
  // The identity pool could not reach the token's provider (STS or the OIDC issuer).
  ExternalServiceException: { code: 'UPSTREAM_ERROR' },
  InternalErrorException: { code: 'UPSTREAM_UNAVAILABLE' },
  TooManyRequestsException: { code: 'UPSTREAM_THROTTLED' },
  // The identity pool's limit on identities or requests: come back later.
  LimitExceededException: { code: 'UPSTREAM_THROTTLED' }
}

/** Rows that differ for a guest: no token to blame, so a refusal is the operator's set-up. */
const GUEST_ROWS: Record<string, Row> = {
  NotAuthorizedException: misconfigured(GUEST_HINT)
}

const TOKEN_REFUSED = /invalid login token|token expired|token is expired|invalid token/i

const RETRY_AFTER: Partial<Record<ErrorCode, number>> = { UPSTREAM_THROTTLED: 1, UPSTREAM_UNAVAILABLE: 1, IDENTITY_POOL_MISCONFIGURED: 60 }

function rowOf (rows: Record<string, Row>, name: string): Row | undefined {
  return Object.hasOwn(rows, name) ? rows[name] : undefined
}

/** Whether the table has a row of its own for `name` (the generic fallback does not count). */
export function hasIdentityRow (name: string): boolean {
  return rowOf(ROWS, name) !== undefined
}

/** Every code `name` can become for `caller`, whatever its message: what the routes must declare. */
export function possibleIdentityCodes (name: string, caller: Caller): ErrorCode[] {
  const codes = new Set<ErrorCode>()
  const row = (caller === 'guest' ? rowOf(GUEST_ROWS, name) : undefined) ?? rowOf(ROWS, name)
  if (row === undefined) return ['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']
  codes.add(row.code)
  if (row.when !== undefined) codes.add(row.when[1].code)
  if (caller === 'user' && name === 'NotAuthorizedException') codes.add('TOKEN_INVALID')
  return [...codes]
}

/** Turns anything the Cognito Identity SDK threw into an ApiError; the original rides along as `cause` (logged, never sent). */
export function toIdentityError (caller: Caller, err: unknown): ApiError {
  if (err instanceof ApiError) return err
  const e = err as { name?: string, message?: unknown, $metadata?: { httpStatusCode?: number } }
  const name = e?.name ?? ''
  const message = typeof e?.message === 'string' ? e.message : ''
  if (caller === 'user' && name === 'NotAuthorizedException' && TOKEN_REFUSED.test(message)) {
    return new ApiError('TOKEN_INVALID', { detail: 'The identity pool refused the ID token; sign in again.', cause: err })
  }
  const row = (caller === 'guest' ? rowOf(GUEST_ROWS, name) : undefined) ?? rowOf(ROWS, name)
  const chosen = row?.when?.[0].test(message) === true ? row.when[1] : row
  if (chosen !== undefined) {
    return new ApiError(chosen.code, {
      cause: err, retryAfter: RETRY_AFTER[chosen.code], detail: chosen.detail, publicDetail: chosen.detail !== undefined
    })
  }
  if (name === 'TimeoutError' || name === 'RequestTimeout' || isNetworkError(err)) {
    return new ApiError('UPSTREAM_UNAVAILABLE', { cause: err, retryAfter: 1 })
  }
  const status = e?.$metadata?.httpStatusCode ?? 0
  return new ApiError(status >= 500 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR', { cause: err, retryAfter: status >= 500 ? 1 : undefined })
}
