/**
 * The password-reset e-mail's link in Chromium: open it, type the new
 * password twice, press the button (its POST carries our origin, which the
 * origin check lets through), land on the configured page, sign in with it.
 */
import t from 'tap'
import { buildTestApp, freePort } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(20_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, latestCode, confirmedUser } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const browser = await launchChromium(t)

t.test('open the reset link, type the new password, press the button: the new password signs in', async t => {
  const { username } = await confirmedUser('browser-reset')
  t.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })).statusCode, 202)
  const link = `${origin}/auth/password/reset?${new URLSearchParams({ username, code: latestCode(username) })}`

  const context = await openContext(t, browser)
  const page = await context.newPage()
  await page.goto(link)
  t.equal(await page.textContent('strong'), username, 'the page names the account')
  await page.fill('input[name="password"]', 'Battery-Staple-7')
  await page.fill('input[name="confirm"]', 'Battery-Staple-7')
  const posted = page.waitForRequest(request => request.method() === 'POST')
  await page.click('button')
  t.equal(await (await posted).headerValue('origin'), origin, 'the form\'s POST carries our origin')
  await page.waitForURL(`${origin}/local/demo?status=password-reset`)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Battery-Staple-7' } })
  t.equal(login.statusCode, 200, 'the new password signs in')
  await context.close()
})
