/**
 * The local Cognito's refusals as the service answers them: what AWS would
 * refuse (and the local layer refuses for the emulator) reaches the client as
 * the catalog's problem. The refusals themselves, at the SDK, are the
 * package's tests (packages/local-cognito/test/).
 */
import { AdminCreateUserCommand, AdminDisableUserCommand, RevokeTokenCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { buildTestApp, cookieHeader, expectProblem, PASSWORD, uniqueUsername } from '../helper.js'
import { sdkFor } from '../helpers/emulator-sdk.js'

const { app, local, config, confirmedUser } = await buildTestApp(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool

t.test('confirming a confirmed user or an unknown one both read as a wrong code: confirmation tells nobody which accounts exist', async t => {
  const { username } = await confirmedUser('confirmed')
  const known = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: '123456' } })
  const unknown = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username: uniqueUsername('ghost'), code: '123456' } })
  expectProblem(t, known, 'CODE_MISMATCH')
  expectProblem(t, unknown, 'CODE_MISMATCH')
})

t.test('the sign-up answers 400 INVALID_PASSWORD with Cognito\'s rule', async t => {
  const username = uniqueUsername('weak')
  const payload = { username, password: 'Password1', email: `${username}@example.com` }
  const response = await app.inject({ method: 'POST', url: '/auth/signup', payload })
  expectProblem(t, response, 'INVALID_PASSWORD', { detail: 'Password did not conform with policy: Password must have symbol characters' })
})

t.test('an undefined custom attribute is 400 INVALID_PARAMETER', async t => {
  const username = uniqueUsername('api')
  const response = await app.inject({
    method: 'POST',
    url: '/auth/signup',
    payload: { username, password: PASSWORD, email: `${username}@example.com`, attributes: { 'custom:nope': 'x' } }
  })
  expectProblem(t, response, 'INVALID_PARAMETER')
})

t.test('an invited user signing in with a guessed temporary password is 401 INVALID_CREDENTIALS', async t => {
  const username = uniqueUsername('invited')
  const email = [{ Name: 'email', Value: `${username}@example.com` }]
  await sdk.send(new AdminCreateUserCommand({ UserPoolId, Username: username, DesiredDeliveryMediums: ['EMAIL'], UserAttributes: email }))
  const viaApi = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Guess-1234!' } })
  expectProblem(t, viaApi, 'INVALID_CREDENTIALS')
})

t.test('a disabled user signing in with the right password is 401 INVALID_CREDENTIALS', async t => {
  const { username } = await confirmedUser('disabled')
  await sdk.send(new AdminDisableUserCommand({ UserPoolId, Username: username }))
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  expectProblem(t, response, 'INVALID_CREDENTIALS')
})

t.test('GET /me with a revoked access token is 401 TOKEN_INVALID', async t => {
  const { username } = await confirmedUser('api')
  const loggedIn = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  const { tokens } = loggedIn.json()
  t.equal(loggedIn.statusCode, 200)
  // Revoked at Cognito behind the service's back (as another app's logout would). Not read before: a profile read
  // within USER_CACHE_SECONDS would be answered from the user cache (docs/operations.md, "Cognito quotas").
  await sdk.send(new RevokeTokenCommand({ ClientId, Token: tokens.refreshToken }))
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${tokens.accessToken}` } })
  expectProblem(t, me, 'TOKEN_INVALID')
})

t.test('usernames that name built-in object members are ordinary users (found by the fuzzer)', async t => {
  const { app, latestCode } = await buildTestApp(t)
  for (const username of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const forgot = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })
    t.equal(forgot.statusCode, 202, `forgot for ${username} is the uniform 202, not an emulator failure`)
    const confirm = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: '123456' } })
    t.equal(confirm.json().code, 'CODE_MISMATCH', `${username} does not exist yet`)
    const payload = { username, password: 'Correct-Horse-9', email: 'x@example.com' }
    const signUp = await app.inject({ method: 'POST', url: '/auth/signup', payload })
    t.equal(signUp.statusCode, 201, `${username} can sign up`)
    const confirmed = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: latestCode(username) } })
    t.equal(confirmed.statusCode, 200, `${username} can confirm`)
  }
  const demo = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: 'Passw0rd!demo' } })
  t.equal(demo.statusCode, 200, 'the pool is intact')
})

t.test('with LOCAL_CLIENT_SECRET=true the whole app works end to end: sign-up, confirm, login, refresh, logout', async t => {
  const { app, latestCode } = await buildTestApp(t, { env: { LOCAL_CLIENT_SECRET: 'true' } })
  const username = uniqueUsername('secret')
  const payload = { username, password: PASSWORD, email: `${username}@example.com` }
  const signUp = await app.inject({ method: 'POST', url: '/auth/signup', payload })
  t.equal(signUp.statusCode, 201, signUp.body)
  const confirm = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: latestCode(username) } })
  t.equal(confirm.statusCode, 200, confirm.body)
  const loggedIn = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(loggedIn.statusCode, 200, loggedIn.body)
  t.equal(loggedIn.json().status, 'authenticated')
  const cookie = cookieHeader(loggedIn)
  const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie } })
  t.equal(me.statusCode, 200, me.body)
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie } })
  t.equal(refreshed.statusCode, 200, refreshed.body)
  const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } })
  t.equal(logout.statusCode, 204)
  const again = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie } })
  t.equal(again.statusCode, 401, 'logout revoked the refresh token (RevokeToken with the client secret worked)')
})
