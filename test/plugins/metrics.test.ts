import t from 'tap'
import { buildTestApp, expectProblem, PASSWORD } from '../helper.js'

const TOKEN = 'metrics-token-of-at-least-32-characters'
const scrape = (app: Awaited<ReturnType<typeof buildTestApp>>['app'], authorization?: string) =>
  app.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } })

/** The value of one sample line, e.g. value(text, 'x_total{result="ok"}'); undefined when absent. */
function value (text: string, sample: string): number | undefined {
  const line = text.split('\n').find(l => l.startsWith(`${sample} `))
  return line === undefined ? undefined : Number(line.slice(sample.length + 1))
}

t.test('without METRICS_TOKEN there is no /metrics route', async t => {
  const { app } = await buildTestApp(t)
  expectProblem(t, await scrape(app, `Bearer ${TOKEN}`), 'NOT_FOUND', { detail: 'No route for GET /metrics.' })
})

t.test('METRICS_TOKEN must be 32 characters or more', async t => {
  await t.rejects(buildTestApp(t, { env: { METRICS_TOKEN: 'short' } }), /METRICS_TOKEN.*32/s)
})

t.test('/metrics answers only the bearer of METRICS_TOKEN', async t => {
  const { app } = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN } })
  for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, TOKEN, `Basic ${TOKEN}`]) {
    const refused = await scrape(app, authorization)
    expectProblem(t, refused, 'UNAUTHENTICATED', { detail: 'Send Authorization: Bearer <METRICS_TOKEN>.' })
    t.equal(refused.headers['www-authenticate'], 'Bearer', `${String(authorization)}: WWW-Authenticate`)
  }
  const ok = await scrape(app, `Bearer ${TOKEN}`)
  t.equal(ok.statusCode, 200)
  t.match(ok.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  t.match(ok.body, /^process_cpu_user_seconds_total /m, 'the default process metrics')
})

t.test('requests by route pattern, Cognito calls by operation and outcome, token checks by result, JWKS fetches', async t => {
  const { app, confirmedUser } = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN } })
  const { username } = await confirmedUser('metrics')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  t.equal(login.statusCode, 200)
  const failed = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Wrong-Horse-9' } })
  t.equal(failed.statusCode, 401)
  const { accessToken } = login.json().tokens as { accessToken: string }
  t.equal((await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token: accessToken } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token: `${accessToken}x` } })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/problems/token-invalid?utm=secret-value' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/no/such/path/12345' })).statusCode, 404)

  const { body } = await scrape(app, `Bearer ${TOKEN}`)
  const requests = 'cognito_bff_http_request_duration_seconds_count'
  t.equal(value(body, `${requests}{method="POST",route="/auth/login",status="200"}`), 1, 'the login')
  t.equal(value(body, `${requests}{method="POST",route="/auth/login",status="401"}`), 1, 'the failed login')
  t.equal(value(body, `${requests}{method="GET",route="/problems/:code",status="200"}`), 1, 'by route pattern')
  t.equal(value(body, `${requests}{method="GET",route="unmatched",status="404"}`), 1, 'no route: unmatched')
  t.notMatch(body, 'token-invalid', 'never the raw URL')
  t.notMatch(body, 'secret-value', 'nor its query')
  t.notMatch(body, '12345')

  const cognito = 'cognito_bff_cognito_requests_total'
  t.equal(value(body, `${cognito}{operation="InitiateAuth",outcome="ok"}`), 1, 'the login\'s InitiateAuth')
  t.equal(value(body, `${cognito}{operation="InitiateAuth",outcome="NotAuthorizedException"}`), 1, 'the failed one, by exception')
  t.equal(value(body, `${cognito}{operation="SignUp",outcome="ok"}`), 1)
  t.equal(value(body, `${cognito}{operation="ConfirmSignUp",outcome="ok"}`), 1)
  t.equal(value(body, 'cognito_bff_cognito_request_duration_seconds_count{operation="InitiateAuth"}'), 2)

  t.equal(value(body, 'cognito_bff_token_verifications_total{result="ok"}'), 1)
  t.equal(value(body, 'cognito_bff_token_verifications_total{result="invalid"}'), 1)
  t.ok((value(body, 'cognito_bff_jwks_fetches_total') ?? 0) >= 1, 'the JWKS fetched at start')
  t.equal(value(body, 'cognito_bff_jwks_fetch_failures_total'), 0)
})

t.test('two apps in one process count apart', async t => {
  const first = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN } })
  const second = await buildTestApp(t, { env: { METRICS_TOKEN: TOKEN } })
  for (let i = 0; i < 3; i++) await first.app.inject({ method: 'GET', url: '/healthz' })
  await second.app.inject({ method: 'GET', url: '/healthz' })
  const healthz = 'cognito_bff_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}'
  t.equal(value((await scrape(first.app, `Bearer ${TOKEN}`)).body, healthz), 3)
  t.equal(value((await scrape(second.app, `Bearer ${TOKEN}`)).body, healthz), 1)
})
