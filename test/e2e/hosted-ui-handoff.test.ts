/**
 * A hosted-UI sign-in that hands off to a site on another origin (HANDOFF_SITES),
 * as a real browser lives it (Debian's chromium, headless), from a fresh
 * context, so through the hosted UI's form: the form post's redirect chain
 * (form → /oauth/callback → the site) crosses two origins, and Chromium applies
 * the form's CSP form-action to every hop. The site (a second local HTTP
 * server) receives `?handoff=<code>` and redeems it at POST /oauth/handoff.
 * Needs `chromium` at /usr/bin/chromium (.ci/run installs it).
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildTestApp, freePort } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const SITE_SECRET = 'site-handoff-secret-of-at-least-32-chars'

/** The hand-off site: its /landing redeems the code with its back end's secret and shows who signed in. */
const redeemed: Array<{ code: string | null, status: number, body: { username?: string, tokens?: { accessToken?: string } } }> = []
let bff = ''
const site = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://site')
  if (url.pathname !== '/landing') {
    res.writeHead(404).end()
    return
  }
  const code = url.searchParams.get('handoff')
  fetch(`${bff}/oauth/handoff`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SITE_SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code })
  }).then(async response => {
    const body = await response.json() as (typeof redeemed)[number]['body']
    redeemed.push({ code, status: response.status, body })
    const page = `<!doctype html><title>Site</title><p id="who">${body.username ?? 'nobody'}</p>`
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page)
  }).catch((err: unknown) => res.writeHead(500).end(String(err)))
})
site.listen(0, '127.0.0.1')
await once(site, 'listening')
t.teardown(() => { site.close() })
const siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`

const port = await freePort()
const origin = `http://localhost:${port}`
bff = origin
const { app, local, config } = await buildTestApp(t, {
  env: { PUBLIC_URL: origin, REDIRECT_ALLOWLIST: siteOrigin, HANDOFF_SITES: `${siteOrigin}=${SITE_SECRET}` }
})
await app.listen({ port, host: '127.0.0.1' })
const hosted = new URL(config.hostedUiDomain).origin
const browser = await launchChromium(t)

t.test('a first sign-in through the hosted UI\'s form hands off to a site on another origin, which redeems the code', async t => {
  const context = await openContext(t, browser)
  const page = await context.newPage()
  const csp: string[] = []
  page.on('console', message => { if (message.text().includes('Content Security Policy')) csp.push(message.text()) })
  const navigations: string[] = []
  page.on('request', request => { if (request.isNavigationRequest()) navigations.push(request.url().split('?')[0]!) })

  await page.goto(`${origin}/oauth/login?redirect=${encodeURIComponent(`${siteOrigin}/landing`)}`)
  await page.waitForURL(url => url.origin === hosted && url.pathname === '/oauth2/authorize')
  await page.fill('input[name="username"]', local.demoUser.username)
  await page.fill('input[name="password"]', local.demoUser.password)
  // Until the site is reached, or a CSP violation stops the chain (then fail at once, showing it).
  const blocked = page.waitForEvent('console', { predicate: message => message.text().includes('Content Security Policy') })
  blocked.catch(() => {})
  await page.getByRole('button', { name: 'Sign in' }).click()
  await Promise.race([page.waitForURL(url => url.origin === siteOrigin), blocked])

  if (!t.same(csp, [], 'no Content Security Policy violation: the form\'s CSP lets the redirect chain through')) return
  t.same(navigations, [
    `${origin}/oauth/login`, `${hosted}/oauth2/authorize`, `${hosted}/oauth2/authorize`, `${origin}/oauth/callback`, `${siteOrigin}/landing`
  ], '/oauth/login → form → form post → /oauth/callback → the site')
  const arrived = new URL(page.url())
  t.equal(arrived.origin + arrived.pathname, `${siteOrigin}/landing`, 'the browser is on the hand-off site')
  t.match(arrived.searchParams.get('handoff'), /\S/, 'with ?handoff=<code>')
  t.notMatch(page.url(), /eyJ/, 'no token in the URL')
  t.equal(redeemed.length, 1, 'the site redeemed one code')
  t.match(redeemed[0], { code: arrived.searchParams.get('handoff'), status: 200, body: { username: local.demoUser.username, tokens: { accessToken: /^eyJ/ } } })
  t.equal(await page.locator('#who').textContent(), local.demoUser.username, 'the site shows who signed in')
  t.same((await context.cookies()).filter(c => c.domain === 'localhost' && !c.name.startsWith('bff_oauth_')), [], 'no session cookies for a hand-off')
})
