/**
 * The signed-in user's own account, end to end in local mode (the emulator
 * behind the local layer): PATCH /me with e-mail re-verification, attribute
 * verification and deletion, password change, sign-out everywhere and
 * account deletion, and every refusal on the way.
 */
import {
  AddCustomAttributesCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  GetUserAttributeVerificationCodeCommand,
  NotAuthorizedException,
  UpdateUserAttributesCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { createCognitoGateway } from '../../../src/cognito/gateway.js'
import { buildAwsApp, buildTestApp, cookieHeader, expectProblem, PASSWORD } from '../../helper.js'
import { COGNITO_TIMEOUT_MS, fileTimeout } from '../../helpers/timeouts.js'

// Dozens of emulator round trips: 100-140 s on a busy machine, past tap's default for one file (see fileTimeout).
t.setTimeout(fileTimeout(30_000))

const { app, config, local, logs, latestCode, confirmedUser } = await buildTestApp(t)

// An immutable custom attribute, as real pools often have (a tenant fixed at sign-up).
await local.sdk.send(new AddCustomAttributesCommand({
  UserPoolId: config.pool.userPoolId,
  CustomAttributes: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: false }]
}))

interface Session { bearer: { authorization: string }, accessToken: string, refreshToken: string }

/** Signs in with tokens in the body: one "device". */
async function signIn (username: string, password = PASSWORD): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
  const { accessToken, refreshToken } = response.json().tokens as { accessToken: string, refreshToken: string }
  return { bearer: { authorization: `Bearer ${accessToken}` }, accessToken, refreshToken }
}

/** Signs in with cookies: a browser. */
async function browserSignIn (username: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
  return cookieHeader(response)
}

const me = async (headers: Record<string, string>) => await app.inject({ method: 'GET', url: '/me', headers })
const refresh = async (refreshToken: string) => await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } })

/** The session cookies a response clears (Max-Age=0), by name. */
function cleared (response: LightMyRequestResponse): string[] {
  return response.cookies.filter(c => c.value === '' && c.maxAge === 0).map(c => c.name).sort()
}

t.test('PATCH /me sets standard and custom attributes and answers them as Cognito has them', async t => {
  const { username } = await confirmedUser('patch')
  const { bearer } = await signIn(username)
  const response = await app.inject({
    method: 'PATCH', url: '/me', headers: bearer, payload: { attributes: { given_name: 'Alice', 'custom:plan': 'team' } }
  })
  t.equal(response.statusCode, 200)
  t.match(response.json(), { attributes: { given_name: 'Alice', 'custom:plan': 'team', email: `${username}@example.com` }, verification: [] })
  t.match((await me(bearer)).json().attributes, { given_name: 'Alice', 'custom:plan': 'team' }, 'GET /me agrees')
})

t.test('a changed e-mail is pending verification: where the code went, then verified with it', async t => {
  const { username } = await confirmedUser('email')
  const { bearer } = await signIn(username)
  const email = `${username}.new@example.com`
  const response = await app.inject({ method: 'PATCH', url: '/me', headers: bearer, payload: { attributes: { email } } })
  t.equal(response.statusCode, 200)
  t.same(response.json().verification, [{ attribute: 'email', deliveryMedium: 'EMAIL', destination: email, appliesAfterVerification: false }])
  t.match(response.json().attributes, { email, email_verified: 'false' }, 'this pool applies the new address at once, unverified')

  const wrong = await app.inject({ method: 'POST', url: '/me/attributes/verify', headers: bearer, payload: { attribute: 'email', code: '000000' } })
  expectProblem(t, wrong, 'CODE_MISMATCH')
  const code = latestCode(username)
  const right = await app.inject({ method: 'POST', url: '/me/attributes/verify', headers: bearer, payload: { attribute: 'email', code } })
  t.equal(right.statusCode, 204)
  t.match((await me(bearer)).json().attributes, { email, email_verified: 'true' })
})

t.test('POST /me/attributes/verify/send sends a code for the attribute named and says where', async t => {
  const { username } = await confirmedUser('send')
  const { bearer } = await signIn(username)
  const before = local.outbox.list(username).length
  const response = await app.inject({ method: 'POST', url: '/me/attributes/verify/send', headers: bearer, payload: { attribute: 'email' } })
  t.equal(response.statusCode, 202)
  t.same(response.json(), { status: 'sent', verification: { attribute: 'email', deliveryMedium: 'EMAIL', destination: `${username}@example.com` } })
  t.equal(local.outbox.list(username).length, before + 1, 'a code went out')
  const verify = await app.inject({
    method: 'POST', url: '/me/attributes/verify', headers: bearer, payload: { attribute: 'email', code: latestCode(username) }
  })
  t.equal(verify.statusCode, 204, 'and it verifies')

  const phone = await app.inject({ method: 'POST', url: '/me/attributes/verify/send', headers: bearer, payload: { attribute: 'phone_number' } })
  expectProblem(t, phone, 'INVALID_PARAMETER', { detail: 'User has no phone_number to verify.' })
  const name = await app.inject({ method: 'POST', url: '/me/attributes/verify/send', headers: bearer, payload: { attribute: 'name' } })
  expectProblem(t, name, 'VALIDATION_FAILED', {
    detail: '/body/attribute: must be equal to one of the allowed values',
    errors: [{ field: '/body/attribute', message: 'must be equal to one of the allowed values' }]
  })
})

t.test('PATCH /me refuses what Cognito would not write, naming the attribute', async t => {
  const { username } = await confirmedUser('refuse')
  const { bearer } = await signIn(username)
  const patch = async (payload: unknown) => await app.inject({ method: 'PATCH', url: '/me', headers: bearer, payload: payload as object })

  expectProblem(t, await patch({ attributes: { 'custom:nope': 'x' } }), 'INVALID_PARAMETER', {
    detail: 'user.custom:nope: Attribute does not exist in the schema.'
  })
  expectProblem(t, await patch({ attributes: { 'custom:tenant': 'other' } }), 'INVALID_PARAMETER', {
    detail: 'user.custom:tenant: Attribute cannot be updated. (changing an immutable attribute)'
  })
  t.notOk((await me(bearer)).json().attributes['custom:tenant'], 'nothing was written')
})

t.test('the account routes refuse bad bodies with VALIDATION_FAILED naming the field', async t => {
  const { username } = await confirmedUser('bodies')
  const { bearer } = await signIn(username)
  const cases: Array<[string, string, unknown, string, string]> = [
    ['PATCH', '/me', {}, '/body/attributes', 'is required'],
    ['PATCH', '/me', { attributes: {} }, '/body/attributes', 'must NOT have fewer than 1 properties'],
    ['PATCH', '/me', { attributes: { given_name: 5 } }, '/body/attributes/given_name', 'must be string'],
    ['PATCH', '/me', { attributes: { email_verified: 'true' } }, '/body/attributes/email_verified', 'is not a known field'],
    ['PATCH', '/me', { attributes: { name: 'A' }, extra: 1 }, '/body/extra', 'is not a known field'],
    ['POST', '/me/attributes/verify', { attribute: 'email' }, '/body/code', 'is required'],
    ['DELETE', '/me/attributes', { names: [] }, '/body/names', 'must NOT have fewer than 1 items'],
    ['DELETE', '/me/attributes', { names: 'given_name' }, '/body/names', 'must be array'],
    ['POST', '/me/password', { previousPassword: PASSWORD }, '/body/proposedPassword', 'is required'],
    ['POST', '/me/password', { previousPassword: PASSWORD, proposedPassword: 7 }, '/body/proposedPassword', 'must be string']
  ]
  for (const [method, url, payload, field, message] of cases) {
    const response = await app.inject({ method: method as 'POST', url, headers: bearer, payload: payload as object })
    t.equal(response.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}`)
    t.match(response.json(), { code: 'VALIDATION_FAILED', errors: [{ field, message }] }, `${method} ${url}: ${field} ${message}`)
  }
  t.match((await me(bearer)).json().attributes, { email: `${username}@example.com` }, 'nothing changed')
})

/** Every account route, with a body that passes its schema: what the guards are tried on. */
const ACCOUNT_ROUTES: Array<[string, string, object?]> = [
  ['PATCH', '/me', { attributes: { name: 'A' } }],
  ['POST', '/me/attributes/verify/send', { attribute: 'email' }],
  ['POST', '/me/attributes/verify', { attribute: 'email', code: '123456' }],
  ['DELETE', '/me/attributes', { names: ['name'] }],
  ['POST', '/me/password', { previousPassword: PASSWORD, proposedPassword: 'Other-Horse-10' }],
  ['POST', '/me/signout-everywhere'],
  ['DELETE', '/me']
]

t.test('every account route needs a signed-in user', async t => {
  for (const [method, url, payload] of ACCOUNT_ROUTES) {
    const response = await app.inject({ method: method as 'POST', url, ...(payload ? { payload } : {}) })
    expectProblem(t, response, 'UNAUTHENTICATED', { detail: 'Sign in, or send Authorization: Bearer <access token>.' })
  }
})

t.test('DELETE /me/attributes deletes optional attributes and refuses required and immutable ones, naming them', async t => {
  const { username } = await confirmedUser('delattr')
  const { bearer } = await signIn(username)
  await app.inject({ method: 'PATCH', url: '/me', headers: bearer, payload: { attributes: { given_name: 'Gone', nickname: 'Stays' } } })
  const del = async (names: string[]) => await app.inject({ method: 'DELETE', url: '/me/attributes', headers: bearer, payload: { names } })

  t.equal((await del(['given_name'])).statusCode, 204)
  const attributes = (await me(bearer)).json().attributes
  t.notOk('given_name' in attributes, 'deleted')
  t.equal(attributes.nickname, 'Stays', 'the others stay')

  expectProblem(t, await del(['sub']), 'INVALID_PARAMETER', { detail: 'user.sub: Required attribute cannot be deleted.' })
  expectProblem(t, await del(['nickname', 'custom:tenant']), 'INVALID_PARAMETER', {
    detail: 'user.custom:tenant: Attribute cannot be deleted. (deleting an immutable attribute)'
  })
  t.equal((await me(bearer)).json().attributes.nickname, 'Stays', 'a refused request deletes nothing')
})

t.test('POST /me/password: a wrong current password is refused and the session goes on; the right one changes it', async t => {
  const { username } = await confirmedUser('passwd')
  const cookie = await browserSignIn(username)
  const change = async (previousPassword: string, proposedPassword: string) => await app.inject({
    method: 'POST', url: '/me/password', headers: { cookie }, payload: { previousPassword, proposedPassword }
  })

  const wrong = await change('Not-The-Password-1', 'Brand-New-Pass-2')
  expectProblem(t, wrong, 'CURRENT_PASSWORD_INCORRECT')
  t.same(wrong.cookies, [], 'no cookie is touched')
  t.equal((await me({ cookie })).statusCode, 200, 'the session still works')

  const weak = await change(PASSWORD, 'short')
  expectProblem(t, weak, 'INVALID_PASSWORD', { detail: 'Password did not conform with policy: Password not long enough' })

  t.equal((await change(PASSWORD, 'Brand-New-Pass-2')).statusCode, 204)
  t.equal((await me({ cookie })).statusCode, 200, 'the session goes on after the change')
  const old = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  expectProblem(t, old, 'INVALID_CREDENTIALS')
  const fresh = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Brand-New-Pass-2' } })
  t.equal(fresh.statusCode, 200, 'the new password signs in')

  for (const secret of ['Not-The-Password-1', 'Brand-New-Pass-2', PASSWORD]) {
    t.notOk(logs.some(line => line.includes(secret)), `no log line holds ${secret}`)
  }
})

t.test('wrong current passwords count against the account like failed sign-ins', async t => {
  const limited = await buildTestApp(t, { env: { ACCOUNT_SIGNIN_FAILURES: '2' } })
  const { username } = await limited.confirmedUser('limited')
  const login = await limited.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  const headers = { authorization: `Bearer ${String(login.json().tokens.accessToken)}` }
  const change = async (previousPassword: string) => await limited.app.inject({
    method: 'POST', url: '/me/password', headers, payload: { previousPassword, proposedPassword: 'Brand-New-Pass-2' }
  })
  expectProblem(t, await change('Wrong-Guess-1'), 'CURRENT_PASSWORD_INCORRECT')
  expectProblem(t, await change('Wrong-Guess-2'), 'CURRENT_PASSWORD_INCORRECT')
  const spent = await change(PASSWORD)
  expectProblem(t, spent, 'TOO_MANY_ATTEMPTS')
  t.ok(Number(spent.headers['retry-after']) > 0, 'Retry-After')
  const signIn = await limited.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  expectProblem(t, signIn, 'TOO_MANY_ATTEMPTS')
})

t.test('sign out everywhere: another device\'s access token and refresh token are refused, here and at Cognito', async t => {
  const { username } = await confirmedUser('everywhere')
  const phone = await signIn(username)
  const laptop = await browserSignIn(username)
  t.equal((await me(phone.bearer)).statusCode, 200, 'control: the other device is signed in')
  // The phone refreshed a moment before: that result is shared for a short while with its other tabs.
  t.equal((await refresh(phone.refreshToken)).statusCode, 200, 'control: the phone refreshes')

  const out = await app.inject({ method: 'POST', url: '/me/signout-everywhere', headers: { cookie: laptop } })
  t.equal(out.statusCode, 204)
  t.same(cleared(out), ['bff_access', 'bff_id', 'bff_refresh'], 'this browser\'s cookies are cleared')
  expectProblem(t, await me({ cookie: laptop }), 'TOKEN_INVALID')

  expectProblem(t, await me(phone.bearer), 'TOKEN_INVALID')
  const verified = await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token: phone.accessToken } })
  t.match(verified.json(), { status: 401, code: 'TOKEN_INVALID', reason: 'revoked' }, '/tokens/verify says revoked')
  const checked = await app.inject({ method: 'GET', url: '/tokens/check', headers: phone.bearer })
  t.equal(checked.statusCode, 401, '/tokens/check refuses it')
  expectProblem(t, await refresh(phone.refreshToken), 'SESSION_EXPIRED')

  // Cognito itself (the local layer's GlobalSignOut) revoked them too, not only this service's mark.
  await t.rejects(local.sdk.send(new GetUserCommand({ AccessToken: phone.accessToken })),
    { name: 'NotAuthorizedException', message: 'Access Token has been revoked' })

  // Issue 19: at once, in the sign-out's own second too (no waiting for the next one).
  const again = await signIn(username)
  t.equal((await me(again.bearer)).statusCode, 200, 'signing in again afterwards works')
  t.equal((await app.inject({ method: 'DELETE', url: '/me', headers: again.bearer })).statusCode, 204, 'and so does deleting the account')
})

t.test('DELETE /me deletes the account: cookies cleared, the old token refused, the password no longer signs in', async t => {
  const { username } = await confirmedUser('deleted')
  const other = await signIn(username)
  const cookie = await browserSignIn(username)
  const response = await app.inject({ method: 'DELETE', url: '/me', headers: { cookie } })
  t.equal(response.statusCode, 204)
  t.same(cleared(response), ['bff_access', 'bff_id', 'bff_refresh'])
  expectProblem(t, await me({ cookie }), 'TOKEN_INVALID')
  expectProblem(t, await me(other.bearer), 'TOKEN_INVALID')
  expectProblem(t, await refresh(other.refreshToken), 'SESSION_EXPIRED')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  expectProblem(t, login, 'INVALID_CREDENTIALS')
})

t.test('(mocked Cognito SDK) a pool that keeps the original e-mail until verified: the old value stays and signs in', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  cognito.on(UpdateUserAttributesCommand).resolves({
    CodeDeliveryDetailsList: [{ AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'n***@e***.com' }]
  })
  cognito.on(GetUserCommand).resolves({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'old@example.com' }] })
  const { app, jwks } = await buildAwsApp(t, {
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  const headers = { authorization: `Bearer ${jwks.accessToken('alice')}` }
  const response = await app.inject({ method: 'PATCH', url: '/me', headers, payload: { attributes: { email: 'new@example.com' } } })
  t.equal(response.statusCode, 200)
  t.same(response.json(), {
    attributes: { email: 'old@example.com' },
    verification: [{ attribute: 'email', deliveryMedium: 'EMAIL', destination: 'n***@e***.com', appliesAfterVerification: true }]
  })
})

t.test('(mocked Cognito SDK) an attribute the app client may not write is INVALID_PARAMETER with Cognito\'s message, not a lost session', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  cognito.on(UpdateUserAttributesCommand).rejects(new NotAuthorizedException({
    message: 'A client attempted to write unauthorized attribute', $metadata: { httpStatusCode: 400 }
  }))
  cognito.on(GetUserAttributeVerificationCodeCommand).rejects(new NotAuthorizedException({
    message: 'Access Token has been revoked', $metadata: { httpStatusCode: 400 }
  }))
  const { app, jwks } = await buildAwsApp(t, {
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  const headers = { authorization: `Bearer ${jwks.accessToken('alice')}` }
  const write = await app.inject({ method: 'PATCH', url: '/me', headers, payload: { attributes: { 'custom:plan': 'pro' } } })
  expectProblem(t, write, 'INVALID_PARAMETER', { detail: 'A client attempted to write unauthorized attribute' })
  const revoked = await app.inject({ method: 'POST', url: '/me/attributes/verify/send', headers, payload: { attribute: 'email' } })
  expectProblem(t, revoked, 'TOKEN_INVALID')
})

t.test('(mocked Cognito SDK) the account routes need the aws.cognito.signin.user.admin scope, checked before Cognito is asked', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  const { app, jwks } = await buildAwsApp(t, {
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  const headers = { authorization: `Bearer ${jwks.accessToken('alice', { scope: 'openid email profile' })}` }
  for (const [method, url, payload] of ACCOUNT_ROUTES) {
    const response = await app.inject({ method: method as 'POST', url, headers, ...(payload ? { payload } : {}) })
    expectProblem(t, response, 'INSUFFICIENT_SCOPE', {
      detail: 'The access token lacks the aws.cognito.signin.user.admin scope; request it at sign-in.'
    })
  }
  t.equal(cognito.calls().length, 0, 'Cognito was not asked')
})
