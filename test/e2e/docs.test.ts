/**
 * /docs in Chromium: Swagger UI loads (its scripts pass the CSP), renders
 * the operations of the served document, and expands one with its answers
 * and their schemas resolved through `$ref`s: no console error, no page
 * error, no failed request, no resolver error shown.
 */
import t from 'tap'
import { buildTestApp, freePort } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

// Measured idle: about 10 s (a browser, Swagger UI's bundle).
t.setTimeout(fileTimeout(20_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const browser = await launchChromium(t)

t.test('/docs renders the operations and expands one, its references resolved, without an error', async t => {
  const page = await (await openContext(t, browser)).newPage()
  const errors: string[] = []
  page.on('console', message => { if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`) })
  page.on('pageerror', error => errors.push(`page error: ${error.message}`))
  page.on('requestfailed', request => errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`))
  page.on('response', response => { if (response.status() >= 400) errors.push(`${response.status()}: ${response.url()}`) })

  await page.goto(`${origin}/docs`)
  // Swagger UI names an operation's block operations-<tag>-<operationId>.
  const login = page.locator('#operations-session-login')
  await login.locator('.opblock-summary-description', { hasText: 'Sign in with username and password' }).waitFor()
  t.ok(await page.locator('#operations-admin-adminDisableUser').isVisible(), 'an operation of another tag')

  await login.locator('.opblock-summary').click()
  // The answers' examples, built from their schemas through the $refs: the sign-in result (SignInResult, then
  // Authenticated) and a shared problem answer (components.responses, then the code's schema, then Problem).
  const example = (status: number) => login.locator(`tr.response[data-code="${status}"] .highlight-code`)
  await example(200).waitFor()
  t.match(await example(200).textContent(), /"status": "authenticated"/, 'the 200 answer, its schema resolved')
  const problem = await example(400).textContent()
  t.match(problem, /"code": "VALIDATION_FAILED"/, 'the 400 answer, shared, its code\'s schema resolved')
  t.match(problem, /"instance": "string"/, 'and Problem, through it')
  t.match(await login.locator('tr.response[data-code="400"] .response-col_description').textContent(), /The request is not valid\./)

  t.equal(await page.locator('.errors-wrapper').count(), 0, 'no resolver or parser error shown')
  t.same(errors, [], 'no console error, page error or failed request')
})
