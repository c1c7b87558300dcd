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

const ProblemRef = Type.Ref('Problem')

/** The problem responses a route declares, by status. */
export function problems (...statuses: number[]): Record<number, typeof ProblemRef> {
  return Object.fromEntries([400, 500, ...statuses].map(status => [status, ProblemRef]))
}
