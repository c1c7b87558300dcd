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

t.test('every cookie-authenticated state change is checked: DELETE, PATCH and PUT from a foreign origin, and Origin: null, are refused', async t => {
  const { app, confirmedUser } = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://app.example.com' } })
  const user = await confirmedUser('csrfverbs')
  const cookie = cookieHeader(await app.inject({ method: 'POST', url: '/auth/login', payload: user }))
  const detail = 'Cookie-authenticated requests must come from an allowed origin (CORS_ORIGINS).'

  const attempts = [
    { method: 'PATCH' as const, url: '/me', payload: { attributes: { name: 'Mallory' } } },
    { method: 'PUT' as const, url: '/me/mfa', payload: { totp: { enabled: false } } },
    { method: 'DELETE' as const, url: '/me/attributes', payload: { names: ['name'] } },
    { method: 'DELETE' as const, url: '/me' }
  ]
  // 'null' is what a sandboxed iframe, a data: URL or a file:// page sends; 'file://' parses to the origin "null".
  for (const origin of ['https://evil.example', 'null', 'file://']) {
    for (const attempt of attempts) {
      const refused = await app.inject({ ...attempt, headers: { cookie, origin } })
      t.equal(refused.statusCode, 403, `${attempt.method} ${attempt.url} from ${origin} is refused`)
      expectProblem(t, refused, 'ORIGIN_NOT_ALLOWED', { detail })
      t.same(refused.cookies, [], `${attempt.method} ${attempt.url} from ${origin}: no cookie changed`)
    }
    const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, origin } })
    t.equal(logout.statusCode, 403, `POST /auth/logout from ${origin} is refused`)
    expectProblem(t, logout, 'ORIGIN_NOT_ALLOWED', { detail })
  }

  const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie } })
  t.equal(me.statusCode, 200, 'the account and the session are still there')
  t.not(me.json().attributes?.name, 'Mallory', 'and the attributes unchanged')
})
