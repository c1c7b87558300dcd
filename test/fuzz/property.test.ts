/**
 * The fuzzer can fail: its property runner, given fake answers that break
 * the property (a 500, an echoed secret, an undeclared code, a 4xx that is
 * not a problem, a contract violation thrown by the app), reports each with
 * fast-check's seed and shrunk counterexample; given honest fake answers it
 * passes. Also: the valid-shaped bodies it generates do pass the request
 * schemas, so they reach the handlers.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { assertContract, type ContractResponse } from '../helpers/contract.js'
import { readOperations } from './operations.js'
import { fuzzOperation, opaqueOriginChange, type PropertyOptions, type Send } from './property.js'
import { requestFor, type FuzzContext, type FuzzRequest } from './requests.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

const operations = readOperations()
const login = operations.find(o => o.id === 'login')
if (login === undefined) throw new Error('the document has no login operation')

/** Made-up real values: enough for the generator, no service needed. */
const context: FuzzContext = {
  usernames: ['demo'],
  passwords: ['Passw0rd!demo'],
  codes: ['123456'],
  accessTokens: ['eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhYmMiLCJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'],
  idTokens: ['eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhYmMiLCJ0b2tlbl91c2UiOiJpZCJ9.c2lnbmF0dXJlLW9mLXRoZS1pZC10b2tlbg'],
  refreshTokens: ['eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.opaque-refresh-token.value'],
  cookies: { bff_access: ['v1.c2VhbGVkLWFjY2Vzcy1jb29raWUtdmFsdWUtZm9yLXRoZS10ZXN0'], bff_refresh: ['v1.c2VhbGVkLXJlZnJlc2gtY29va2llLXZhbHVl'] },
  records: [{ username: 'demo', password: 'Passw0rd!demo' }],
  origin: 'http://localhost:3000'
}

const SEED = 7
const RUNS = 100

const pathOf = (url: string) => url.split('?')[0]!

/** A whole problem answer, as the service writes one. */
function problem (status: number, code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): ContractResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': 'fake-1', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({
      type: `/problems/${code.toLowerCase()}`, title: 'A fake problem.', status, code, instance: 'urn:request:fake-1', ...extra
    })
  }
}

/**
 * Routes like the service: a cookie-carrying POST from an opaque origin is refused first (the CSRF check runs
 * before routing), then the login path answers `answer`, anything else the not-found problem.
 */
function fakeLogin (answer: (request: FuzzRequest) => ContractResponse, csrf = true): Send {
  return async request => {
    if (csrf && opaqueOriginChange(request)) return problem(403, 'ORIGIN_NOT_ALLOWED')
    return pathOf(request.url) === '/auth/login' ? answer(request) : problem(404, 'NOT_FOUND')
  }
}

async function reported (t: Test, send: Send, expected: RegExp, options: PropertyOptions = {}): Promise<string> {
  let message = ''
  try {
    await fuzzOperation(login!, send, { seed: SEED, runs: RUNS, context, ...options })
  } catch (err) {
    message = (err as Error).message
  }
  t.match(message, /Property failed after \d+ tests/, 'the property fails')
  t.match(message, new RegExp(`seed: ${SEED}, path: "[\\d:]+"`), 'the report gives the seed and the path to replay it')
  t.match(message, /Counterexample: \[\{ method: "POST", url: "[^"]*", headers: /, 'and the shrunk request, as app.inject options')
  t.match(message, expected, 'and says what was wrong')
  return message
}

t.test('an honest fake passes: every answer declared, a problem, no secret in it', async t => {
  const run = await fuzzOperation(login, fakeLogin(() => problem(401, 'INVALID_CREDENTIALS')), { seed: SEED, runs: RUNS, context })
  t.equal(run.requests, RUNS, 'every generated request was sent')
  t.same([...run.statuses.keys()].sort(), [401, 403, 404], '403: the cookie-carrying POSTs from an opaque origin')
})

t.test('a 500 is reported', async t => {
  await reported(t, fakeLogin(() => problem(500, 'INTERNAL_ERROR')), /a server error: 500 INTERNAL_ERROR/)
})

t.test('a cookie-carrying POST from Origin: null that is not refused is reported', async t => {
  let sent = 0
  const send: Send = async request => {
    if (opaqueOriginChange(request)) sent += 1
    return await fakeLogin(() => problem(401, 'INVALID_CREDENTIALS'), false)(request)
  }
  await reported(t, send, /a cookie-carrying POST from Origin (null|file:\/\/) was not refused with 403 ORIGIN_NOT_ALLOWED/)
  t.ok(sent > 0, 'the generator sends such requests')
})

t.test('a 503 UPSTREAM_UNAVAILABLE is reported, unless the run allows it (a service whose Cognito may be down)', async t => {
  const send = fakeLogin(() => problem(503, 'UPSTREAM_UNAVAILABLE', {}, { 'retry-after': '1' }))
  await reported(t, send, /a server error: 503 UPSTREAM_UNAVAILABLE/)
  const run = await fuzzOperation(login, send, { seed: SEED, runs: RUNS, context, allowUpstreamUnavailable: true })
  t.equal(run.requests, RUNS, 'allowed: the run passes')
  await reported(t, fakeLogin(() => problem(502, 'UPSTREAM_ERROR')), /a server error: 502 UPSTREAM_ERROR/, { allowUpstreamUnavailable: true })
})

t.test('a secret the request sent, echoed in the body, is reported', async t => {
  const message = await reported(t, fakeLogin(request => problem(401, 'INVALID_CREDENTIALS', { detail: `Wrong: ${request.secrets.join(', ')}` })),
    /the body echoes a secret the request sent: /)
  t.notMatch(message, /does not declare|ContractViolation/, 'the answer is declared: only the echo is wrong')
})

t.test('a secret echoed in a header is reported', async t => {
  await reported(t, fakeLogin(request => problem(401, 'INVALID_CREDENTIALS', {}, { 'x-debug': request.secrets.join(' ') })),
    /the x-debug header echoes a secret the request sent: /)
})

t.test('a secret that an earlier request sent as a plain value (a username stored, then listed) is not an echo', async t => {
  const sentPlain = new Set<string>()
  const echo = fakeLogin(request => problem(401, 'INVALID_CREDENTIALS', { detail: request.secrets.join(', ') }))
  const run = await fuzzOperation(login, async request => {
    // As if each secret had been some earlier request's username.
    for (const secret of request.secrets) sentPlain.add(`user-${secret}`)
    return await echo(request)
  }, { seed: SEED, runs: RUNS, context, sentPlain })
  t.equal(run.requests, RUNS, 'excused')
})

t.test('a problem code the operation does not declare for that status is reported', async t => {
  await reported(t, fakeLogin(() => problem(401, 'USERNAME_EXISTS')), /login 401 application\/problem\+json: the body \/code must be equal to constant.*must match exactly one schema in oneOf/)
})

t.test('a 4xx that is not a problem document is reported', async t => {
  const send = fakeLogin(() => ({
    statusCode: 400,
    headers: { 'content-type': 'application/json', 'x-request-id': 'fake-1', 'cache-control': 'no-store' },
    body: '{"error":"bad"}'
  }))
  await reported(t, send, /a 400 that is not a problem document \(content type application\/json\)/)
})

t.test('a contract violation thrown by the app (a contract-checked inject) is reported', async t => {
  const send: Send = async request => {
    const response = await fakeLogin(() => problem(418, 'INTERNAL_ERROR'))(request)
    assertContract(request, response)
    return response
  }
  await reported(t, send, /Got ContractViolation: POST \S+ answered 418, which the published contract/)
})

t.test('a failure replays: the same seed finds the same counterexample', async t => {
  const send = fakeLogin(request => problem(401, 'INVALID_CREDENTIALS', { detail: request.secrets.join(', ') }))
  const first = await reported(t, send, /echoes a secret/)
  const second = await reported(t, send, /echoes a secret/)
  const counterexample = (message: string) => /Counterexample: .*/.exec(message)?.[0]
  t.equal(counterexample(second), counterexample(first))
})

t.test('valid-shaped bodies and queries pass the request schemas, so they reach the handlers', async t => {
  const ajv = new Ajv2020({ allErrors: true, strict: false })
  addFormats(ajv)
  for (const operation of operations) {
    const query = operation.parameters.filter(p => p.in === 'query')
    if (operation.body === undefined && query.length === 0) continue
    const validate = operation.body === undefined
      ? ajv.compile({
        type: 'object',
        properties: Object.fromEntries(query.map(p => [p.name, p.schema])),
        required: query.filter(p => p.required).map(p => p.name),
        additionalProperties: false
      })
      : ajv.compile(operation.body.schema)
    const label = operation.body === undefined ? 'valid-shaped query' : 'valid-shaped body'
    const samples = fc.sample(requestFor(operation, context), { numRuns: 400, seed: SEED })
      .filter(request => request.label.split('; ').includes(label) && !request.label.includes('near-miss'))
    const values = samples.map(request => operation.body === undefined
      ? Object.fromEntries(new URLSearchParams(request.url.split('?')[1] ?? ''))
      : JSON.parse(String(request.payload)) as unknown)
    const refused = values.filter(value => !validate(value))
    t.ok(values.length >= 40, `${operation.id}: ${values.length} valid-shaped samples`)
    t.same(refused, [], `${operation.id}: every one passes the schema`)
  }
})
