/**
 * The e-mails local mode's in-process custom-message trigger writes, followed in Chromium as a person would:
 * the sign-up e-mail from /local/messages, rendered, its button clicked, lands on the confirm page, then in the
 * app confirmed; the forgot-password e-mail's button opens the reset page and the new password signs in; the demo
 * page offers the latest e-mail's link after a sign-up.
 */
import t from 'tap'
import type { Page } from 'playwright-core'
import { buildTestApp, freePort, PASSWORD, uniqueUsername } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, confirmedUser } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const browser = await launchChromium(t)

/** The newest message to `username`, read from /local/messages as a developer would. */
async function latestMessage (username: string): Promise<{ kind: string, subject: string, html: string }> {
  const answer = await fetch(`${origin}/local/messages?username=${encodeURIComponent(username)}`)
  const [message] = await answer.json() as Array<{ kind: string, subject: string, html: string }>
  if (message === undefined) throw new Error(`no message to ${username}`)
  return message
}

/** The e-mail shown in the page as a mail client would, and its button clicked. */
async function clickEmailButton (page: Page, html: string): Promise<void> {
  await page.setContent(html)
  await Promise.all([page.waitForURL(url => url.origin === origin), page.click('a')])
}

t.test('sign up, open the e-mail from /local/messages, click its button, confirm: in the app confirmed, then signed in', async t => {
  const username = uniqueUsername('mailbox')
  const payload = { username, password: PASSWORD, email: `${username}@example.com` }
  const signup = await app.inject({ method: 'POST', url: '/auth/signup', payload })
  t.equal(signup.statusCode, 201)
  const message = await latestMessage(username)
  t.match(message, { kind: 'SignUp', subject: 'Confirm your account' })

  const page = await (await openContext(t, browser)).newPage()
  await clickEmailButton(page, message.html)
  t.equal(new URL(page.url()).pathname, '/auth/signup/confirm', 'the button opens the confirm page')
  t.equal(await page.textContent('strong'), username, 'the page names the account')
  await Promise.all([page.waitForURL(`${origin}/local/demo?status=confirmed`), page.click('button')])
  t.match(await page.textContent('#status'), 'Your account is confirmed')

  await page.fill('form[data-action="login"] input[name="username"]', username)
  await page.fill('form[data-action="login"] input[name="password"]', PASSWORD)
  await page.click('form[data-action="login"] button')
  await page.waitForFunction(() => document.getElementById('who')?.textContent?.startsWith('Signed in as'))
  t.equal(await page.textContent('#who'), `Signed in as ${username}`, 'the confirmed account signs in')
})

t.test('forgot the password, click the e-mail\'s button, choose a new one: it signs in', async t => {
  const { username } = await confirmedUser('mail-reset')
  t.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })).statusCode, 202)
  const message = await latestMessage(username)
  t.equal(message.kind, 'ForgotPassword')

  const page = await (await openContext(t, browser)).newPage()
  await clickEmailButton(page, message.html)
  t.equal(new URL(page.url()).pathname, '/auth/password/reset', 'the button opens the reset page')
  await page.fill('input[name="password"]', 'Battery-Staple-7')
  await page.fill('input[name="confirm"]', 'Battery-Staple-7')
  await Promise.all([page.waitForURL(`${origin}/local/demo?status=password-reset`), page.click('button')])
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Battery-Staple-7' } })
  t.equal(login.statusCode, 200, 'the new password signs in')
})

t.test('the demo page shows the sign-up e-mail\'s link, which confirms', async t => {
  const username = uniqueUsername('demo-mail')
  const page = await (await openContext(t, browser)).newPage()
  await page.goto(`${origin}/local/demo`)
  await page.fill('form[data-action="signup"] input[name="username"]', username)
  await page.fill('form[data-action="signup"] input[name="email"]', `${username}@example.com`)
  await page.fill('form[data-action="signup"] input[name="password"]', PASSWORD)
  await page.click('form[data-action="signup"] button')
  const link = page.locator('#mail a')
  await link.waitFor()
  t.match(await page.textContent('#mail'), 'Confirm your account')
  await Promise.all([page.waitForURL(url => url.pathname === '/auth/signup/confirm'), link.click()])
  await Promise.all([page.waitForURL(`${origin}/local/demo?status=confirmed`), page.click('button')])
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(login.statusCode, 200)
})
