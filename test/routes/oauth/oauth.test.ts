/**
 * Hosted-UI sign-in through the BFF against the local stand-in for Cognito's
 * managed login: the login redirect, every step of the callback checklist,
 * hosted logout and the CMS hand-off. The browser's half goes through
 * hosted-ui-flow.ts; the BFF is driven with inject.
 */
import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import type { ErrorCode } from '../../../src/errors/catalog.js'
import { LOGIN_ATTEMPT_SECONDS } from '../../../src/oauth/login-attempt.js'
import { createSealer } from '../../../src/session/seal.js'
import { createMemoryStore } from '../../../src/store/memory-store.js'
import type { SharedStore } from '../../../src/store/store.js'
import { buildAwsApp, buildTestApp, cookieHeader, type TestApp } from '../../helper.js'
import { signInAtHostedUi, submitHostedForm, type HostedSignIn } from './hosted-ui-flow.js'
import { fileTimeout } from '../../helpers/timeouts.js'

// Measured idle: about 48 s (many hosted-UI sign-ins against the emulator).
t.setTimeout(fileTimeout(50_000))

const CMS = 'http://127.0.0.1:9'
const CMS_SECRET = 'cms-handoff-secret-of-at-least-32-chars'
const OTHER_SITE = 'http://127.0.0.1:10'
const OTHER_SECRET = 'other-site-secret-of-at-least-32-chars!'

const env = {
  REDIRECT_ALLOWLIST: `http://localhost:3000,${CMS},${OTHER_SITE}`,
  HANDOFF_SITES: `${CMS}=${CMS_SECRET},${OTHER_SITE}=${OTHER_SECRET}`,
  OAUTH_PROVIDERS: 'COGNITO,Google'
}

/** A problem with this code (its whole shape is checked by the contract check on every inject), and never a redirect. */
function expectRefusal (t: Test, response: LightMyRequestResponse, code: ErrorCode, detail?: string): void {
  t.equal(response.json().code, code, `${code}: ${response.body}`)
  if (detail !== undefined) t.equal(response.json().detail, detail)
  t.equal(response.headers.location, undefined, `${code}: no Location`)
}

/** The app, a confirmed user, and a signed-in browser's callback ready to be called. */
type WithUser = TestApp & { user: { username: string, password: string } }

async function setUp (t: Test, extraEnv: Record<string, string> = {}, store?: SharedStore): Promise<WithUser> {
  const app = await buildTestApp(t, { env: { ...env, ...extraEnv }, deps: store === undefined ? {} : { store } })
  return { ...app, user: await app.confirmedUser('hosted') }
}

t.test('a hosted-UI sign-in lands on the redirect target with a working session', async t => {
  const { app, user, config } = await setUp(t)
  const flow = await signInAtHostedUi(app, user, '?redirect=' + encodeURIComponent('/local/demo?x=a_b'))

  const params = flow.authorize.searchParams
  t.equal(flow.authorize.origin + flow.authorize.pathname, `${config.hostedUiDomain}/oauth2/authorize`)
  t.equal(params.get('response_type'), 'code')
  t.equal(params.get('client_id'), config.pool.clientId)
  t.equal(params.get('redirect_uri'), 'http://localhost:3000/oauth/callback')
  t.same(params.get('scope')?.split(' '), ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'])
  t.equal(params.get('code_challenge_method'), 'S256')
  t.match(params.get('code_challenge'), /^[\w-]{43}$/)
  t.ok(params.get('nonce'), 'an OIDC nonce')
  t.equal(params.get('identity_provider'), null, 'no provider: the hosted UI\'s own page')
  t.match(params.get('state'), /^[0-9a-f]{32}_http:\/\/localhost:3000\/local\/demo\?x=a_b$/, 'state = <nonce>_<redirect>, underscores kept')
  const loginCookie = flow.start.cookies.find(c => c.name.startsWith('bff_oauth_'))
  t.ok(loginCookie?.httpOnly)
  t.equal(loginCookie?.path, '/oauth')
  t.equal(loginCookie?.sameSite, 'Lax')
  t.equal(loginCookie?.maxAge, 300)

  const callback = await app.inject({ method: 'GET', url: flow.callback, headers: { cookie: flow.loginCookie } })
  t.equal(callback.statusCode, 302, callback.body)
  t.equal(callback.headers.location, 'http://localhost:3000/local/demo?x=a_b', 'exactly the target, nothing appended')
  const cleared = callback.cookies.find(c => c.name === loginCookie?.name)
  t.equal(cleared?.value, '', 'the login cookie is cleared')
  t.same(callback.cookies.filter(c => c.value !== '').map(c => c.name).sort(), ['bff_access', 'bff_id', 'bff_refresh'])

  const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie: cookieHeader(callback) } })
  t.equal(me.statusCode, 200, 'the hosted-UI session calls /me (aws.cognito.signin.user.admin was granted)')
  t.equal(me.json().username, user.username)
})

t.test('a provider goes to the authorize URL; one not configured is refused', async t => {
  const { app } = await buildTestApp(t, { env })
  const google = await app.inject({ method: 'GET', url: '/oauth/login?provider=Google' })
  t.equal(google.statusCode, 302)
  t.equal(new URL(String(google.headers.location)).searchParams.get('identity_provider'), 'Google')

  const facebook = await app.inject({ method: 'GET', url: '/oauth/login?provider=Facebook' })
  expectRefusal(t, facebook, 'VALIDATION_FAILED', '/querystring/provider: must be one of COGNITO, Google')
  t.equal(facebook.headers.location, undefined)
  t.same(facebook.cookies, [], 'nothing started')
})

t.test('a hostile redirect at login is refused before anything starts', async t => {
  const { app, logs } = await buildTestApp(t, { env })
  for (const redirect of ['https://evil.example.net/', '//evil.example.net', '/\\evil.example.net', 'javascript:alert(1)', 'http://localhost:3000@evil.example.net/']) {
    const response = await app.inject({ method: 'GET', url: '/oauth/login?redirect=' + encodeURIComponent(redirect) })
    expectRefusal(t, response, 'REDIRECT_NOT_ALLOWED')
    t.equal(response.headers.location, undefined, `${redirect}: no Location`)
    t.same(response.cookies, [], `${redirect}: no login cookie`)
  }
  t.ok(logs.some(line => line.includes('"reason":"origin-not-allowed"')), 'the refusal is logged with its reason')
  t.notOk(logs.some(line => line.includes('evil.example.net')), 'but not the value itself')
})

t.test('the callback checklist refuses what is not this browser\'s sign-in', async t => {
  const { app, user } = await setUp(t)
  const flow = await signInAtHostedUi(app, user, '?redirect=%2Flocal%2Fdemo')
  const url = new URL(flow.callback, 'http://localhost:3000')
  const state = String(url.searchParams.get('state'))
  const code = String(url.searchParams.get('code'))
  const [nonce] = state.split('_') as [string]
  const callback = (query: Record<string, string>, cookie = flow.loginCookie) =>
    app.inject({ method: 'GET', url: '/oauth/callback?' + new URLSearchParams(query).toString(), headers: cookie === '' ? {} : { cookie } })

  const cases: Array<[string, Record<string, string>, string?]> = [
    ['no state', { code }],
    ['a state without an underscore', { code, state: nonce }],
    ['a state with nothing after the underscore', { code, state: `${nonce}_` }],
    ['another nonce', { code, state: `${'0'.repeat(32)}_/local/demo` }],
    ['no login cookie', { code, state }, ''],
    ['a tampered login cookie', { code, state }, flow.loginCookie.replace(/=v1\.(.)/, (_m, c: string) => `=v1.${c === 'A' ? 'B' : 'A'}`)],
    ['the right nonce with another redirect', { code, state: `${nonce}_http://localhost:3000/elsewhere` }]
  ]
  for (const [name, query, cookie] of cases) {
    const response = await callback(query, cookie)
    expectRefusal(t, response, 'OAUTH_STATE_INVALID')
    t.equal(response.headers.location, undefined, `${name}: no Location`)
    t.notOk(response.cookies.some(c => c.name === 'bff_access' && c.value !== ''), `${name}: no session`)
  }

  const good = await callback({ code, state })
  t.equal(good.statusCode, 302, 'the real callback still works after those attempts')
  const replay = await callback({ code, state })
  expectRefusal(t, replay, 'OAUTH_CODE_INVALID')
  t.equal(replay.headers.location, undefined, 'a replayed code (even with the old cookie) signs nobody in')
})

t.test('a sign-in begun 5 minutes ago or more is refused at the callback, though its client kept the cookie', async t => {
  const { app, user, config } = await setUp(t)
  // The app's own key: the attempt's cookie re-sealed as if it had begun `ageMs` earlier (Max-Age is only advice to a client).
  const sealer = createSealer(config.cookies.secrets)
  const aged = (flow: HostedSignIn, ageMs: number) => {
    const [name, value] = flow.loginCookie.split('=') as [string, string]
    const stored = JSON.parse(sealer.unseal('oauth-login', value) ?? 'null') as { startedAt: number }
    return { name, cookie: `${name}=${sealer.seal('oauth-login', JSON.stringify({ ...stored, startedAt: stored.startedAt - ageMs }))}` }
  }
  const call = async (ageMs: number) => {
    const flow = await signInAtHostedUi(app, user, '?redirect=%2Flocal%2Fdemo')
    const { name, cookie } = aged(flow, ageMs)
    return { name, response: await app.inject({ method: 'GET', url: flow.callback, headers: { cookie } }) }
  }

  const control = await call(LOGIN_ATTEMPT_SECONDS * 1000 - 10_000)
  t.equal(control.response.statusCode, 302, `control: re-sealed, ten seconds before its end, it signs in: ${control.response.body}`)

  for (const ageMs of [LOGIN_ATTEMPT_SECONDS * 1000, 24 * 3600 * 1000]) {
    const { name, response } = await call(ageMs)
    expectRefusal(t, response, 'OAUTH_STATE_INVALID', 'This sign-in began more than 5 minutes ago: start again at /oauth/login.')
    t.equal(response.statusCode, 400)
    t.notOk(response.cookies.some(c => c.name === 'bff_access' && c.value !== ''), `${ageMs} ms: no session`)
    t.equal(response.cookies.find(c => c.name === name)?.value, '', `${ageMs} ms: the login cookie is cleared`)
  }
})

t.test('an OAuth error returns to a known-good target, or is a problem', async t => {
  const { app } = await buildTestApp(t, { env })
  const start = await app.inject({ method: 'GET', url: '/oauth/login?redirect=%2Flocal%2Fdemo' })
  const state = String(new URL(String(start.headers.location)).searchParams.get('state'))

  const denied = await app.inject({
    method: 'GET',
    url: `/oauth/callback?error=access_denied&state=${encodeURIComponent(state)}`,
    headers: { cookie: cookieHeader(start) }
  })
  t.equal(denied.statusCode, 302)
  t.equal(denied.headers.location, 'http://localhost:3000/local/demo?error=access_denied')

  const odd = await app.inject({ method: 'GET', url: '/oauth/callback?error=%3Cscript%3E&state=x' })
  expectRefusal(t, odd, 'OAUTH_ERROR', 'The hosted UI answered server_error.')
  const noState = await app.inject({ method: 'GET', url: '/oauth/callback?error=access_denied' })
  expectRefusal(t, noState, 'OAUTH_ERROR', 'The hosted UI answered access_denied.')
  t.equal(noState.headers.location, undefined)
})

t.test('external state (a CMS built it): refused by default; allowed, the nonce is handed back', async t => {
  for (const allowed of [false, true]) {
    const { app, user, config } = await setUp(t, allowed ? { OAUTH_EXTERNAL_STATE: 'true' } : {})
    // The CMS sends the browser to the hosted UI itself, with its own state and no PKCE.
    const authorize = new URL('/oauth2/authorize', config.hostedUiDomain)
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.pool.clientId,
      redirect_uri: config.oauth.callbackUrl,
      scope: 'openid aws.cognito.signin.user.admin',
      state: 'cms-csrf-123_http://127.0.0.1:10/after_login'
    }).toString()
    const posted = await submitHostedForm(authorize, user)
    const callback = new URL(String(posted.headers.get('location')))
    const response = await app.inject({ method: 'GET', url: callback.pathname + callback.search })
    if (!allowed) {
      expectRefusal(t, response, 'OAUTH_STATE_INVALID')
      continue
    }
    t.equal(response.statusCode, 302, response.body)
    const location = new URL(String(response.headers.location))
    t.equal(location.origin + location.pathname, 'http://127.0.0.1:10/after_login')
    t.equal(location.searchParams.get('bff_state'), 'cms-csrf-123', 'the CMS gets its nonce back to check')
    t.ok(location.searchParams.get('handoff'), 'a hand-off site gets a code')

    // A forged external state naming a target off the allowlist is never followed.
    const forged = new URL(authorize)
    forged.searchParams.set('state', 'abcdefgh_https://evil.example.net/')
    const again = await submitHostedForm(forged, user)
    const evil = new URL(String(again.headers.get('location')))
    const refused = await app.inject({ method: 'GET', url: evil.pathname + evil.search })
    expectRefusal(t, refused, 'REDIRECT_NOT_ALLOWED')
    t.equal(refused.headers.location, undefined)
  }
})

t.test('hand-off: a CMS back end redeems the code once, with its own secret', async t => {
  const { app, user } = await setUp(t)
  const signIn = async () => {
    const flow = await signInAtHostedUi(app, user, '?redirect=' + encodeURIComponent(`${CMS}/welcome?from=bff`))
    const response = await app.inject({ method: 'GET', url: flow.callback, headers: { cookie: flow.loginCookie } })
    t.equal(response.statusCode, 302)
    const location = new URL(String(response.headers.location))
    t.equal(`${location.origin}${location.pathname}?from=bff`, `${CMS}/welcome?from=bff`)
    t.notOk(response.cookies.some(c => c.name.startsWith('bff_') && !c.name.startsWith('bff_oauth_')), 'no session cookies for a hand-off site')
    t.notMatch(String(response.headers.location), /eyJ/, 'no token in the URL')
    return String(location.searchParams.get('handoff'))
  }
  const redeem = (code: string, secret?: string) => app.inject({
    method: 'POST',
    url: '/oauth/handoff',
    payload: { code },
    headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` }
  })

  const code = await signIn()
  expectRefusal(t, await redeem(code), 'UNAUTHENTICATED')
  expectRefusal(t, await redeem(code, 'not-a-site-secret'), 'UNAUTHENTICATED')
  const first = await redeem(code, CMS_SECRET)
  t.equal(first.statusCode, 200, first.body)
  t.equal(first.json().username, user.username)
  t.match(first.json().tokens, { accessToken: /^eyJ/, idToken: /^eyJ/, refreshToken: String, tokenType: 'Bearer' })
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${String(first.json().tokens.accessToken)}` } })
  t.equal(me.statusCode, 200)
  expectRefusal(t, await redeem(code, CMS_SECRET), 'HANDOFF_INVALID')

  const stolen = await signIn()
  expectRefusal(t, await redeem(stolen, OTHER_SECRET), 'HANDOFF_INVALID')
  expectRefusal(t, await redeem(stolen, CMS_SECRET), 'HANDOFF_INVALID')
})

t.test('hand-off: an expired code is refused', async t => {
  // The store's clock is the test's: the code's 60 s pass at once.
  const clock = { aheadMs: 0 }
  const store: SharedStore = createMemoryStore({ now: () => Date.now() + clock.aheadMs })
  const { app, user } = await setUp(t, {}, store)
  const handoffCode = async () => {
    const flow = await signInAtHostedUi(app, user, '?redirect=' + encodeURIComponent(`${CMS}/welcome`))
    const response = await app.inject({ method: 'GET', url: flow.callback, headers: { cookie: flow.loginCookie } })
    return String(new URL(String(response.headers.location)).searchParams.get('handoff'))
  }
  const redeem = (code: string) =>
    app.inject({ method: 'POST', url: '/oauth/handoff', payload: { code }, headers: { authorization: `Bearer ${CMS_SECRET}` } })
  const [onTime, late] = [await handoffCode(), await handoffCode()]
  clock.aheadMs = 59_000
  t.equal((await redeem(onTime)).statusCode, 200, 'the control: redeemed within its 60 s')
  clock.aheadMs = 61_000
  expectRefusal(t, await redeem(late), 'HANDOFF_INVALID')
})

t.test('hosted logout ends the session here and at the hosted UI', async t => {
  const { app, user, config } = await setUp(t)
  const flow = await signInAtHostedUi(app, user, '?redirect=%2Flocal%2Fdemo')
  const signedIn = await app.inject({ method: 'GET', url: flow.callback, headers: { cookie: flow.loginCookie } })
  const session = cookieHeader(signedIn)

  const hostile = await app.inject({ method: 'GET', url: '/oauth/logout?redirect=' + encodeURIComponent('https://evil.example.net/') })
  expectRefusal(t, hostile, 'REDIRECT_NOT_ALLOWED')
  t.equal(hostile.headers.location, undefined)

  const first = await app.inject({ method: 'GET', url: '/oauth/logout?redirect=%2Flocal%2Fdemo', headers: { cookie: session } })
  t.equal(first.statusCode, 302)
  const next = new URL(String(first.headers.location))
  t.equal(next.pathname, '/auth/logout/hosted')
  t.equal(next.searchParams.get('redirect'), 'http://localhost:3000/local/demo')

  const second = await app.inject({ method: 'GET', url: next.pathname + next.search, headers: { cookie: session } })
  t.equal(second.statusCode, 302, second.body)
  const logout = new URL(String(second.headers.location))
  t.equal(`${logout.origin}${logout.pathname}`, `${config.hostedUiDomain}/logout`)
  t.equal(logout.searchParams.get('client_id'), config.pool.clientId)
  t.equal(logout.searchParams.get('logout_uri'), 'http://localhost:3000/local/demo')
  t.same(second.cookies.filter(c => c.value !== '').map(c => c.name), [], 'every session cookie cleared')

  const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie: session } })
  expectRefusal(t, me, 'TOKEN_INVALID')
  const refresh = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: session } })
  expectRefusal(t, refresh, 'SESSION_EXPIRED')
  const hosted = await fetch(logout, { redirect: 'manual' })
  t.equal(hosted.status, 302)
  t.equal(hosted.headers.get('location'), 'http://localhost:3000/local/demo')
})

t.test('against a real pool the hosted UI exists only with COGNITO_DOMAIN, and goes there', async t => {
  const off = await buildAwsApp(t)
  t.equal((await off.app.inject({ method: 'GET', url: '/oauth/login' })).statusCode, 404)

  const { app, config } = await buildAwsApp(t, {
    env: { COGNITO_DOMAIN: 'https://login.example.com', REDIRECT_ALLOWLIST: 'https://app.example.com/account/' }
  })
  const start = await app.inject({ method: 'GET', url: '/oauth/login' })
  t.equal(start.statusCode, 302)
  const authorize = new URL(String(start.headers.location))
  t.equal(`${authorize.origin}${authorize.pathname}`, 'https://login.example.com/oauth2/authorize')
  t.equal(authorize.searchParams.get('redirect_uri'), `${config.publicUrl.origin}/oauth/callback`)
  t.match(authorize.searchParams.get('state'), /^[0-9a-f]{32}_https:\/\/app\.example\.com\/account\/$/, 'no redirect: the first entry')
  const outside = await app.inject({ method: 'GET', url: '/oauth/login?redirect=%2Fadmin' })
  expectRefusal(t, outside, 'REDIRECT_NOT_ALLOWED', 'The redirect target is refused (path-not-allowed).')
})

t.test('a browser keeps at most three sign-ins in progress, each cookie small whatever the redirect', async t => {
  const { app, user } = await setUp(t)
  const jar = new Map<string, string>()
  const starts: LightMyRequestResponse[] = []
  for (let i = 0; i < 5; i++) {
    const long = '/local/demo?pad=' + 'x'.repeat(1900) + i
    const start = await app.inject({
      method: 'GET',
      url: '/oauth/login?redirect=' + encodeURIComponent(long),
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }
    })
    for (const c of start.cookies) {
      if (c.value === '') jar.delete(c.name)
      else jar.set(c.name, c.value)
    }
    t.ok(start.cookies.every(c => c.value.length < 400), 'the redirect is not in the cookie')
    starts.push(start)
  }
  t.equal(jar.size, 3, 'the two oldest attempts were dropped')

  const finish = async (index: number) => {
    const authorize = new URL(String(starts[index]?.headers.location))
    const posted = await submitHostedForm(authorize, user)
    const callback = new URL(String(posted.headers.get('location')))
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    return await app.inject({ method: 'GET', url: callback.pathname + callback.search, headers: { cookie } })
  }
  expectRefusal(t, await finish(0), 'OAUTH_STATE_INVALID')
  t.equal((await finish(4)).statusCode, 302, 'the newest completes')
})

t.test('an ID token carrying another nonce, or none, is refused at the callback', async t => {
  const { app, user } = await setUp(t)
  // The browser's sign-in, but the authorize request Cognito sees names another OIDC nonce (or none): the emulator's token
  // endpoint then returns an ID token, signed by the pool's key the verifier trusts, with that nonce.
  for (const nonce of ['another-nonce-of-the-attacker', undefined]) {
    const start = await app.inject({ method: 'GET', url: '/oauth/login?redirect=%2Flocal%2Fdemo' })
    const authorize = new URL(String(start.headers.location))
    if (nonce === undefined) authorize.searchParams.delete('nonce')
    else authorize.searchParams.set('nonce', nonce)
    const posted = await submitHostedForm(authorize, user)
    const callback = new URL(String(posted.headers.get('location')))
    const response = await app.inject({ method: 'GET', url: callback.pathname + callback.search, headers: { cookie: cookieHeader(start) } })
    expectRefusal(t, response, 'OAUTH_STATE_INVALID', 'The ID token was not issued for this sign-in (nonce).')
    t.equal(response.statusCode, 400)
    t.notOk(response.cookies.some(c => c.name.startsWith('bff_') && !c.name.startsWith('bff_oauth_') && c.value !== ''),
      `nonce ${String(nonce)}: no session`)
  }
})

t.test('external state: a callback without this browser\'s login cookie sets no session; only a hand-off site completes', async t => {
  const { app, user, config } = await setUp(t, { OAUTH_EXTERNAL_STATE: 'true' })
  // The attacker signs in at the hosted UI as themselves, with a state of their own, and keeps the code.
  const attackerCode = async (state: string) => {
    const authorize = new URL('/oauth2/authorize', config.hostedUiDomain)
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.pool.clientId,
      redirect_uri: config.oauth.callbackUrl,
      scope: 'openid aws.cognito.signin.user.admin',
      state
    }).toString()
    const posted = await submitHostedForm(authorize, user)
    return String(new URL(String(posted.headers.get('location'))).searchParams.get('code'))
  }
  // The victim's browser is sent to the callback with that code: no login cookie of this service.
  for (const state of ['anything_/local/demo', `${'0'.repeat(32)}_/local/demo`, 'anything_http://localhost:3000/local/demo']) {
    const code = await attackerCode(state)
    const response = await app.inject({ method: 'GET', url: '/oauth/callback?' + new URLSearchParams({ code, state }).toString() })
    expectRefusal(t, response, 'OAUTH_STATE_INVALID',
      'No sign-in was started here in this browser: a state this service did not make may only return to a hand-off site (HANDOFF_SITES).')
    t.equal(response.statusCode, 400)
    t.same(response.cookies, [], `${state}: no cookie at all`)
  }
  const error = await app.inject({ method: 'GET', url: '/oauth/callback?error=access_denied&state=anything_%2Flocal%2Fdemo' })
  expectRefusal(t, error, 'OAUTH_ERROR', 'The hosted UI answered access_denied.')

  const cmsState = `cms-nonce-1_${CMS}/done`
  const handoff = await app.inject({
    method: 'GET',
    url: '/oauth/callback?' + new URLSearchParams({ code: await attackerCode(cmsState), state: cmsState }).toString()
  })
  t.equal(handoff.statusCode, 302, 'the control: a hand-off site completes')
  t.ok(new URL(String(handoff.headers.location)).searchParams.get('handoff'), 'with a hand-off code')
  t.same(handoff.cookies, [], 'and no cookie')
})

t.test('logout CSRF: a cross-site navigation to a logout URL ends nothing and gets a page whose button POSTs', async t => {
  const { app, user } = await setUp(t)
  const flow = await signInAtHostedUi(app, user, '?redirect=%2Flocal%2Fdemo')
  const session = cookieHeader(await app.inject({ method: 'GET', url: flow.callback, headers: { cookie: flow.loginCookie } }))
  const crossSite = { cookie: session, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }

  for (const url of ['/oauth/logout?redirect=%2Flocal%2Fdemo', '/auth/logout/hosted?redirect=%2Flocal%2Fdemo']) {
    const page = await app.inject({ method: 'GET', url, headers: crossSite })
    t.equal(page.statusCode, 200, `${url}: a page`)
    t.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    t.equal(page.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
    t.equal(page.headers.location, undefined, `${url}: no redirect`)
    t.same(page.cookies, [], `${url}: no cookie cleared`)
    t.match(page.body, '<form method="post" action="/auth/logout/hosted?redirect=http%3A%2F%2Flocalhost%3A3000%2Flocal%2Fdemo">')
  }
  t.equal((await app.inject({ method: 'GET', url: '/me', headers: { cookie: session } })).statusCode, 200, 'still signed in')

  const foreign = await app.inject({
    method: 'POST', url: '/auth/logout/hosted?redirect=%2Flocal%2Fdemo', headers: { cookie: session, origin: 'https://evil.example' }
  })
  expectRefusal(t, foreign, 'ORIGIN_NOT_ALLOWED')
  const button = await app.inject({
    method: 'POST',
    url: '/auth/logout/hosted?redirect=http%3A%2F%2Flocalhost%3A3000%2Flocal%2Fdemo',
    // What the button sends: an empty urlencoded body.
    headers: { cookie: session, origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
    payload: ''
  })
  t.equal(button.statusCode, 302, button.body)
  t.match(String(button.headers.location), /\/logout\?client_id=/)
  t.same(button.cookies.filter(c => c.value !== '').map(c => c.name), [], 'the button signs out')
  const sameSite = await app.inject({ method: 'GET', url: '/oauth/logout?redirect=%2Flocal%2Fdemo', headers: { 'sec-fetch-site': 'same-origin' } })
  t.equal(sameSite.statusCode, 302, 'a same-origin navigation still goes straight through')
})

t.test('a hosted-UI sign-in (cookies or a hand-off) right after a sign-out everywhere works, in the mark\'s own second too', async t => {
  const { app, user } = await setUp(t)
  const PASSWORD_LOGIN = { username: user.username, password: user.password, tokenDelivery: 'body' }
  let sameSecond = 0
  for (let round = 1; round <= 6; round++) {
    const login = await app.inject({ method: 'POST', url: '/auth/login', payload: PASSWORD_LOGIN })
    const before = { authorization: `Bearer ${String(login.json().tokens.accessToken)}` }
    t.equal((await app.inject({ method: 'POST', url: '/me/signout-everywhere', headers: before })).statusCode, 204, `round ${round}: signed out`)
    const markSecond = Math.floor(Date.now() / 1000)
    const handOff = round % 2 === 0
    const flow = await signInAtHostedUi(app, user, handOff ? '?redirect=' + encodeURIComponent(`${CMS}/welcome`) : '')
    const callback = await app.inject({ method: 'GET', url: flow.callback, headers: { cookie: flow.loginCookie } })
    if (Math.floor(Date.now() / 1000) === markSecond) sameSecond++
    t.equal(callback.statusCode, 302, `round ${round}: the callback takes the new sign-in's tokens: ${callback.body}`)
    let headers: Record<string, string> = { cookie: cookieHeader(callback) }
    if (handOff) {
      const code = String(new URL(String(callback.headers.location)).searchParams.get('handoff'))
      const redeemed = await app.inject({
        method: 'POST', url: '/oauth/handoff', payload: { code }, headers: { authorization: `Bearer ${CMS_SECRET}` }
      })
      t.equal(redeemed.statusCode, 200, `round ${round}: redeemed`)
      headers = { authorization: `Bearer ${String(redeemed.json().tokens.accessToken)}` }
    }
    const how = handOff ? 'hand-off' : 'cookies'
    t.equal((await app.inject({ method: 'GET', url: '/me', headers })).statusCode, 200, `round ${round}: ${how}: the new session works`)
    const old = await app.inject({ method: 'GET', url: '/me', headers: before })
    t.equal(old.statusCode, 401, `round ${round}: the token from before the mark is refused`)
  }
  t.comment(`${sameSecond} of 6 callbacks were in the mark's second`)
  t.ok(sameSecond > 0, 'at least one callback fell in the mark\'s own second')
})
