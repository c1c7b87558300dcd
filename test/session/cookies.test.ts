import t from 'tap'
import { createSessionCookies, type CookieChange, type RequestCookies, type ServiceLog } from '../../src/session/cookies.js'
import { createSealer } from '../../src/session/seal.js'
import { buildTestApp, cookieHeader, expectProblem } from '../helper.js'

const KEY = 'session-cookies-test-key-of-32-chars'
const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`
const inAnHour = Math.floor(Date.now() / 1000) + 3600
const warnings: unknown[][] = []
const log = { warn: (...args: unknown[]) => warnings.push(args), debug: () => {} } as unknown as ServiceLog

/** The request a browser sends back after these changes. */
function sent (changes: readonly CookieChange[]): RequestCookies {
  const values = Object.fromEntries(changes.filter(c => c.value !== null).map(c => [c.name, c.value as string]))
  return { values, header: Object.entries(values).map(([name, value]) => `${name}=${value}`).join('; ') }
}

t.test('sealed session cookies: round trip; tampered, another key, another role, sent twice refused', async t => {
  const cookies = createSessionCookies({ cookies: { secure: false, sameSite: 'strict', secrets: [KEY] } }, createSealer([KEY]))
  const tokens = { accessToken: jwt({ exp: inAnHour, n: 'a' }), idToken: jwt({ exp: inAnHour, n: 'i' }), refreshToken: 'refresh-1' }
  const set = cookies.set(tokens, 'alice')
  const browser = sent(set)
  t.same(cookies.accessToken(browser, log), tokens.accessToken, 'access round trip')
  t.same(cookies.idToken(browser, log), tokens.idToken, 'ID round trip')
  t.same(cookies.refresh(browser, log), { refreshToken: 'refresh-1', username: 'alice' }, 'refresh round trip')
  for (const change of set) t.notMatch(change.value, /refresh-1|eyJ|e30/, `${change.name}: sealed`)

  const flip = (value: string) => `${value.slice(0, -3)}${value.at(-3) === 'A' ? 'B' : 'A'}${value.slice(-2)}`
  const only = (value: string | undefined): RequestCookies => ({ values: { bff_access: value }, header: 'bff_access=x' })
  const rotated = createSessionCookies({ cookies: { secure: false, sameSite: 'strict', secrets: ['new-key-of-at-least-32-characters!', KEY] } },
    createSealer(['new-key-of-at-least-32-characters!', KEY]))
  const otherKey = createSessionCookies({ cookies: { secure: false, sameSite: 'strict', secrets: ['other-key-of-at-least-32-chars!!'] } },
    createSealer(['other-key-of-at-least-32-chars!!']))
  const cases: Array<[string, () => string | undefined, string | undefined]> = [
    ['after key rotation (the old key still opens)', () => rotated.accessToken(browser, log), tokens.accessToken],
    ['tampered', () => cookies.accessToken(only(flip(browser.values.bff_access!)), log), undefined],
    ['sealed with another key', () => otherKey.accessToken(browser, log), undefined],
    ['the ID cookie\'s value as the access cookie', () => cookies.accessToken(only(browser.values.bff_id), log), undefined],
    ['not sealed at all', () => cookies.accessToken(only(tokens.accessToken), log), undefined],
    ['sent twice', () => cookies.accessToken({ ...browser, header: `bff_access=planted; ${browser.header}` }, log), undefined],
    ['absent', () => cookies.accessToken({ values: {}, header: undefined }, log), undefined]
  ]
  t.equal(cases.length, 7)
  warnings.length = 0
  for (const [name, read, expected] of cases) t.equal(read(), expected, name)
  const twice = [{ cookie: 'bff_access' }, 'session cookie sent twice (planted by another subdomain?); not trusted']
  t.same(warnings, [twice], 'only the twice-sent one is logged')
})

t.test('cookie attributes: lifetimes follow the tokens (an expired one: none), the refresh cookie on /auth, all cleared together', async t => {
  const cookies = createSessionCookies({ cookies: { secure: true, sameSite: 'none', secrets: [KEY] } }, createSealer([KEY]))
  const expired = { accessToken: jwt({ exp: inAnHour - 7200 }), idToken: jwt({ exp: inAnHour }), refreshToken: 'r' }
  const set = cookies.set(expired, 'alice')
  const attributes = set.map(c => [c.name, c.options.path, c.options.secure, c.options.httpOnly, c.options.sameSite])
  t.same(attributes, [
    ['__Host-bff_access', '/', true, true, 'none'],
    ['__Host-bff_id', '/', true, true, 'none'],
    ['__Secure-bff_refresh', '/auth', true, true, 'none']
  ])
  t.equal(set[0]?.options.maxAge, 0, 'an already expired access token: Max-Age 0')
  t.ok(Math.abs((set[1]?.options.maxAge ?? 0) - 3600) <= 2, 'the ID cookie lives as long as its token')
  t.equal(set[2]?.options.maxAge, 30 * 24 * 3600, 'the refresh cookie: Cognito\'s default refresh-token lifetime')
  t.same(cookies.clear().map(c => [c.name, c.value, c.options.path]), [
    ['__Host-bff_access', null, '/'], ['__Host-bff_id', null, '/'], ['__Secure-bff_refresh', null, '/auth']
  ])
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

t.test('a sealed value over 4,096 bytes travels in chunks: joined on read, all or nothing; stale chunks cleared', async t => {
  const cookies = createSessionCookies({ cookies: { secure: true, sameSite: 'lax', secrets: [KEY] } }, createSealer([KEY]))
  const groups = Array.from({ length: 60 }, (_, i) => `group-with-a-long-name-${i}`)
  const big = { accessToken: jwt({ exp: inAnHour, groups }), idToken: jwt({ exp: inAnHour, groups, extra: 'x'.repeat(3000) }), refreshToken: 'r' }
  const set = cookies.set(big, 'alice')
  t.same(set.map(c => c.name), ['__Host-bff_access', '__Host-bff_id.0', '__Host-bff_id.1', '__Host-bff_id.2', '__Secure-bff_refresh'])
  for (const change of set) {
    t.ok(change.name.length + 1 + (change.value?.length ?? 0) + 120 < 4096, `${change.name}: fits with its attributes`)
    t.same(change.options, set.find(c => c.name.startsWith(change.name.split('.')[0]!))?.options, `${change.name}: the family's attributes`)
  }
  const browser = sent(set)
  t.equal(cookies.idToken(browser, log), big.idToken, 'joined and unsealed')
  t.equal(cookies.accessToken(browser, log), big.accessToken)

  const other = sent(cookies.set({ ...big, idToken: jwt({ exp: inAnHour, groups, extra: 'y'.repeat(3000) }) }, 'bob'))
  const swap = (name: string) => ({ values: { ...browser.values, [name]: other.values[name] }, header: browser.header })
  const without = (name: string) => {
    const values = { ...browser.values, [name]: undefined }
    return { values, header: Object.keys(values).filter(n => n !== name).map(n => `${n}=x`).join('; ') }
  }
  warnings.length = 0
  t.equal(cookies.idToken(swap('__Host-bff_id.1'), log), undefined, 'a chunk from another session: the seal refuses the whole')
  t.equal(cookies.idToken(swap('__Host-bff_id.0'), log), undefined, 'the first chunk from another session')
  t.equal(cookies.idToken(without('__Host-bff_id.2'), log), undefined, 'the last chunk dropped')
  const counted = { ...browser.values, '__Host-bff_id.0': browser.values['__Host-bff_id.0']!.replace(/^3\./, '2.'), '__Host-bff_id.2': undefined }
  t.equal(cookies.idToken({ values: counted, header: 'x=y' }, log), undefined, 'the last chunk dropped and the count altered: the seal refuses')
  t.same(warnings.map(w => w[1]), ['session cookie chunks incomplete, extra or out of order (dropped by the browser?); not trusted'],
    'only the incomplete family is logged (the seal refusals are not warnings)')

  const smaller = cookies.set({ ...big, idToken: jwt({ exp: inAnHour, n: 'small' }) }, 'alice', browser)
  t.same(smaller.map(c => [c.name, c.value === null ? null : 'set']), [
    ['__Host-bff_access', 'set'], ['__Host-bff_id', 'set'],
    ['__Host-bff_id.0', null], ['__Host-bff_id.1', null], ['__Host-bff_id.2', null], ['__Secure-bff_refresh', 'set']
  ], 'a smaller ID token: one cookie, and every chunk of the larger one cleared')
  const bigger = cookies.set(big, 'alice', sent(smaller))
  t.same(bigger.filter(c => c.value === null).map(c => c.name), ['__Host-bff_id'], 'chunks again: the one cookie cleared')

  t.same(cookies.clear(browser).map(c => [c.name, c.options.path]), [
    ['__Host-bff_access', '/'], ['__Host-bff_id', '/'], ['__Host-bff_id.0', '/'], ['__Host-bff_id.1', '/'], ['__Host-bff_id.2', '/'],
    ['__Secure-bff_refresh', '/auth']
  ], 'logout clears every chunk the browser holds')
})

t.test('a sign-in over a browser still holding chunks of a larger session clears them, so the new session reads', async t => {
  const { app, local } = await buildTestApp(t)
  const stale = 'bff_id.0=2.v1.stale; bff_id.1=chunk'
  const login = await app.inject({
    method: 'POST', url: '/auth/login', headers: { cookie: stale }, payload: { username: 'demo', password: local.demoUser.password }
  })
  t.equal(login.statusCode, 200)
  t.same(login.cookies.filter(c => c.value === '').map(c => [c.name, c.path, c.maxAge]), [['bff_id.0', '/', 0], ['bff_id.1', '/', 0]],
    'the stale chunks are cleared')
  const session = login.cookies.filter(c => c.value !== '').map(c => `${c.name}=${c.value}`).join('; ')
  t.equal((await app.inject({ method: 'GET', url: '/me', headers: { cookie: session } })).statusCode, 200)
  const kept = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: `${stale}; ${session}` } })
  t.same(kept.cookies.map(c => c.name), ['bff_access', 'bff_id', 'bff_id.0', 'bff_id.1', 'bff_refresh'], 'logout clears them too')
})
