/**
 * The demo page's admin view in a real browser (Debian's chromium, headless):
 * the demo admin signs in with the page's form, finds a user, sees their
 * groups, disables and enables them and resets their MFA, all through the
 * page's forms over the /admin API with its cookies.
 */
import t from 'tap'
import { buildTestApp, freePort } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

// Measured idle: about 20 s (a browser).
t.setTimeout(fileTimeout(30_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, local, confirmedUser } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const browser = await launchChromium(t)

t.test('the demo admin finds a user, sees their groups, disables, enables and resets their MFA', async t => {
  const { username } = await confirmedUser('helpme')
  const page = await (await openContext(t, browser)).newPage()
  const errors: string[] = []
  page.on('console', message => { if (message.type() === 'error') errors.push(message.text()) })
  await page.goto(`${origin}/local/demo`)

  await page.fill('form[data-action="login"] input[name="username"]', local.demoAdmin.username)
  await page.fill('form[data-action="login"] input[name="password"]', local.demoAdmin.password)
  await page.click('form[data-action="login"] button')
  await page.waitForFunction(() => document.getElementById('who')?.textContent?.startsWith('Signed in as'))

  await page.fill('#admin-find input[name="username"]', username)
  await page.click('#admin-find button')
  await page.click(`#admin-results button:text-is("${username}")`)
  await page.waitForFunction(() => document.getElementById('admin-user')?.textContent !== '')
  t.equal(await page.textContent('#admin-user'), `${username} (enabled), MFA: none`)
  t.equal(await page.textContent('#admin-groups'), 'Groups: none')
  // Their sessions, through the client (GET /admin/users/{username}/sessions): the one a sign-in began, or why not.
  await page.waitForFunction(() => !document.getElementById('admin-sessions')?.hidden)
  t.match(await page.textContent('#admin-sessions'), /^Sessions: \S/, 'the user\'s sessions shown')

  // Into a group through the API, then seen on the page.
  const admin = local.demoAdmin
  const res = await page.evaluate(async ({ group, user }) => (await fetch(`/admin/groups/${group}/users/${user}`,
    { method: 'PUT', credentials: 'same-origin' })).status, { group: admin.group, user: username })
  t.equal(res, 200)

  await page.click('button[data-admin="disable"]')
  await page.waitForFunction(() => document.getElementById('admin-user')?.textContent?.includes('(disabled)'))
  t.match(await page.textContent('#admin-out'), /^disable: 200 .*"tokensRevoked":true/)
  t.equal(await page.textContent('#admin-groups'), `Groups: ${admin.group}`)

  await page.click('button[data-admin="enable"]')
  await page.waitForFunction(() => document.getElementById('admin-user')?.textContent?.includes('(enabled)'))

  await page.click('button[data-admin="mfa/reset"]')
  await page.waitForFunction(() => document.getElementById('admin-out')?.textContent?.startsWith('mfa/reset: 200'))
  t.match(await page.textContent('#admin-out'), /"status":"mfa-reset"/)
  // The page's first GET /me, before signing in, is a 401 the console reports; nothing else may be.
  t.same(errors.filter(error => !error.includes('status of 401')), [], 'no other console error (the CSP let the module run)')
  t.ok(errors.length <= 1, 'at most the one 401 (the client does not refresh a session the page never had)')
})
