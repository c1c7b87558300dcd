import { Type, type Static } from '@sinclair/typebox'
import { ERROR_CODES } from '../errors/catalog.js'

/** RFC 9457 problem details, the body of every non-2xx response. */
export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'URI naming the problem type: urn:cognito-bff:problem:<code>.' }),
  title: Type.String({ description: 'Short summary of the problem type.' }),
  status: Type.Integer({ description: 'HTTP status code.' }),
  code: Type.Union(ERROR_CODES.map(code => Type.Literal(code)), { description: 'Stable machine code; branch on this.' }),
  detail: Type.Optional(Type.String({ description: 'What went wrong in this case (4xx only).' })),
  instance: Type.String({ description: 'Identifies this occurrence: urn:request:<request id>, as in the logs.' }),
  errors: Type.Optional(Type.Array(Type.Object({
    field: Type.String({ description: 'Where the problem is, e.g. /body/username.' }),
    message: Type.String()
  }), { description: 'Per-field problems of a VALIDATION_FAILED response.' }))
}, { $id: 'Problem', title: 'Problem' })

export type Problem = Static<typeof ProblemSchema>

const STATUS_MEANING: Record<number, string> = {
  400: 'Invalid request (VALIDATION_FAILED, MALFORMED_BODY, CODE_MISMATCH...)',
  401: 'Not signed in, or bad credentials or token',
  403: 'Refused (USER_NOT_CONFIRMED, ORIGIN_NOT_ALLOWED...)',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  415: 'Content type not supported',
  429: 'Too many requests; see Retry-After',
  500: 'Unexpected failure (generic body; details in the log under the request id)',
  502: 'Cognito answered unexpectedly',
  503: 'Cognito unavailable; see Retry-After'
}

/** The problem responses a route declares, by status; every route may answer 400, 413, 415, 429 and 500. */
export function problems (...statuses: number[]) {
  const all = [...new Set([400, 413, 415, 429, 500, ...statuses])].sort()
  return Object.fromEntries(all.map(status => [status, {
    description: STATUS_MEANING[status] ?? 'Problem',
    content: { 'application/problem+json': { schema: Type.Ref('Problem') } }
  }]))
}
