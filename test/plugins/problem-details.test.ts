import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ApiError } from '../../src/errors/catalog.js'
import { awsConfig, captureLines, expectProblem } from '../helper.js'

t.test('an unexpected failure is a generic 500; the detail is only in the log, under the request id', async t => {
  const { stream, lines } = captureLines()
  // A closed loopback port for the JWKS: nothing leaves the machine.
  const app = await buildApp(awsConfig({ LOG_LEVEL: 'info', COGNITO_ISSUER: 'http://127.0.0.1:1/us-east-1_Mocked01' }), { logStream: stream })
  t.teardown(() => app.close())
  app.get('/boom', async () => { throw new TypeError('internal detail: db password is hunter2') })
  const response = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-boom-1' } })
  expectProblem(t, response, 'INTERNAL_ERROR')
  t.equal(response.json().instance, 'urn:request:req-boom-1', 'the caller\'s request id names the occurrence')
  t.notMatch(response.body, /hunter2|TypeError|at /)
  const logged = lines.map(l => JSON.parse(l)).filter(l => l.reqId === 'req-boom-1' && l.level === 50)
  t.equal(logged.length, 1)
  t.match(logged[0], { err: { type: 'TypeError', message: /hunter2/ }, code: 'INTERNAL_ERROR' })
})

t.test('every 401 carries WWW-Authenticate (RFC 9110), a refused token with invalid_token', async t => {
  const { stream } = captureLines()
  const app = await buildApp(awsConfig({ COGNITO_ISSUER: 'http://127.0.0.1:1/us-east-1_Mocked01' }), { logStream: stream })
  t.teardown(() => app.close())
  app.get('/credentials', async () => { throw new ApiError('INVALID_CREDENTIALS') })
  app.get('/token', async () => { throw new ApiError('TOKEN_INVALID') })
  t.equal((await app.inject({ method: 'GET', url: '/credentials' })).headers['www-authenticate'], 'Bearer')
  t.equal((await app.inject({ method: 'GET', url: '/token' })).headers['www-authenticate'], 'Bearer error="invalid_token"')
})

t.test('a route matched with an empty path parameter (a dot segment resolved to its parent) is refused before any hook asks who calls', async t => {
  const { stream } = captureLines()
  const app = await buildApp(awsConfig({ ADMIN_API: 'true', COGNITO_ISSUER: 'http://127.0.0.1:1/us-east-1_Mocked01' }), { logStream: stream })
  t.teardown(() => app.close())
  // The router reads each as the parent path with a trailing slash, which the route's last `:param` then matched empty.
  const cases = [
    ['/me/sessions/tkn0/%2e%2e', 'sessionId'], ['/me/passkeys/abc/%2e%2e', 'credentialId'],
    ['/admin/users/alice/sessions/tkn0/%2e%2e', 'sessionId'], ['/me/sessions/', 'sessionId'], ['/admin/users//sessions/tkn0', 'username']
  ]
  for (const [url, name] of cases) {
    const message = 'must NOT have fewer than 1 characters'
    expectProblem(t, await app.inject({ method: 'DELETE', url }), 'VALIDATION_FAILED', {
      detail: `/params/${name}: ${message}`, errors: [{ field: `/params/${name}`, message }]
    })
  }
  const route = await app.inject({ method: 'DELETE', url: '/me/sessions/tkn0' })
  t.match({ status: route.statusCode, code: route.json().code }, { status: 401, code: 'UNAUTHENTICATED' }, 'the route itself still asks who calls')
})
