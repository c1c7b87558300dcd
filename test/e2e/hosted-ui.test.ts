/**
 * Hosted-UI sign-in as a real browser lives it (Debian's chromium, headless):
 * the demo page's "Sign in with the hosted UI" goes through /oauth/login, the
 * local hosted UI's form on the emulator's origin and /oauth/callback, and
 * comes back signed in with httpOnly cookies; the hosted session signs the
 * browser in again without the form (SSO) until the hosted logout ends it;
 * hostile redirects and forged callbacks never take the browser off the
 * allowlist; the page's own forms work; no page breaks its CSP.
 * Needs `chromium` at /usr/bin/chromium (.ci/run installs it).
 */
import type { BrowserContext, Cookie, Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { buildTestApp, freePort, PASSWORD } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

// Measured idle: about 35 s (a browser, many navigations).
t.setTimeout(fileTimeout(40_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, local, config, latestCode } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const hosted = new URL(config.hostedUiDomain).origin
const demo = `${origin}/local/demo`
const EVIL = 'evil.example.net'

// A name that never resolves, without asking any DNS server: an attempt shows as a failed request.
const browser = await launchChromium(t, [`--host-resolver-rules=MAP ${EVIL} ~NOTFOUND`])

interface Session {
  context: BrowserContext
  page: Page
  /** Every URL any page of the context requested (each redirect hop too), in order, with the page that asked. */
  requests: Array<{ url: string, page: Page }>
  /** The first page's main-frame navigation requests (each redirect hop too), in order. */
  navigations: string[]
  /** Every response any page of the context got (each redirect too), in order. */
  responses: Array<{ method: string, url: string, status: number, location?: string }>
  /** Console messages about the Content Security Policy, from every page. */
  csp: string[]
  /** Uncaught errors in page scripts. */
  errors: string[]
}

/** A fresh context and page that record what they request and every CSP violation and script error. */
async function open (t: Test): Promise<Session> {
  const context = await openContext(t, browser)
  const requests: Session['requests'] = []
  const navigations: string[] = []
  const responses: Session['responses'] = []
  const csp: string[] = []
  const errors: string[] = []
  context.on('page', page => {
    page.on('console', message => { if (message.text().includes('Content Security Policy')) csp.push(message.text()) })
    page.on('pageerror', err => errors.push(err.message))
  })
  const page = await context.newPage()
  context.on('request', request => {
    const frame = request.frame()
    requests.push({ url: request.url(), page: frame.page() })
    if (request.isNavigationRequest() && frame === page.mainFrame()) navigations.push(request.url())
  })
  context.on('response', response => {
    const { location } = response.headers()
    const answer = { method: response.request().method(), url: response.url(), status: response.status() }
    responses.push(location === undefined ? answer : { ...answer, location })
  })
  return { context, page, requests, navigations, responses, csp, errors }
}

/** The end of every test: no CSP violation, no script error, nothing sent towards evil.example.net. */
function checkClean (t: Test, session: Session): void {
  t.same(session.csp, [], 'no Content Security Policy violation on any page')
  t.same(session.errors, [], 'no script error on any page')
  t.same(session.requests.filter(({ url }) => new URL(url).hostname === EVIL), [], `no request to ${EVIL} was even attempted`)
}

/** Waits until the demo page's #who says exactly `text` (the page's own GET /me has answered). */
async function whoIs (page: Page, text: string): Promise<string | null> {
  await page.locator('#who', { hasText: new RegExp(`^${text}$`) }).waitFor()
  return await page.locator('#who').textContent()
}

/** True when the page is the hosted UI's sign-in form. */
async function onHostedForm (page: Page): Promise<boolean> {
  const url = new URL(page.url())
  return url.origin === hosted && url.pathname === '/oauth2/authorize' && await page.locator('input[type="password"]').count() === 1
}

/** Clicks the demo page's hosted-UI link and waits for the hosted UI's form. */
async function toHostedForm (page: Page): Promise<void> {
  await page.click('#hosted-login')
  await page.waitForURL(url => url.origin === hosted && url.pathname === '/oauth2/authorize')
  await page.locator('input[name="password"]').waitFor()
}

/** Fills and submits the hosted UI's form; resolves once the browser is back on the demo page. */
async function submitHostedForm (page: Page, user: { username: string, password: string }): Promise<void> {
  await page.fill('input[name="username"]', user.username)
  await page.fill('input[name="password"]', user.password)
  const committed = page.waitForEvent('framenavigated', { predicate: frame => frame === page.mainFrame() })
  await page.getByRole('button', { name: 'Sign in' }).click()
  await committed
  if (page.url() !== demo) {
    const shown = (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim()
    throw new Error(`the hosted sign-in did not come back to the demo page: ${page.url()} shows "${shown}"`)
  }
}

/** The statuses of the answers to the page's own GET /me, from `from` on. */
function meStatuses (session: Session, from = 0): number[] {
  return session.responses.slice(from).filter(r => r.method === 'GET' && r.url === `${origin}/me`).map(r => r.status)
}

/** From the demo page, all the way through the hosted UI's form and back, signed in as the demo user. */
async function hostedSignIn (page: Page): Promise<void> {
  await page.goto(demo)
  await whoIs(page, 'Not signed in')
  await toHostedForm(page)
  await submitHostedForm(page, local.demoUser)
  await whoIs(page, 'Signed in as demo')
}

/** The cookies this service set (localhost), any path. */
async function bffCookies (context: BrowserContext): Promise<Cookie[]> {
  return (await context.cookies()).filter(cookie => cookie.domain === 'localhost')
}

/** The hosted UI's own session cookie on the emulator's origin. */
async function hostedCookie (context: BrowserContext): Promise<Cookie | undefined> {
  return (await context.cookies()).find(cookie => cookie.domain === '127.0.0.1' && cookie.name === 'cognito')
}

/** The page's own fetch of a path (same origin, with its cookies). */
async function call (page: Page, method: string, path: string): Promise<number> {
  return await page.evaluate(async ({ method, path }) => (await fetch(path, { method, credentials: 'same-origin' })).status, { method, path })
}

t.test('the demo page signs in through the hosted UI and comes back with httpOnly cookies only', async t => {
  const session = await open(t)
  const { page, context } = session
  await page.goto(demo)
  t.equal(await whoIs(page, 'Not signed in'), 'Not signed in')

  await toHostedForm(page)
  t.ok(await onHostedForm(page), 'the hosted UI\'s form, on the emulator\'s origin')
  const login = (await bffCookies(context)).filter(cookie => cookie.name.startsWith('bff_oauth_'))
  t.equal(login.length, 1, 'one login cookie while the sign-in is under way')
  t.match(login[0], { path: '/oauth', httpOnly: true, sameSite: 'Lax' }, 'the login cookie: /oauth only, httpOnly, SameSite=Lax')
  const authorize = new URL(page.url()).searchParams
  t.equal(authorize.get('redirect_uri'), `${origin}/oauth/callback`)
  t.equal(authorize.get('code_challenge_method'), 'S256')
  t.match(authorize.get('state'), new RegExp(`^[0-9a-f]{32}_${demo.replaceAll('.', '\\.')}$`), 'state = <nonce>_<the checked redirect>')

  const before = session.responses.length
  await submitHostedForm(page, local.demoUser)
  t.equal(page.url(), demo, 'back on the demo page')
  t.equal(await whoIs(page, 'Signed in as demo'), 'Signed in as demo')
  t.same(meStatuses(session, before), [200], 'the page\'s own GET /me is answered 200')
  t.same(session.navigations.map(url => url.split('?')[0]), [
    demo, `${origin}/oauth/login`, `${hosted}/oauth2/authorize`, `${hosted}/oauth2/authorize`, `${origin}/oauth/callback`, demo
  ], 'demo page → /oauth/login → form → form post → /oauth/callback → demo page')

  t.equal(await page.evaluate(() => document.cookie), '', 'the page\'s script sees no cookie at all')
  const cookies = await bffCookies(context)
  t.same(cookies.map(c => c.name).sort(), ['bff_access', 'bff_id', 'bff_refresh'], 'the session cookies, and the login cookie is gone')
  for (const cookie of cookies) t.equal(cookie.httpOnly, true, `${cookie.name} httpOnly`)
  t.equal(cookies.find(c => c.name === 'bff_refresh')?.path, '/auth', 'the refresh cookie goes to /auth only')
  t.equal((await hostedCookie(context))?.httpOnly, true, 'the hosted UI keeps its own (httpOnly) session on its origin')
  checkClean(t, session)
})

t.test('a second sign-in rides the hosted session: no form', async t => {
  const session = await open(t)
  const { page, context } = session
  await hostedSignIn(page)
  const first = (await bffCookies(context)).find(c => c.name === 'bff_access')?.value

  // Signing out here only (POST /auth/logout) ends this service's session, not the hosted UI's.
  await page.click('#logout')
  await whoIs(page, 'Not signed in')
  t.same(await bffCookies(context), [], 'no session here any more')

  const navigationsBefore = session.navigations.length
  const responsesBefore = session.responses.length
  const committed = page.waitForEvent('framenavigated', { predicate: frame => frame === page.mainFrame() })
  await page.click('#hosted-login')
  await committed
  if (!t.equal(page.url(), demo, 'the next page shown is the demo page again, not the form')) return
  t.equal(await whoIs(page, 'Signed in as demo'), 'Signed in as demo')
  t.same(meStatuses(session, responsesBefore), [200], 'the page\'s own GET /me on return: signed in')
  const authorize = session.responses.slice(responsesBefore).filter(r => r.url.startsWith(`${hosted}/oauth2/authorize`))
  t.match(authorize, [{ method: 'GET', status: 302, location: new RegExp(`^${origin}/oauth/callback\\?code=`) }], 'authorize answered with a code')
  t.equal(authorize.length, 1, 'and only once: no form, no form post')
  t.same(session.navigations.slice(navigationsBefore).map(url => url.split('?')[0]), [
    `${origin}/oauth/login`, `${hosted}/oauth2/authorize`, `${origin}/oauth/callback`, demo
  ], 'straight through: /oauth/login → authorize → /oauth/callback → demo page')
  const second = (await bffCookies(context)).find(c => c.name === 'bff_access')?.value
  t.ok(second !== undefined && second !== first, 'a new session was issued')
  t.same((await bffCookies(context)).map(c => c.name).sort(), ['bff_access', 'bff_id', 'bff_refresh'], 'no login cookie left behind')
  checkClean(t, session)
})

t.test('the hosted logout ends both sessions and comes back to the demo page', async t => {
  const session = await open(t)
  const { page, context } = session
  await hostedSignIn(page)
  const refresh = (await bffCookies(context)).find(c => c.name === 'bff_refresh')
  t.ok(refresh, 'signed in with a refresh cookie')
  t.ok(await hostedCookie(context), 'and a hosted session')

  const navigationsBefore = session.navigations.length
  const responsesBefore = session.responses.length
  await page.click('#hosted-logout')
  t.equal(await whoIs(page, 'Not signed in'), 'Not signed in')
  t.equal(page.url(), demo, 'ends on the demo page')
  t.same(session.responses.slice(responsesBefore).filter(r => r.url.startsWith(`${hosted}/logout?`)), [{
    method: 'GET', url: `${hosted}/logout?client_id=${config.pool.clientId}&logout_uri=${encodeURIComponent(demo)}`, status: 302, location: demo
  }], 'the hosted UI\'s /logout was reached and sent the browser back to the demo page')
  t.same(session.navigations.slice(navigationsBefore).map(url => url.split('?')[0]), [
    `${origin}/oauth/logout`, `${origin}/auth/logout/hosted`, `${hosted}/logout`, demo
  ], '/oauth/logout → /auth/logout/hosted → the hosted UI\'s /logout → demo page')
  t.same(await bffCookies(context), [], 'no cookie of this service is left')
  t.equal(await hostedCookie(context), undefined, 'the hosted UI\'s session cookie is cleared')

  // The refresh token was revoked, not only forgotten by the browser.
  if (refresh) await context.addCookies([refresh])
  t.equal(await call(page, 'POST', '/auth/refresh'), 401, 'the old refresh cookie no longer refreshes')
  await context.clearCookies({ domain: 'localhost' })

  // The hosted session is over: the next sign-in asks for the password again.
  await toHostedForm(page)
  t.ok(await onHostedForm(page), 'the form is shown again')
  checkClean(t, session)
})

t.test('a sign-in started with a hostile redirect never leaves this service\'s origin', async t => {
  const session = await open(t)
  const { page, context } = session
  const hostile = [
    `https://${EVIL}/`,
    `//${EVIL}/`,
    `/\\${EVIL}`,
    'javascript:alert(1)',
    `http://localhost:${port}@${EVIL}/`,
    `http://localhost:${port}.${EVIL}/`,
    `https:${EVIL}`,
    `/\t/${EVIL}`
  ]
  // Each as a link would encode it, and as raw query characters (the browser sends them as typed).
  const queries = [
    ...hostile.map(target => encodeURIComponent(target)),
    ...hostile.filter(target => !target.includes('\t')),
    `%2F%2F${EVIL}`,
    `%2F%5C${EVIL}`,
    `%252F%252F${EVIL}`
  ]
  for (const query of queries) {
    const response = await page.goto(`${origin}/oauth/login?redirect=${query}`)
    t.equal(response?.status(), 400, `${query}: 400`)
    t.equal(response?.headers()['content-type'], 'application/problem+json; charset=utf-8', `${query}: a problem`)
    const problem = response?.headers()['content-type']?.startsWith('application/problem+json') === true ? await response.json() : undefined
    t.equal(problem?.code, 'REDIRECT_NOT_ALLOWED', `${query}: REDIRECT_NOT_ALLOWED`)
    t.equal(new URL(page.url()).origin, origin, `${query}: the browser stays on this service's origin`)
  }
  const elsewhere = session.requests.filter(request => new URL(request.url).origin !== origin)
  t.same(elsewhere, [], `nothing was requested from any other origin (not the hosted UI, not ${EVIL})`)
  t.same((await bffCookies(context)).map(c => c.name), [], 'no login cookie was set for any of them')

  // The recorder sees cross-origin hops: an allowed redirect does go on to the hosted UI.
  await page.goto(`${origin}/oauth/login?redirect=%2Flocal%2Fdemo`)
  t.ok(await onHostedForm(page), 'an allowed redirect goes on to the hosted UI\'s form')
  t.ok(session.requests.some(request => request.url.startsWith(`${hosted}/oauth2/authorize`)), 'and that hop was recorded')
  checkClean(t, session)
})

t.test('a forged callback is refused and never redirects', async t => {
  const session = await open(t)
  const { page } = session
  const forged = async (query: string, code: string): Promise<void> => {
    const response = await page.goto(`${origin}/oauth/callback?${query}`)
    t.equal(response?.status(), 400, `${query}: 400`)
    t.equal(response?.headers()['content-type'], 'application/problem+json; charset=utf-8')
    const problem = response?.headers()['content-type']?.startsWith('application/problem+json') === true ? await response.json() : undefined
    t.equal(problem?.code, code, `${query}: ${code}`)
    t.equal(page.url(), `${origin}/oauth/callback?${query}`, 'the browser stays on the callback')
  }
  const zeros = '0'.repeat(32)
  await forged(`code=x&state=${zeros}_https://${EVIL}/`, 'OAUTH_STATE_INVALID')
  await forged(`error=access_denied&state=${zeros}_https://${EVIL}/`, 'OAUTH_ERROR')

  // This browser's real sign-in nonce, with the redirect swapped: the login cookie remembers the real one.
  for (const query of ['code=x', 'error=access_denied']) {
    await page.goto(demo)
    await toHostedForm(page)
    const nonce = new URL(page.url()).searchParams.get('state')?.split('_')[0] ?? ''
    t.match(nonce, /^[0-9a-f]{32}$/)
    await forged(`${query}&state=${nonce}_https://${EVIL}/`, 'OAUTH_STATE_INVALID')
  }
  t.same(session.requests.filter(({ url }) => url.startsWith(`${origin}/oauth/callback`)).length, 4, 'only the four forged callbacks')
  checkClean(t, session)
})

t.test('the demo page\'s forms: sign up, confirm, sign in, /me, sign out', async t => {
  const session = await open(t)
  const { page, context } = session
  const username = `e2e${Date.now()}`
  const form = (action: string) => page.locator(`form[data-action="${action}"]`)
  const out = async (label: string): Promise<string | null> => {
    await page.locator('#out', { hasText: new RegExp(`^${label}: `) }).waitFor()
    return await page.locator('#out').textContent()
  }
  await page.goto(demo)
  await whoIs(page, 'Not signed in')

  await form('signup').locator('[name="username"]').fill(username)
  await form('signup').locator('[name="email"]').fill(`${username}@example.com`)
  await form('signup').locator('[name="password"]').fill(PASSWORD)
  await form('signup').getByRole('button').click()
  t.match(await out('signup'), /^signup: 201\n/, 'signed up')

  await form('confirm').locator('[name="username"]').fill(username)
  await form('confirm').locator('[name="code"]').fill(latestCode(username))
  await form('confirm').getByRole('button').click()
  t.match(await out('confirm'), /^confirm: 200\n/, 'confirmed')
  t.equal(await whoIs(page, 'Not signed in'), 'Not signed in', 'confirming does not sign in')

  await form('login').locator('[name="username"]').fill(username)
  await form('login').locator('[name="password"]').fill(PASSWORD)
  await form('login').getByRole('button').click()
  t.match(await out('login'), /^login: 200\n/, 'signed in')
  t.equal(await whoIs(page, `Signed in as ${username}`), `Signed in as ${username}`)
  t.notMatch(await page.locator('#out').textContent(), /eyJ/, 'no token is shown to the page')
  t.same((await bffCookies(context)).map(c => c.name).sort(), ['bff_access', 'bff_id', 'bff_refresh'])

  await page.click('#me')
  const me = await out('GET /me')
  t.match(me, /^GET \/me: 200\n/, '/me answers')
  t.equal(JSON.parse(me?.slice(me.indexOf('\n') + 1) ?? 'null')?.username, username)

  await page.click('#logout')
  t.match(await out('logout'), /^logout: 204\n/, 'signed out')
  t.equal(await whoIs(page, 'Not signed in'), 'Not signed in')
  t.same(await bffCookies(context), [], 'no cookie left')
  checkClean(t, session)
})

t.test('the demo page runs its script under its CSP, and a CSP violation would be seen', async t => {
  const session = await open(t)
  const { page } = session
  const response = await page.goto(demo)
  t.match(response?.headers()['content-security-policy'], /script-src( 'sha256-[\w+/]+=*')+;/, 'the scripts are allowed by their hashes only')
  t.equal(await whoIs(page, 'Not signed in'), 'Not signed in', 'the inline script ran (its hash matches)')
  await page.click('#me')
  await page.locator('#out', { hasText: /^GET \/me: 401\n/ }).waitFor()
  t.same(session.csp, [], 'no Content Security Policy violation')
  t.same(session.errors, [], 'no script error')

  // The listener works: a script the CSP does not allow is refused, and the console says so.
  const violation = page.waitForEvent('console', message => message.text().includes('Content Security Policy'))
  await page.evaluate(() => {
    const script = document.createElement('script')
    script.textContent = 'document.title = "injected"'
    document.body.append(script)
  })
  await violation
  t.equal(session.csp.length, 1, 'an injected inline script is reported as a CSP violation')
  t.not(await page.title(), 'injected', 'and did not run')
})
