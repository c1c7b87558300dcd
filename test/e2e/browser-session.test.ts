/**
 * The session as a real browser lives it (Debian's chromium, headless): the
 * page signs in with fetch, never sees a token, and logout leaves nothing
 * usable behind. Needs `chromium` on PATH (.ci/run installs it).
 */
import t from 'tap'
import { buildTestApp, freePort } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

// Measured idle: about 20 s (a browser).
t.setTimeout(fileTimeout(20_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, local } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })

const browser = await launchChromium(t)

t.test('a page signs in with fetch; tokens stay in httpOnly cookies it cannot read', async t => {
  const context = await openContext(t, browser)
  const page = await context.newPage()
  await page.goto(`${origin}/local/demo`)

  const call = (path: string, body?: unknown) => page.evaluate(async ({ path, body }) => {
    const init: RequestInit = { method: body === undefined && !path.startsWith('/auth') ? 'GET' : 'POST', credentials: 'include' }
    if (body !== undefined) init.headers = { 'content-type': 'application/json' }
    if (body !== undefined) init.body = JSON.stringify(body)
    const response = await fetch(path, init)
    const text = await response.text()
    return { status: response.status, body: text === '' ? null : JSON.parse(text) }
  }, { path, body })

  const login = await call('/auth/login', { username: local.demoUser.username, password: local.demoUser.password })
  t.equal(login.status, 200)
  t.equal(login.body.status, 'authenticated')
  t.equal(login.body.tokens, undefined)
  t.equal(await page.evaluate(() => document.cookie), '', 'page script sees no cookie at all')

  const cookies = await context.cookies()
  t.same(cookies.map(c => c.name).sort(), ['bff_access', 'bff_id', 'bff_refresh'])
  for (const cookie of cookies) {
    t.equal(cookie.httpOnly, true, `${cookie.name} httpOnly`)
    t.equal(cookie.sameSite, 'Lax', `${cookie.name} SameSite=Lax`)
  }
  t.equal(cookies.find(c => c.name === 'bff_refresh')?.path, '/auth')

  const me = await call('/me')
  t.equal(me.status, 200)
  t.equal(me.body.username, 'demo')

  const refresh = await call('/auth/refresh')
  t.equal(refresh.status, 200, 'refresh needs no body: the browser sends the refresh cookie to /auth')
  t.equal(refresh.body.tokens, undefined)

  const logout = await call('/auth/logout')
  t.equal(logout.status, 204)
  t.same(await context.cookies(), [], 'logout leaves no cookie in the browser')
  t.equal((await call('/me')).status, 401)
  await context.close()
})

t.test('a page on another site cannot use the session', async t => {
  const context = await openContext(t, browser)
  const page = await context.newPage()
  await page.goto(`${origin}/local/demo`)
  await page.evaluate(async ({ username, password }) => {
    await fetch('/auth/login', {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password })
    })
  }, { username: local.demoUser.username, password: local.demoUser.password })

  // 127.0.0.1 is another site than localhost: SameSite cookies stay home and CORS hides the answer.
  await page.goto(`http://127.0.0.1:${port}/local/demo`)
  const result = await page.evaluate(async (target) => {
    try {
      const response = await fetch(`${target}/me`, { credentials: 'include' })
      return `status ${response.status}`
    } catch (err) {
      return `blocked: ${(err as Error).name}`
    }
  }, origin)
  t.equal(result, 'blocked: TypeError', 'the foreign page cannot read /me')
  await context.close()
})
