import { createHash } from 'node:crypto'
import t from 'tap'
import { buildAwsApp, buildTestApp, expectProblem, PASSWORD, uniqueUsername } from '../../helper.js'
import { fileTimeout } from '../../helpers/timeouts.js'

// Dozens of emulator round trips: 100-140 s on a busy machine, past tap's default for one file (see fileTimeout).
t.setTimeout(fileTimeout(30_000))

t.test('/local/messages lists what Cognito would have sent, newest first', async t => {
  const { app } = await buildTestApp(t)
  const username = uniqueUsername('mail')
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  await app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username } })
  const messages = (await app.inject({ method: 'GET', url: `/local/messages?username=${username}` })).json()
  t.equal(messages.length, 2)
  t.match(messages[0], { kind: 'ResendCode', username, destination: `${username}@example.com`, medium: 'EMAIL', code: /^\d{6}$/ })
  t.match(messages[1], { kind: 'SignUp', username })
  t.ok(messages[0].id > messages[1].id, 'newest first')
  const all = (await app.inject({ method: 'GET', url: '/local/messages' })).json()
  t.ok(all.length >= 2)
})

t.test('the local landing page shows the confirmation result, escaped', async t => {
  const { app } = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/local/demo?error=<script>x</script>' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, 'That did not work: &#60;script&#62;x&#60;/script&#62;.')
  t.notMatch(page.body, '<script>x')
})

t.test('local routes do not exist outside local mode', async t => {
  const { app } = await buildAwsApp(t)
  for (const url of ['/local/messages', '/local/demo']) {
    const response = await app.inject({ method: 'GET', url })
    expectProblem(t, response, 'NOT_FOUND', { detail: `No route for GET ${url}.` })
  }
})

t.test('the demo page runs the typed client as one inline ES module, allowed by its hash and nothing else', async t => {
  const { app } = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/local/demo' })
  const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)]
  t.equal(scripts.length, 1, 'one script')
  t.equal(scripts[0]![1], ' type="module"')
  const hash = createHash('sha256').update(scripts[0]![2]!).digest('base64')
  t.match(page.headers['content-security-policy'], `script-src 'sha256-${hash}';`)
  t.match(scripts[0]![2], 'cognito-bff.session', 'the client (its session hint) is in it')
})
