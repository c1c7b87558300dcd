import { Type, type Static } from '@sinclair/typebox'
import { ERROR_CATALOG, ERROR_CODES, type ErrorCode } from '../errors/catalog.js'
import type { HeaderUse } from './headers.js'
import { StringEnum } from './string-enum.js'
import { PROBLEM_CODES, RESPONSE_HEADERS } from './responses.js'

/** RFC 9457 problem details, the body of every non-2xx response. */
export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'The page documenting this code and what to do about it: /problems/<code>, relative to the service.' }),
  title: Type.String({ description: 'Short summary of the problem type.' }),
  status: Type.Integer({ description: 'HTTP status code.' }),
  code: StringEnum(ERROR_CODES, { description: 'Stable machine code; branch on this.' }),
  detail: Type.Optional(Type.String({ description: 'What went wrong in this case (4xx only).' })),
  instance: Type.String({ description: 'Identifies this occurrence: urn:request:<request id>, as in the logs.' }),
  reason: Type.Optional(Type.Union([Type.Literal('expired'), Type.Literal('invalid'), Type.Literal('revoked')], {
    description: 'Why a token was refused, coarsely (POST /tokens/verify): expired, invalid (signature, issuer, client, use, shape) or revoked.'
  })),
  errors: Type.Optional(Type.Array(Type.Object({
    field: Type.String({ description: 'Where the problem is, e.g. /body/username.' }),
    message: Type.String()
  }), { description: 'Per-field problems of a VALIDATION_FAILED response.' }))
}, { $id: 'Problem', title: 'Problem' })

export type Problem = Static<typeof ProblemSchema>

/*
 * The refusals that come with a kind of route, whatever its handler does.
 * A route lists them with its own codes: problems(...BODY_REFUSALS, ..., 'INVALID_CREDENTIALS').
 */

/** A route with a JSON body, before its handler: not JSON, too large, another media type, or failing the schema. */
export const BODY_REFUSALS = ['VALIDATION_FAILED', 'MALFORMED_BODY', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const
/** A route with a querystring schema: a query failing it. */
export const QUERY_REFUSALS = ['VALIDATION_FAILED'] as const
/** plugins/origin-check.ts: a state-changing request (every POST) that carries cookies, from an origin not allowed. */
export const ORIGIN_REFUSALS = ['ORIGIN_NOT_ALLOWED'] as const
/** The per-client rate limit on every /auth route (app.ts). */
export const RATE_LIMIT_REFUSALS = ['RATE_LIMITED'] as const
/**
 * Any call to Cognito: throttled (by Cognito, or by this service for the pool's quota), an unexpected answer, unreachable,
 * this service misconfigured (a 500), or blocked by the pool's WAF.
 */
export const COGNITO_FAILURES = [
  'UPSTREAM_THROTTLED', 'COGNITO_QUOTA_REACHED', 'UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'INTERNAL_ERROR', 'REQUEST_BLOCKED'
] as const

const STATUS_MEANING: Record<number, string> = {
  400: 'The request is not valid.',
  401: 'Not signed in, or the credentials, token or session are refused.',
  403: 'Refused.',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  413: 'The body is too large.',
  415: 'The content type is not supported; send application/json.',
  429: 'Too many requests; wait as long as Retry-After says.',
  500: 'Unexpected failure: a generic body; the details are in the log under the request id.',
  502: 'Cognito answered unexpectedly.',
  501: 'Not available in this deployment (not configured).',
  503: 'Cognito, or its signing keys, unavailable, this instance overloaded, or a code that could not be sent; retry after Retry-After.'
}

export interface ProblemOptions {
  /** When a code is answered, if not always (e.g. only with REVEAL_USER_EXISTENCE). */
  notes?: Partial<Record<ErrorCode, string>>
  /** A route that reads no shared state (liveness, static pages): it cannot answer STORE_UNAVAILABLE. */
  noSharedState?: boolean
  /** A route load shedding never refuses (plugins/load-shedding.ts: health and metrics): it cannot answer OVERLOADED. */
  notShed?: boolean
  /** Headers of the problem responses of one status, beyond those every problem of that status carries. */
  headers?: Partial<Record<number, HeaderUse[]>>
}

/**
 * The problem responses of a route, from the codes it can answer: grouped by
 * their status in the catalog, each status described with its codes. Every
 * route may answer INTERNAL_ERROR, STORE_UNAVAILABLE (shared state is read
 * by hooks before any handler: rate limits, revocation) and OVERLOADED (load
 * shedding, before any handler); 429 and 503 problems carry Retry-After.
 */
export function problems (codes: readonly ErrorCode[], options: ProblemOptions = {}) {
  const byStatus = new Map<number, ErrorCode[]>()
  const always: ErrorCode[] = [
    'INTERNAL_ERROR',
    ...(options.noSharedState === true ? [] : ['STORE_UNAVAILABLE' as const]),
    ...(options.notShed === true ? [] : ['OVERLOADED' as const])
  ]
  for (const code of new Set<ErrorCode>([...codes, ...always])) {
    const { status } = ERROR_CATALOG[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const statuses = [...byStatus.keys()].sort((a, b) => a - b)
  return Object.fromEntries(statuses.map(status => {
    const listed = byStatus.get(status)!
    // The codes and their titles are the response's schema (plugins/openapi.ts); here only what this route says of one.
    const lines = listed.flatMap(code => options.notes?.[code] === undefined ? [] : [`- \`${code}\`: ${options.notes[code]}`])
    const headers: HeaderUse[] = [...(status === 429 || status === 503 ? ['RetryAfter' as const] : []), ...(options.headers?.[status] ?? [])]
    return [status, {
      description: [STATUS_MEANING[status] ?? 'Refused.', ...lines].join('\n'),
      content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
      [RESPONSE_HEADERS]: headers,
      [PROBLEM_CODES]: listed
    }]
  }))
}
