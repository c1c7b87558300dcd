/**
 * The password-reset e-mail's link: a page (spends nothing) whose form, from
 * our own origin only, sets the new password with the sealed username and code.
 */
import { CognitoIdentityProviderClient, ConfirmForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import t from 'tap'
import { createCognitoGateway } from '../../../src/cognito/gateway.js'
import { buildAwsApp, buildTestApp, expectProblem, PASSWORD } from '../../helper.js'
import { COGNITO_TIMEOUT_MS, fileTimeout } from '../../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const { app, latestCode, confirmedUser } = await buildTestApp(t)
const OWN_PAGE = { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' }
const NEW_PASSWORD = 'Battery-Staple-7'

/** A confirmed user who asked for a reset; their code. */
async function forgotten (username?: string): Promise<{ username: string, code: string }> {
  if (username === undefined) username = (await confirmedUser('reset')).username
  const forgot = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })
  t.equal(forgot.statusCode, 202)
  return { username, code: latestCode(username) }
}
const link = (username: string, code: string) => `/auth/password/reset?${new URLSearchParams({ username, code })}`
/** The sealed field of the page's form, from the page itself. */
function sealedOf (page: string): string {
  const form = /<form method="post" action="([^"]+)">(.*)<\/form>/.exec(page)
  if (!form) throw new Error(`no form in ${page}`)
  t.equal(form[1], '/auth/password/reset/link', 'the form posts to the form route')
  const hidden = [...form[2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)]
  t.same(hidden.map(([, name]) => name), ['reset'], 'one hidden field: the sealed username and code')
  t.same([...form[2]!.matchAll(/<input type="password" name="(\w+)"/g)].map(([, name]) => name), ['password', 'confirm'])
  return hidden[0]![2]!
}
const submit = (reset: string, password = NEW_PASSWORD, confirm = password, headers: Record<string, string> = OWN_PAGE) =>
  app.inject({ method: 'POST', url: '/auth/password/reset/link', headers, payload: new URLSearchParams({ reset, password, confirm }).toString() })
const signsInWith = async (username: string, password: string) =>
  (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })).statusCode === 200

t.test('the link answers a page and spends nothing; its form sets the password and lands on the configured page', async t => {
  const { username, code } = await forgotten()
  const scanner = await app.inject({ method: 'GET', url: link(username, code) })
  t.equal(scanner.statusCode, 200)
  t.equal(scanner.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(scanner.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
  t.equal(scanner.headers['referrer-policy'], 'same-origin', 'the form\'s POST carries this origin, not "null"')
  t.equal(scanner.headers['cache-control'], 'no-store')
  t.notMatch(scanner.body, /<script/i, 'no script')
  t.notMatch(scanner.body, code, 'the page does not show the code')
  t.ok(await signsInWith(username, PASSWORD), 'the GET changed nothing')

  const person = await app.inject({ method: 'GET', url: link(username, code) })
  const done = await submit(sealedOf(person.body))
  t.equal(done.statusCode, 303, done.body)
  t.equal(done.headers.location, 'http://localhost:3000/local/demo?status=password-reset')
  t.ok(await signsInWith(username, NEW_PASSWORD), 'the new password signs in')
  t.notOk(await signsInWith(username, PASSWORD), 'the old one does not')
})

t.test('two passwords that differ, a policy failure, a wrong code: the form again, naming it; nothing changes', async t => {
  const { username, code } = await forgotten()
  const sealed = sealedOf((await app.inject({ method: 'GET', url: link(username, code) })).body)
  const differ = await submit(sealed, NEW_PASSWORD, `${NEW_PASSWORD}x`)
  t.equal(differ.statusCode, 200)
  t.match(differ.body, '<p role="alert">The two passwords differ; type the same one twice.</p>')
  t.equal(sealedOf(differ.body), sealed, 'the form again, with the same sealed field')

  const weak = await submit(sealed, 'short')
  t.equal(weak.statusCode, 200)
  t.match(weak.body, /<p role="alert">The password does not meet the password policy\. [^<]+<code>INVALID_PASSWORD<\/code><\/p>/, 'the policy\'s message')
  t.notMatch(weak.body, 'short', 'the refused password is not echoed')

  const wrong = sealedOf((await app.inject({ method: 'GET', url: link(username, '000000') })).body)
  const mismatch = await submit(wrong)
  t.equal(mismatch.statusCode, 200)
  t.match(mismatch.body, /<p role="alert">The code is wrong\.[^<]*<code>CODE_MISMATCH<\/code><\/p>/)
  t.ok(await signsInWith(username, PASSWORD), 'the password is unchanged')

  const fixed = await submit(sealed)
  t.equal(fixed.headers.location, 'http://localhost:3000/local/demo?status=password-reset', 'the right code still works afterwards')
})

t.test('wrong codes count against the account\'s code budget, as POST /auth/password/reset does', async t => {
  const { app: limited, latestCode: codeOf, confirmedUser: userOf } = await buildTestApp(t, { env: { ACCOUNT_CODE_FAILURES: '2' } })
  const { username } = await userOf('budget')
  t.equal((await limited.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })).statusCode, 202)
  const code = codeOf(username)
  const pageOf = async (c: string) => /name="reset" value="([^"]+)"/.exec((await limited.inject({ method: 'GET', url: link(username, c) })).body)![1]!
  const post = async (reset: string) => await limited.inject({
    method: 'POST',
    url: '/auth/password/reset/link',
    headers: OWN_PAGE,
    payload: new URLSearchParams({ reset, password: NEW_PASSWORD, confirm: NEW_PASSWORD }).toString()
  })
  for (let i = 0; i < 2; i++) t.match((await post(await pageOf('000000'))).body, '<code>CODE_MISMATCH</code>')
  const locked = await post(await pageOf(code))
  t.match(locked.body, '<code>TOO_MANY_ATTEMPTS</code>', 'the right code after the budget is spent: refused on the form')
})

t.test('a username with +, @ and other reserved characters round-trips from the encoded link through the form', async t => {
  const username = 'a+b@example.com'
  const signup = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: username } })
  t.equal(signup.statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: latestCode(username) } })).statusCode, 200)
  const { code } = await forgotten(username)
  const page = await app.inject({ method: 'GET', url: link(username, code) })
  t.match(page.body, '<strong>a+b@example.com</strong>')
  const done = await submit(sealedOf(page.body))
  t.equal(done.headers.location, 'http://localhost:3000/local/demo?status=password-reset', done.body)
  t.ok(await signsInWith(username, NEW_PASSWORD))

  const quoted = await app.inject({ method: 'GET', url: link('x"><script>&\'', '123456') })
  t.match(quoted.body, '<strong>x&#34;&#62;&#60;script&#62;&#38;&#39;</strong>', 'escaped in the page')
})

t.test('the form from another origin is refused, cookies or not; nothing changes', async t => {
  const { username, code } = await forgotten()
  const sealed = sealedOf((await app.inject({ method: 'GET', url: link(username, code) })).body)
  const refusals: Array<[string, Record<string, string>]> = [
    ['another origin, no cookie', { ...OWN_PAGE, origin: 'https://evil.example' }],
    ['Origin: null', { ...OWN_PAGE, origin: 'null' }],
    ['a sibling subdomain (same-site)', { ...OWN_PAGE, origin: 'http://app.localhost:3000', 'sec-fetch-site': 'same-site' }],
    ['no Origin, but Sec-Fetch-Site: cross-site', { 'content-type': OWN_PAGE['content-type'], 'sec-fetch-site': 'cross-site' }]
  ]
  for (const [name, headers] of refusals) {
    expectProblem(t, await submit(sealed, NEW_PASSWORD, NEW_PASSWORD, headers), 'ORIGIN_NOT_ALLOWED',
      { detail: 'The password form works only from the page the e-mail link opens.' })
    t.pass(name)
  }
  const withCookie = await submit(sealed, NEW_PASSWORD, NEW_PASSWORD, { ...OWN_PAGE, origin: 'https://evil.example', cookie: 'bff_access=x' })
  t.equal(withCookie.statusCode, 403)
  t.ok(await signsInWith(username, PASSWORD), 'nothing changed')
  t.equal((await submit(sealed)).statusCode, 303, 'the control: from our own page it works')
})

t.test('the form route: its fields, the sealed one must open (a confirmation link\'s seal does not)', async t => {
  const post = (payload: string) => app.inject({ method: 'POST', url: '/auth/password/reset/link', headers: OWN_PAGE, payload })
  const refused = (field: string, message: string) => ({ detail: `${field}: ${message}`, errors: [{ field, message }] })
  const confirmPage = await app.inject({ method: 'GET', url: `/auth/signup/confirm?${new URLSearchParams({ username: 'someone', code: '123456' })}` })
  const otherSeal = /name="confirmation" value="([^"]+)"/.exec(confirmPage.body)![1]!
  const sealed = sealedOf((await app.inject({ method: 'GET', url: link('someone', '123456') })).body)
  const fields = (reset: string) => new URLSearchParams({ reset, password: NEW_PASSWORD, confirm: NEW_PASSWORD }).toString()
  expectProblem(t, await post(fields(otherSeal)), 'VALIDATION_FAILED', refused('/body/reset', 'does not open: open the link in the e-mail again'))
  expectProblem(t, await post(`reset=${sealed}&password=${NEW_PASSWORD}`), 'VALIDATION_FAILED', refused('/body/confirm', 'is required'))
  expectProblem(t, await post(`${fields(sealed)}&username=a`), 'VALIDATION_FAILED', refused('/body/username', 'is not a known field'))
})

t.test('a link carrying the app\'s redirect lands there after the form; a redirect off the allowlist is dropped for the configured page', async t => {
  for (const [redirect, landing] of [
    ['/app/account', 'http://localhost:3000/app/account?status=password-reset'],
    ['https://evil.example/phish', 'http://localhost:3000/local/demo?status=password-reset']
  ] as const) {
    const { username, code } = await forgotten()
    const page = await app.inject({ method: 'GET', url: `${link(username, code)}&${new URLSearchParams({ redirect })}` })
    t.equal(page.statusCode, 200, page.body)
    const done = await submit(sealedOf(page.body))
    t.equal(done.statusCode, 303, done.body)
    t.equal(done.headers.location, landing, `${redirect} → ${landing}`)
  }
})

t.test('(mocked SDK: AWS mode, where RESET_DONE_URL may be unset) without a page: a done page; with one: its query kept', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  cognito.on(ConfirmForgotPasswordCommand).resolves({})
  const envs: Array<Record<string, string>> = [{}, { RESET_DONE_URL: 'https://app.example.com/account?from=mail' }]
  for (const env of envs) {
    const { app: aws, config } = await buildAwsApp(t, {
      env,
      gateway: c => createCognitoGateway({ pool: c.pool, loginFlow: c.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
    })
    const page = await aws.inject({ method: 'GET', url: link('alice', '123456') })
    const reset = /name="reset" value="([^"]+)"/.exec(page.body)![1]!
    const done = await aws.inject({
      method: 'POST',
      url: '/auth/password/reset/link',
      headers: { ...OWN_PAGE, origin: config.publicUrl.origin },
      payload: new URLSearchParams({ reset, password: NEW_PASSWORD, confirm: NEW_PASSWORD }).toString()
    })
    if (env.RESET_DONE_URL === undefined) {
      t.equal(done.statusCode, 200)
      t.equal(done.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
      t.match(done.body, '<h1>Password set</h1><p>Your new password is set: sign in with it.</p>')
    } else {
      t.equal(done.statusCode, 303)
      t.equal(done.headers.location, 'https://app.example.com/account?from=mail&status=password-reset')
    }
  }
  const input = cognito.commandCalls(ConfirmForgotPasswordCommand)[0]?.args[0].input
  t.match(input, { Username: 'alice', ConfirmationCode: '123456', Password: NEW_PASSWORD })
})
