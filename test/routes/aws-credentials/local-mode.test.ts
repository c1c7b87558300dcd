/**
 * POST /me/aws-credentials in local mode (the embedded emulator): there is no
 * identity pool, so a signed-in user, by the session cookie or a bearer token
 * and ID token, is told so and how to configure a real one: 501
 * IDENTITY_POOL_NOT_CONFIGURED, and nothing that looks like credentials.
 */
import t from 'tap'
import { buildTestApp, cookieHeader, expectProblem } from '../../helper.js'

const { app, config, confirmedUser } = await buildTestApp(t)

const NOT_CONFIGURED = 'No identity pool is configured (IDENTITY_POOL_ID), so no AWS credentials are handed out. Local mode has none: ' +
  'run against a real user pool (COGNITO_USER_POOL_ID) with an identity pool that lists it as a provider, and set IDENTITY_POOL_ID.'

t.test('local mode: a signed-in user gets 501 IDENTITY_POOL_NOT_CONFIGURED with the how-to, and no credentials', async t => {
  const { username, password } = await confirmedUser('creds')
  const browser = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
  t.equal(browser.statusCode, 200, browser.body)
  const cookie = cookieHeader(browser)
  t.ok((await app.inject({ method: 'GET', url: '/me', headers: { cookie } })).statusCode === 200, 'the cookie signs the user in')

  const byCookie = await app.inject({
    method: 'POST', url: '/me/aws-credentials', headers: { cookie, origin: new URL(config.publicUrl).origin }, payload: {}
  })
  expectProblem(t, byCookie, 'IDENTITY_POOL_NOT_CONFIGURED', { detail: NOT_CONFIGURED })
  t.same(byCookie.cookies, [], 'no cookie set')

  const client = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })).json()
  const byBearer = await app.inject({
    method: 'POST',
    url: '/me/aws-credentials',
    headers: { authorization: `Bearer ${String(client.tokens.accessToken)}` },
    payload: { idToken: client.tokens.idToken }
  })
  expectProblem(t, byBearer, 'IDENTITY_POOL_NOT_CONFIGURED', { detail: NOT_CONFIGURED })
  for (const res of [byCookie, byBearer]) {
    t.notMatch(res.body, /accessKeyId|secretAccessKey|sessionToken|ASIA[A-Z0-9]{16}/, 'nothing that looks like credentials')
  }
})
