/**
 * Logout CSRF's answer in Chromium: a link on another site to a logout URL
 * ends nothing and shows a page; its Sign out button then ends the session.
 * The button's form POST must carry this origin (a no-referrer policy makes
 * Chromium send `Origin: null`, which the origin check refuses).
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildTestApp, freePort } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(20_000))

const port = await freePort()
const origin = `http://localhost:${port}`
// Another site: 127.0.0.1 is not the same site as localhost.
const site = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    .end(`<!doctype html><title>Elsewhere</title><a id="out" href="${origin}/oauth/logout">a tempting link</a>`)
})
site.listen(0, '127.0.0.1')
await once(site, 'listening')
t.teardown(() => { site.close() })
const elsewhere = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`

const { app, local } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const browser = await launchChromium(t)

t.test('a link from another site shows the sign-out page; its button, pressed, signs out', async t => {
  const context = await openContext(t, browser)
  // A page of the service's own origin (its /docs allows fetch) to sign in and ask /me from.
  const probe = await context.newPage()
  await probe.goto(`${origin}/docs`)
  const me = async () => await probe.evaluate(async () => (await fetch('/me')).status)
  const signedIn = await probe.evaluate(async (user) => (await fetch('/auth/login', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user)
  })).status, { username: local.demoUser.username, password: local.demoUser.password })
  t.equal(signedIn, 200, 'signed in')
  const page = await context.newPage()

  await page.goto(elsewhere)
  await page.click('#out')
  await page.waitForURL(url => url.pathname === '/oauth/logout')
  t.match(await page.textContent('body'), /asked to sign you out/, 'the page, not a sign-out')
  t.equal(await me(), 200, 'the session is still alive')

  const posted = page.waitForRequest(request => request.method() === 'POST')
  await page.click('button')
  const request = await posted
  t.equal(await request.headerValue('origin'), origin, 'the button\'s POST carries this origin')
  const answer = await request.response()
  t.not(answer?.status(), 403, 'the origin check lets it through')
  t.equal(await me(), 401, 'signed out')
  t.notOk((await context.cookies(origin)).some(cookie => cookie.name.startsWith('bff_access')), 'the session cookies are gone')
  await context.close()
})
