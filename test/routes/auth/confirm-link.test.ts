import t from 'tap'
import { buildTestApp, expectProblem, PASSWORD, uniqueUsername } from '../../helper.js'
import { fileTimeout } from '../../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const { app, latestCode, local } = await buildTestApp(t)
const OWN_PAGE = { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' }

async function signUp (username: string) {
  const signup = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: 'someone@example.com' } })
  t.equal(signup.statusCode, 201, signup.body)
}
const link = (username: string, code: string) => `/auth/signup/confirm?${new URLSearchParams({ username, code })}`
/** The fields the page's form would POST, from the page itself. */
function formOf (page: string): string {
  const form = /<form method="post" action="([^"]+)">(.*)<\/form>/.exec(page)
  if (!form) throw new Error(`no form in ${page}`)
  t.equal(form[1], '/auth/signup/confirm/link', 'the form posts to the button route')
  const fields = [...form[2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)]
  t.same(fields.map(([, name]) => name), ['confirmation'], 'one field: the sealed username and code')
  return new URLSearchParams(fields.map(([, name, value]) => [name!, value!])).toString()
}
const loginWorks = async (username: string) =>
  (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).statusCode === 200

t.test('the e-mail link answers a page and spends nothing; twice (a scanner, then the person) and the button still confirms', async t => {
  const username = uniqueUsername('link')
  await signUp(username)
  const code = latestCode(username)
  const scanner = await app.inject({ method: 'GET', url: link(username, code) })
  t.equal(scanner.statusCode, 200)
  t.equal(scanner.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(scanner.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
  t.equal(scanner.headers['referrer-policy'], 'same-origin', 'the button\'s POST carries this origin, not "null"')
  t.equal(scanner.headers['cache-control'], 'no-store')
  t.notMatch(scanner.body, /<script/i, 'no script')
  t.notMatch(scanner.body, code, 'the page does not show the code')
  t.match(scanner.body, '<button type="submit">Confirm</button>')
  t.notOk(await loginWorks(username), 'the GET confirmed nothing')

  const person = await app.inject({ method: 'GET', url: link(username, code) })
  t.equal(person.statusCode, 200, 'the second GET shows the page again (sealed afresh)')
  const button = await app.inject({ method: 'POST', url: '/auth/signup/confirm/link', headers: OWN_PAGE, payload: formOf(person.body) })
  t.equal(button.statusCode, 303, button.body)
  t.equal(button.headers.location, 'http://localhost:3000/local/demo?status=confirmed')
  t.ok(await loginWorks(username), 'confirmed')

  const again = await app.inject({ method: 'POST', url: '/auth/signup/confirm/link', headers: OWN_PAGE, payload: formOf(person.body) })
  t.equal(again.headers.location, 'http://localhost:3000/local/demo?error=CODE_MISMATCH', 'an account already confirmed reads like a wrong code')
})

t.test('a wrong code: the button redirects with the error', async t => {
  const username = uniqueUsername('wrong')
  await signUp(username)
  const page = await app.inject({ method: 'GET', url: link(username, '000000x') })
  const button = await app.inject({ method: 'POST', url: '/auth/signup/confirm/link', headers: OWN_PAGE, payload: formOf(page.body) })
  t.equal(button.statusCode, 303)
  t.equal(button.headers.location, 'http://localhost:3000/local/demo?error=CODE_MISMATCH')
})

t.test('a username with +, @ and other reserved characters round-trips from the encoded link through the form', async t => {
  const username = 'a+b@example.com'
  await signUp(username)
  const page = await app.inject({ method: 'GET', url: link(username, latestCode(username)) })
  t.match(page.body, '<strong>a+b@example.com</strong>')
  const form = formOf(page.body)
  const button = await app.inject({ method: 'POST', url: '/auth/signup/confirm/link', headers: OWN_PAGE, payload: form })
  t.equal(button.headers.location, 'http://localhost:3000/local/demo?status=confirmed', button.body)
  t.ok(await loginWorks(username))

  const quoted = await app.inject({ method: 'GET', url: link('x"><script>&\'', '123456') })
  t.match(quoted.body, '<strong>x&#34;&#62;&#60;script&#62;&#38;&#39;</strong>', 'escaped in the page')
})

t.test('the button from another origin is refused, cookies or not; the code is not spent', async t => {
  const username = uniqueUsername('csrf')
  await signUp(username)
  const form = formOf((await app.inject({ method: 'GET', url: link(username, latestCode(username)) })).body)
  const withCookie = await app.inject({
    method: 'POST', url: '/auth/signup/confirm/link', headers: { ...OWN_PAGE, origin: 'https://evil.example', cookie: 'bff_access=x' }, payload: form
  })
  expectProblem(t, withCookie, 'ORIGIN_NOT_ALLOWED', { detail: 'Cookie-authenticated requests must come from an allowed origin (CORS_ORIGINS).' })
  const refusals: Array<[string, Record<string, string>]> = [
    ['another origin, no cookie', { ...OWN_PAGE, origin: 'https://evil.example' }],
    ['Origin: null', { ...OWN_PAGE, origin: 'null' }],
    ['a sibling subdomain (same-site)', { ...OWN_PAGE, origin: 'http://app.localhost:3000', 'sec-fetch-site': 'same-site' }],
    ['no Origin, but Sec-Fetch-Site: cross-site', { 'content-type': OWN_PAGE['content-type'], 'sec-fetch-site': 'cross-site' }]
  ]
  t.equal(refusals.length, 4)
  for (const [name, headers] of refusals) {
    const refused = await app.inject({ method: 'POST', url: '/auth/signup/confirm/link', headers, payload: form })
    expectProblem(t, refused, 'ORIGIN_NOT_ALLOWED', { detail: 'The confirmation button works only from the page the e-mail link opens.' })
    t.pass(name)
  }
  t.notOk(await loginWorks(username), 'nothing was confirmed')
  const own = await app.inject({ method: 'POST', url: '/auth/signup/confirm/link', headers: OWN_PAGE, payload: form })
  t.equal(own.headers.location, 'http://localhost:3000/local/demo?status=confirmed', 'the control: from our own page it confirms')
})

t.test('the button route: one sealed field, which must open', async t => {
  const post = (payload: string) => app.inject({ method: 'POST', url: '/auth/signup/confirm/link', headers: OWN_PAGE, payload })
  const refused = (field: string, message: string) => ({ detail: `${field}: ${message}`, errors: [{ field, message }] })
  const sealed = new URLSearchParams(formOf((await app.inject({ method: 'GET', url: link('someone', '123456') })).body)).get('confirmation')!
  const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`
  const notOpening = refused('/body/confirmation', 'does not open: open the link in the e-mail again')
  expectProblem(t, await post(''), 'VALIDATION_FAILED', refused('/body/confirmation', 'is required'))
  expectProblem(t, await post(`confirmation=${sealed}&confirmation=${sealed}`), 'VALIDATION_FAILED', refused('/body/confirmation', 'must be string'))
  expectProblem(t, await post(`confirmation=${sealed}&username=a`), 'VALIDATION_FAILED', refused('/body/username', 'is not a known field'))
  expectProblem(t, await post(`confirmation=${flipped}`), 'VALIDATION_FAILED', notOpening)
  expectProblem(t, await post('confirmation=v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 'VALIDATION_FAILED', notOpening)
  const cookie = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: local.demoUser.password } }))
    .cookies.find(c => c.name === 'bff_id')!.value
  expectProblem(t, await post(`confirmation=${cookie}`), 'VALIDATION_FAILED', notOpening)
  t.pass('a value this service sealed for another purpose (a session cookie) does not open either')
})

t.test('a link carrying the app\'s redirect lands there after the button; one off the allowlist is dropped for the configured page', async t => {
  for (const [redirect, landing] of [
    ['/app/welcome?from=mail', 'http://localhost:3000/app/welcome?from=mail&status=confirmed'],
    ['https://evil.example/phish', 'http://localhost:3000/local/demo?status=confirmed']
  ] as const) {
    const username = uniqueUsername('back')
    await signUp(username)
    const page = await app.inject({ method: 'GET', url: `${link(username, latestCode(username))}&${new URLSearchParams({ redirect })}` })
    t.equal(page.statusCode, 200, page.body)
    t.notMatch(page.body, /evil|welcome/, 'the page does not show the target either (it is sealed)')
    const button = await app.inject({ method: 'POST', url: '/auth/signup/confirm/link', headers: OWN_PAGE, payload: formOf(page.body) })
    t.equal(button.statusCode, 303)
    t.equal(button.headers.location, landing, `${redirect} → ${landing}`)
  }
})
