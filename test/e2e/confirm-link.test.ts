/**
 * The confirmation e-mail's link in Chromium: opening it spends nothing; the
 * page's button POSTs from our own origin (the origin check lets it through)
 * and lands on the configured page confirmed.
 */
import t from 'tap'
import { buildTestApp, freePort, PASSWORD } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(20_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, latestCode } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const browser = await launchChromium(t)

t.test('a scanner opens the link, then the person opens it and presses Confirm: confirmed', async t => {
  const username = 'a+b@example.com'
  const signup = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: username } })
  t.equal(signup.statusCode, 201)
  const link = `${origin}/auth/signup/confirm?${new URLSearchParams({ username, code: latestCode(username) })}`

  const scanner = await fetch(link)
  t.equal(scanner.status, 200, 'the scanner gets the page')

  const context = await openContext(t, browser)
  const page = await context.newPage()
  await page.goto(link)
  t.equal(await page.textContent('strong'), username, 'the page names the account')
  const posted = page.waitForRequest(request => request.method() === 'POST')
  await page.click('button')
  const request = await posted
  t.equal(await request.headerValue('origin'), origin, 'the button\'s POST carries our origin')
  await page.waitForURL(`${origin}/local/demo?status=confirmed`)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(login.statusCode, 200, 'the account is confirmed')
  await context.close()
})
