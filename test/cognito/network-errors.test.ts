import t from 'tap'
import { call } from '../../src/cognito/client.js'
import { toApiError } from '../../src/cognito/error-table.js'
import { isNetworkError, NETWORK_ERROR_CODES } from '../../src/cognito/network-errors.js'
import { ApiError } from '../../src/errors/catalog.js'

/** The shape Node (and the SDK's handler) throws when a connection or a DNS lookup fails. */
const failure = (code: string) => Object.assign(new Error(`connect ${code} cognito-idp.eu-west-1.amazonaws.com`), { code })

/** Cognito unreachable: every one must be retried (idempotent operations) and answered 503. */
const UNREACHABLE = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN', 'ENOTFOUND']
/** Node codes that are not about reaching the endpoint: neither retried nor an outage. */
const NOT_NETWORK = ['EACCES', 'ERR_INVALID_ARG_TYPE', 'ECONNABORTED_NOT_A_CODE', '', 'enotfound']

/** How `call` treats a failure with `code` at GetUser (idempotent): how many attempts, and what it becomes. */
async function callWith (code: string): Promise<{ attempts: number, error: ApiError }> {
  let attempts = 0
  const error = await call('GetUser', async () => {
    attempts++
    throw failure(code)
  }).then(() => { throw new Error('call resolved') }, (err: unknown) => err as ApiError)
  return { attempts, error }
}

t.test('the one set is exactly the codes that mean Cognito unreachable, ENOTFOUND (a DNS failure) included', async t => {
  t.same([...NETWORK_ERROR_CODES].sort(), [...UNREACHABLE].sort())
  for (const code of UNREACHABLE) t.ok(isNetworkError(failure(code)), code)
  for (const code of NOT_NETWORK) t.notOk(isNetworkError(failure(code)), JSON.stringify(code))
  for (const odd of [undefined, null, 'ENOTFOUND', 42, { code: 7 }, { code: ['ENOTFOUND'] }]) t.notOk(isNetworkError(odd), String(odd))
})

t.test('call (retry) and toApiError (the answer) agree on every code: retried exactly when it is a 503 outage', async t => {
  const codes = [...UNREACHABLE, ...NOT_NETWORK]
  // Concurrently: the backoff between attempts is real (at most 200 + 400 ms).
  const seen = await Promise.all(codes.map(async code => ({ code, ...await callWith(code) })))
  t.equal(seen.length, 12, 'every code was tried')
  for (const { code, attempts, error } of seen) {
    const outage = UNREACHABLE.includes(code)
    const answered = toApiError('SignUp', failure(code))
    t.equal(attempts, outage ? 3 : 1, `${JSON.stringify(code)}: ${outage ? 'retried' : 'not retried'}`)
    t.match(error, { code: outage ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR' }, `${JSON.stringify(code)}: call's error`)
    t.match(answered, outage
      ? { code: 'UPSTREAM_UNAVAILABLE', statusCode: 503, retryAfter: 1 }
      : { code: 'UPSTREAM_ERROR', statusCode: 502, retryAfter: undefined }, `${JSON.stringify(code)}: toApiError`)
  }
})

t.test('a non-idempotent operation is never retried, even when Cognito is unreachable', async t => {
  let attempts = 0
  const error = await call('SignUp', async () => {
    attempts++
    throw failure('ENOTFOUND')
  }).catch((err: unknown) => err)
  t.equal(attempts, 1)
  t.match(error, { code: 'UPSTREAM_UNAVAILABLE', statusCode: 503 })
})
