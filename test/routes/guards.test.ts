import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildTestApp, cookieHeader, PASSWORD, uniqueUsername } from '../helper.js'

t.test('auth routes are rate limited per client with a problem body and Retry-After', async t => {
  const { app } = await buildTestApp(t, { deps: { authRateLimit: 2 } })
  const attempt = () => app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: 'wrong-password' } })
  t.equal((await attempt()).statusCode, 401)
  t.equal((await attempt()).statusCode, 401)
  const limited = await attempt()
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(limited.json(), { code: 'RATE_LIMITED', status: 429 })
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when to come back')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'other routes are not limited')
})

t.test('cookie-authenticated POSTs from a foreign origin are refused; allowed origins get CORS with credentials', async t => {
  const { app } = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://app.example.com' } })
  const username = uniqueUsername('csrf')
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  const code = (await app.inject({ method: 'GET', url: `/local/messages?username=${username}` })).json()[0].code
  await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code } })
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  const cookie = cookieHeader(login)

  const foreign = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, origin: 'https://app.example.com.evil.net' } })
  t.equal(foreign.statusCode, 403)
  t.equal(foreign.json().code, 'ORIGIN_NOT_ALLOWED')
  t.same(foreign.cookies, [], 'nothing was done: the session cookies stay')

  const preflight = await app.inject({ method: 'OPTIONS', url: '/auth/refresh', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } })
  t.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(preflight.headers['access-control-allow-credentials'], 'true')
  const strangerPreflight = await app.inject({ method: 'OPTIONS', url: '/auth/refresh', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
  t.equal(strangerPreflight.headers['access-control-allow-origin'], undefined)

  const allowed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie, origin: 'https://app.example.com' } })
  t.equal(allowed.statusCode, 200)
  t.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(allowed.headers['access-control-expose-headers'], 'x-request-id, retry-after', 'the SPA can read the request id and Retry-After')
  const sameOrigin = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie, origin: 'http://localhost:3000' } })
  t.equal(sameOrigin.statusCode, 200, 'the BFF\'s own origin is always allowed')
})

t.test('JWKS unreachable: not ready, and a Bearer request is 503, not blamed on the token', async t => {
  const { local, app: working } = await buildTestApp(t)
  const login = await working.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: local.demoUser.password, tokenDelivery: 'body' } })
  const { accessToken } = login.json().tokens

  const config = loadConfig({ LOCAL_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent' })
  const app = await buildApp(config, { cognito: { ...local.settings, jwksUri: 'http://127.0.0.1:1/jwks.json', timeoutMs: 500 }, cookieSecrets: local.cookieSecrets })
  t.teardown(() => app.close())
  await app.ready()
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not ready', checks: { jwks: false } })
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${accessToken}` } })
  t.equal(me.statusCode, 503)
  t.match(me.json(), { code: 'UPSTREAM_UNAVAILABLE' })
  t.ok(me.headers['retry-after'])
})

t.test('readiness is ready once the JWKS is loaded', async t => {
  const { app } = await buildTestApp(t)
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.same(ready.json(), { status: 'ready', checks: { jwks: true } })
})

t.test('security headers: nothing allowed for JSON; no HSTS or https upgrade on plain-http local mode', async t => {
  const { app } = await buildTestApp(t)
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(health.headers['content-security-policy'], /default-src 'none'/)
  t.equal(health.headers['x-content-type-options'], 'nosniff')
  t.equal(health.headers['strict-transport-security'], undefined)
  t.notMatch(health.headers['content-security-policy'], 'upgrade-insecure-requests')
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.notMatch(docs.headers['content-security-policy'], 'upgrade-insecure-requests', '/docs loads its assets over http locally')
})

t.test('security headers: HSTS and https upgrade behind an https public URL', async t => {
  const { local } = await buildTestApp(t)
  const config = loadConfig({ PUBLIC_URL: 'https://auth.example.com', LOCAL_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent' })
  const app = await buildApp(config, { cognito: local.settings, cookieSecrets: local.cookieSecrets })
  t.teardown(() => app.close())
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(health.headers['strict-transport-security'], /max-age=\d+/)
  t.match(health.headers['content-security-policy'], 'upgrade-insecure-requests')
})

t.test('an unexpected failure is a generic 500; the detail is only in the log, under the request id', async t => {
  const { local } = await buildTestApp(t)
  const lines: string[] = []
  const logStream = { write: (chunk: string) => { lines.push(chunk); return true } } as unknown as NodeJS.WritableStream
  const app = await buildApp(loadConfig({ LOCAL_DATA_DIR: '/nonexistent' }), { cognito: local.settings, cookieSecrets: local.cookieSecrets, logStream })
  t.teardown(() => app.close())
  app.get('/boom', async () => { throw new TypeError('internal detail: db password is hunter2') })
  const response = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-boom-1' } })
  t.equal(response.statusCode, 500)
  t.same(response.json(), {
    type: 'urn:cognito-bff:problem:internal-error',
    title: 'Something went wrong on our side.',
    status: 500,
    code: 'INTERNAL_ERROR',
    instance: 'urn:request:req-boom-1'
  })
  t.notMatch(response.body, /hunter2|TypeError|at /)
  const logged = lines.map(l => JSON.parse(l)).filter(l => l.reqId === 'req-boom-1' && l.level === 50)
  t.equal(logged.length, 1)
  t.match(logged[0], { err: { type: 'TypeError', message: /hunter2/ }, code: 'INTERNAL_ERROR' })
})

t.test('over https the session cookies are Secure and carry the __Host- / __Secure- prefixes', async t => {
  const { app, local } = await buildTestApp(t, { env: { PUBLIC_URL: 'https://auth.example.com' } })
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: local.demoUser.password } })
  const cookies = Object.fromEntries(login.cookies.map(c => [c.name, c]))
  t.same(Object.keys(cookies).sort(), ['__Host-bff_access', '__Host-bff_id', '__Secure-bff_refresh'])
  for (const cookie of login.cookies) t.equal(cookie.secure, true, `${cookie.name} is Secure`)
  t.equal(cookies['__Host-bff_access']?.path, '/', '__Host- cookies are host-only on /')
  t.equal(cookies['__Host-bff_access']?.domain, undefined)
  t.equal(cookies['__Secure-bff_refresh']?.path, '/auth')
  const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie: cookieHeader(login) } })
  t.equal(me.statusCode, 200)
})

t.test('a session cookie sent twice (planted by a sibling subdomain) is not trusted', async t => {
  const { app, local } = await buildTestApp(t)
  const victim = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: local.demoUser.password } })
  const username = uniqueUsername('attacker')
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  const code = (await app.inject({ method: 'GET', url: `/local/messages?username=${username}` })).json()[0].code
  await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code } })
  const attacker = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  const planted = attacker.cookies.find(c => c.name === 'bff_refresh')!
  // The browser sends the planted cookie (longer path) first, then the victim's.
  const cookie = `bff_refresh=${planted.value}; ${cookieHeader(victim)}`
  const refresh = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie } })
  t.equal(refresh.statusCode, 401)
  t.equal(refresh.json().code, 'UNAUTHENTICATED')
  t.notOk(refresh.json().username, 'nobody is signed in as the attacker')
})
