/**
 * The contract check can fail: an undeclared status, a media type the
 * document does not declare, a body against the schema and a missing required
 * header are each reported, and an app under the check rejects the inject
 * that received them.
 */
import { readFile } from 'node:fs/promises'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { buildAwsApp } from '../helper.js'
import {
  COMMITTED_DOCUMENT, ContractViolation, contractChecked, createContract, type ContractResponse, type OpenApiDocument
} from './contract.js'

const document = JSON.parse(await readFile(COMMITTED_DOCUMENT, 'utf8')) as OpenApiDocument
const contract = createContract(document)

const HEADERS = { 'x-request-id': 'req-1', 'cache-control': 'no-store' }
const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ContractResponse => ({
  statusCode,
  headers: { ...HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body)
})
const problem = (statusCode: number, code: string, headers: Record<string, string> = {}): ContractResponse => ({
  statusCode,
  headers: { ...HEADERS, 'content-type': 'application/problem+json; charset=utf-8', ...headers },
  body: JSON.stringify({ type: `/problems/${code.toLowerCase()}`, title: 'x', status: statusCode, code, instance: 'urn:request:req-1' })
})

t.test('a declared answer passes', async t => {
  t.same(contract.check({ method: 'GET', url: '/healthz' }, json(200, { status: 'ok' })), [])
  t.same(contract.check({ method: 'POST', url: '/auth/login' }, problem(401, 'INVALID_CREDENTIALS')), [])
  t.same(contract.check({ method: 'POST', url: '/auth/login' }, problem(429, 'RATE_LIMITED', { 'retry-after': '12' })), [])
  t.same(contract.check({ method: 'GET', url: '/local/messages?username=alice' }, json(200, [])), [], 'the query is not part of the path')
})

t.test('an undeclared status is reported', async t => {
  const violations = contract.check({ method: 'GET', url: '/healthz' }, problem(418, 'VALIDATION_FAILED'))
  t.match(violations, [/health does not declare status 418 \(it declares 200, 500\)/])
  t.match(contract.check({ method: 'POST', url: '/auth/logout' }, problem(401, 'UNAUTHENTICATED')), [/logout does not declare status 401/])
})

t.test('a media type the document does not declare is reported', async t => {
  const violations = contract.check({ method: 'GET', url: '/healthz' }, {
    statusCode: 200, headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: 'ok'
  })
  t.match(violations, [/health 200: media type text\/plain is not declared \(it declares application\/json\)/])
  t.match(
    contract.check({ method: 'GET', url: '/local/demo' }, json(200, 'a page')),
    [/localDemo 200: media type application\/json is not declared \(it declares text\/html\)/]
  )
  t.match(
    contract.check({ method: 'POST', url: '/auth/login' }, json(401, { code: 'INVALID_CREDENTIALS' })),
    [/login 401: media type application\/json is not declared \(it declares application\/problem\+json\)/],
    'a problem must be application/problem+json'
  )
})

t.test('a body against the schema is reported', async t => {
  t.match(contract.check({ method: 'GET', url: '/healthz' }, json(200, { status: 'down' })), [/health 200 application\/json: the body \/status must be equal/])
  t.match(contract.check({ method: 'GET', url: '/healthz' }, { ...json(200, {}), body: '{"status":' }), [/the body is not JSON/])
  t.match(
    contract.check({ method: 'POST', url: '/auth/login' }, problem(400, 'CODE_MISMATCH')),
    [/login 400 application\/problem\+json: the body \/code must be equal to constant.*must match exactly one schema in oneOf/],
    'a problem code the operation does not declare for that status'
  )
  t.match(
    contract.check({ method: 'POST', url: '/auth/login' }, { ...problem(401, 'INVALID_CREDENTIALS'), body: '{"code":"INVALID_CREDENTIALS"}' }),
    [/must have required property/]
  )
  const withBody = { statusCode: 204, headers: { ...HEADERS, 'set-cookie': 'bff_access=; Expires=Thu, 01 Jan 1970 00:00:00 GMT' }, body: '{}' }
  t.match(contract.check({ method: 'POST', url: '/auth/logout' }, withBody), [/logout 204: declares no body, but one came/])
})

t.test('a required header missing, or not as declared, is reported', async t => {
  t.match(
    contract.check({ method: 'POST', url: '/auth/logout' }, { statusCode: 204, headers: { ...HEADERS }, body: '' }),
    [/logout 204: the Set-Cookie header is required and missing/]
  )
  t.match(
    contract.check({ method: 'GET', url: '/healthz' }, { ...json(200, { status: 'ok' }), headers: { 'content-type': 'application/json' } }),
    [/the x-request-id header is required and missing/, /the Cache-Control header is required and missing/]
  )
  t.match(contract.check({ method: 'POST', url: '/auth/login' }, problem(429, 'RATE_LIMITED')), [/the Retry-After header is required and missing/])
  t.match(
    contract.check({ method: 'POST', url: '/auth/login' }, problem(429, 'RATE_LIMITED', { 'retry-after': 'soon' })),
    [/the Retry-After header "soon" \(root\) must be integer/]
  )
  t.match(
    contract.check({ method: 'POST', url: '/auth/signup/confirm/link' }, { statusCode: 303, headers: { ...HEADERS }, body: '' }),
    [/confirmSignUpLinkButton 303: the Location header is required and missing/]
  )
})

t.test('requests that reach no route are exempt, but still answer a problem', async t => {
  t.same(contract.check({ method: 'OPTIONS', url: '/auth/login' }, { statusCode: 204, headers: {}, body: '' }), [], 'a preflight')
  t.same(contract.check({ method: 'GET', url: '/docs/static/index.html' }, { statusCode: 200, headers: {}, body: '<html>' }), [], 'the reference')
  t.same(contract.check({ method: 'GET', url: '/nowhere' }, problem(404, 'NOT_FOUND')), [], 'an unknown path')
  t.same(contract.check({ method: 'DELETE', url: '/auth/login' }, problem(404, 'NOT_FOUND')), [], 'an unknown method')
  t.same(contract.check({ method: 'GET', url: '/local/messages' }, problem(404, 'NOT_FOUND')), [], 'a documented route the app does not have')
  t.match(contract.check({ method: 'GET', url: '/nowhere' }, json(200, { ok: true })), [/an undocumented route\?/, /not application\/problem\+json/])
})

/** A stand-in for the service, answering the documented GET /healthz in the ways a test names. */
async function standIn (t: Test) {
  const app = Fastify()
  app.addHook('onRequest', async (request, reply) => { reply.header('x-request-id', request.id).header('cache-control', 'no-store') })
  app.get('/healthz', async (request, reply) => {
    const { answer } = request.query as { answer?: string }
    if (answer === 'teapot') return reply.code(418).type('application/problem+json').send({ nope: true })
    if (answer === 'text') return reply.type('text/plain').send('ok')
    if (answer === 'down') return { status: 'down' }
    return { status: 'ok' }
  })
  t.teardown(() => app.close())
  return contractChecked(app, contract)
}

t.test('an app under the check rejects the inject of an undeclared answer, so the test that made it fails', async t => {
  const app = await standIn(t)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'a declared answer comes through')
  await t.rejects(app.inject({ method: 'GET', url: '/healthz?answer=teapot' }), { name: 'ContractViolation', message: /does not declare status 418/ })
  await t.rejects(app.inject({ method: 'GET', url: '/healthz?answer=text' }), { name: 'ContractViolation', message: /media type text\/plain/ })
  await t.rejects(app.inject('/healthz?answer=down'), { name: 'ContractViolation', message: /the body \/status must be equal/ })
  const viaCallback = await new Promise<Error | undefined>(resolve => {
    app.inject({ url: '/healthz?answer=down' }, err => resolve(err))
  })
  t.type(viaCallback, ContractViolation, 'the callback form gets the violation too')
  t.throws(() => app.inject(), /chained form .* is not checked/)
})

t.test('the helpers\' apps are under the check', async t => {
  const { app } = await buildAwsApp(t)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  // The same app against a document in which /healthz declares only 503.
  const narrowed = structuredClone(document)
  const health = narrowed.paths['/healthz']!.get!
  health.responses = { 503: health.responses![200]! }
  contractChecked(app, createContract(narrowed))
  await t.rejects(app.inject({ method: 'GET', url: '/healthz' }), { name: 'ContractViolation', message: /health does not declare status 200/ })
})
