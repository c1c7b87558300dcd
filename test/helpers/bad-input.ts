/**
 * What the bad-input tables share (test/routes/bad-input*.test.ts): the fixed
 * part of each problem they expect, written out rather than derived from the
 * catalog; a row type; and the few asserts every row gets (the whole problem
 * body, no stack or path, nothing from the request echoed).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'

export const PROBLEM = {
  VALIDATION_FAILED: {
    type: '/problems/validation-failed',
    title: 'The request is not valid.',
    status: 400,
    code: 'VALIDATION_FAILED'
  },
  MALFORMED_BODY: {
    type: '/problems/malformed-body',
    title: 'The request body is not valid JSON.',
    status: 400,
    code: 'MALFORMED_BODY'
  },
  UNAUTHENTICATED: { type: '/problems/unauthenticated', title: 'Sign-in is required.', status: 401, code: 'UNAUTHENTICATED' },
  TOKEN_INVALID: {
    type: '/problems/token-invalid',
    title: 'The token is invalid, expired or revoked.',
    status: 401,
    code: 'TOKEN_INVALID'
  },
  NOT_FOUND: { type: '/problems/not-found', title: 'No such resource.', status: 404, code: 'NOT_FOUND' },
  PAYLOAD_TOO_LARGE: {
    type: '/problems/payload-too-large',
    title: 'The request body is too large.',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE'
  },
  UNSUPPORTED_MEDIA_TYPE: {
    type: '/problems/unsupported-media-type',
    title: 'The content type is not supported; send application/json.',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE'
  }
} as const

export type Expected = Record<string, unknown>
type FieldIssue = readonly [field: string, message: string]

/** A VALIDATION_FAILED body: detail lists the same issues as errors, in order. */
export function invalid (...issues: FieldIssue[]): Expected {
  return {
    ...PROBLEM.VALIDATION_FAILED,
    detail: issues.map(([field, message]) => `${field}: ${message}`).join('; '),
    errors: issues.map(([field, message]) => ({ field, message }))
  }
}

export function problem (code: keyof typeof PROBLEM, detail?: string): Expected {
  return detail === undefined ? { ...PROBLEM[code] } : { ...PROBLEM[code], detail }
}

export interface Case {
  name: string
  request: InjectOptions
  expect: Expected
  /** Strings from the request that must not come back (query values, secrets, malformed path values). */
  notEchoed?: string[]
}

// A stack frame as V8 prints it ("at fn (/path/file.ts:1:2)", "at node:internal/..."), raw or JSON-escaped.
const STACK_FRAME = /\bat (?:async )?[^\s()]*\s*\(?(?:file:\/\/|node:|\/)[^\s()]*:\d+:\d+/
const STACK_LINE = /(?:\n|\\n)\s*at \S/

export function assertProblem (t: Test, response: LightMyRequestResponse, c: Case): void {
  t.ok(response.statusCode < 500, 'not a server error')
  t.equal(response.statusCode, c.expect.status, 'status')
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
  assertNoLeak(t, response.body)
  for (const secret of c.notEchoed ?? []) t.notOk(response.body.includes(secret), `does not echo ${secret}`)

  const { instance, ...rest } = response.json() as Expected
  t.equal(instance, `urn:request:${String(response.headers['x-request-id'])}`, 'instance names the request id')
  t.same(rest, c.expect, 'whole problem body')
}

function assertNoLeak (t: Test, body: string) {
  t.notMatch(body, STACK_FRAME, 'no stack frame')
  t.notMatch(body, STACK_LINE, 'no stack line')
  t.notOk(body.includes('Error:'), 'no "Error:"')
  t.notOk(body.includes('node_modules'), 'no file paths')
}

/**
 * One subtest per row, each request sent to `app`. With `upstreamCalls` (how
 * many calls the Cognito SDKs have been sent so far), each row also asserts it
 * was refused before any.
 */
export function checker (app: FastifyInstance, upstreamCalls?: () => number) {
  return async function check (t: Test, cases: Case[]): Promise<void> {
    for (const c of cases) {
      await t.test(c.name, async t => {
        const before = upstreamCalls?.()
        assertProblem(t, await app.inject(c.request), c)
        if (upstreamCalls !== undefined) t.equal(upstreamCalls(), before, 'refused before any Cognito call')
      })
    }
  }
}
