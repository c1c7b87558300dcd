/**
 * The service's problem documents (RFC 9457) as one error class: branch on
 * `code`, typed from the contract's catalog.
 */
import type { components } from './schema.js'

export type Problem = components['schemas']['Problem']
/** Every code the service can answer with, from openapi/openapi.json. */
export type ProblemCode = Problem['code']

/** A non-2xx answer of the service. `retryAfter`: seconds, when the answer said (429, 503). */
export class ProblemError extends Error {
  override name = 'ProblemError'
  readonly code: ProblemCode
  readonly status: number
  readonly detail: string | undefined
  readonly retryAfter: number | undefined
  readonly problem: Problem

  constructor (problem: Problem, retryAfter?: number) {
    super(problem.detail ?? problem.title)
    this.problem = problem
    this.code = problem.code
    this.status = problem.status
    this.detail = problem.detail
    this.retryAfter = retryAfter
  }
}

/** A problem from a response's body; an answer that is not one (a proxy's page) becomes INTERNAL_ERROR with its status. */
export function toProblemError (body: unknown, response: Response): ProblemError {
  const header = Number(response.headers.get('retry-after'))
  const retryAfter = Number.isFinite(header) && header > 0 ? header : undefined
  const problem: Problem = body !== null && typeof body === 'object' && typeof (body as Problem).code === 'string'
    ? body as Problem
    : { type: 'about:blank', title: response.statusText || 'Unexpected answer', status: response.status, code: 'INTERNAL_ERROR', instance: '' }
  return new ProblemError(problem, retryAfter)
}

/** The data of an openapi-fetch result, or its problem thrown as a ProblemError. */
export async function unwrap<T> (result: Promise<{ data?: T, error?: unknown, response: Response }>): Promise<T> {
  const { data, error, response } = await result
  if (!response.ok) throw toProblemError(error, response)
  return data as T
}
