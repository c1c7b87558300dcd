import t from 'tap'
import { buildTestApp, cookieHeader, expectProblem } from '../helper.js'

t.test('cookie-authenticated POSTs from a foreign origin are refused; allowed origins get CORS with credentials', async t => {
  const { app, confirmedUser } = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://app.example.com' } })
  const user = await confirmedUser('csrf')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: user })
  const cookie = cookieHeader(login)

  const foreign = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, origin: 'https://app.example.com.evil.net' } })
  expectProblem(t, foreign, 'ORIGIN_NOT_ALLOWED', { detail: 'Cookie-authenticated requests must come from an allowed origin (CORS_ORIGINS).' })
  t.same(foreign.cookies, [], 'nothing was done: the session cookies stay')

  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/auth/refresh',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' }
  })
  t.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(preflight.headers['access-control-allow-credentials'], 'true')
  const strangerPreflight = await app.inject({
    method: 'OPTIONS',
    url: '/auth/refresh',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' }
  })
  t.equal(strangerPreflight.headers['access-control-allow-origin'], undefined)

  const allowed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie, origin: 'https://app.example.com' } })
  t.equal(allowed.statusCode, 200)
  t.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(allowed.headers['access-control-expose-headers'], 'x-request-id, retry-after', 'the SPA can read the request id and Retry-After')
  const sameOrigin = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie, origin: 'http://localhost:3000' } })
  t.equal(sameOrigin.statusCode, 200, 'the BFF\'s own origin is always allowed')
})
