import t from 'tap'
import { buildTestApp, cookieHeader, expectProblem } from '../helper.js'

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
  const { app, local, confirmedUser } = await buildTestApp(t)
  const victim = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: local.demoUser.password } })
  const attacker = await app.inject({ method: 'POST', url: '/auth/login', payload: await confirmedUser('attacker') })
  const planted = attacker.cookies.find(c => c.name === 'bff_refresh')!

  const alone = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: `bff_refresh=${planted.value}` } })
  t.equal(alone.statusCode, 200, 'control: the planted cookie on its own is a working session')

  // The browser sends the planted cookie (longer path) first, then the victim's.
  const refresh = await app.inject({
    method: 'POST',
    url: '/auth/refresh',
    headers: { cookie: `bff_refresh=${planted.value}; ${cookieHeader(victim)}` }
  })
  expectProblem(t, refresh, 'UNAUTHENTICATED', { detail: 'No refresh token: sign in, or send { "refreshToken": "..." }.' })
  t.same(refresh.cookies, [], 'no session cookie is set for either user')
})
