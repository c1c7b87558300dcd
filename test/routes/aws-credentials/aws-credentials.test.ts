/**
 * POST /me/aws-credentials and POST /aws-credentials/guest against a mocked
 * Cognito Identity SDK (aws-sdk-client-mock): neither the emulator nor the
 * local layer has an identity pool. Answers are shaped as the SDK's model
 * declares them (GetIdResponse, GetCredentialsForIdentityResponse).
 */
import { randomUUID } from 'node:crypto'
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  ResourceNotFoundException
} from '@aws-sdk/client-cognito-identity'
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import t, { type Test } from 'tap'
import { buildAwsApp, cookieHeader, expectProblem, PASSWORD } from '../../helper.js'
import { CLIENT_ID, POOL_ID } from '../../helpers/jwks-server.js'
import { fileTimeout } from '../../helpers/timeouts.js'

// An app per test, each with its JWKS server: 30-60 s on a busy machine.
t.setTimeout(fileTimeout(30_000))

const IDENTITY_POOL_ID = 'us-east-1:4f7c2a1e-9b3d-4c8e-a6f0-1d2e3f4a5b6c'
const IDENTITY_ID = 'us-east-1:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
const ROLE = 'arn:aws:iam::123456789012:role/uploaders'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY'
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue'
const EXPIRATION = new Date('2026-12-06T20:00:00.000Z')
const CREDENTIALS = { AccessKeyId: 'ASIAEXAMPLEKEYID0001', SecretKey: SECRET, SessionToken: SESSION_TOKEN, Expiration: EXPIRATION }

async function mockedApp (t: Test, env: Record<string, string> = { IDENTITY_POOL_ID }) {
  const identity = mockClient(CognitoIdentityClient)
  t.teardown(() => identity.restore())
  const built = await buildAwsApp(t, { env })
  const sub = randomUUID()
  const now = Math.floor(Date.now() / 1000)
  const idToken = (claims: Record<string, unknown> = {}) => built.jwks.sign({
    sub,
    aud: CLIENT_ID,
    token_use: 'id',
    'cognito:username': 'alice',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    iss: built.jwks.issuer,
    ...claims
  })
  const auth = { authorization: `Bearer ${built.jwks.accessToken('alice', { sub })}` }
  const provider = `${new URL(built.jwks.issuer).host}/${POOL_ID}`
  return { ...built, identity, sub, idToken, auth, provider }
}

t.test('mocked SDK: GetId, then GetCredentialsForIdentity with the ID token under the pool\'s provider name; the id is kept', async t => {
  const { app, identity, idToken, auth, provider, logs } = await mockedApp(t)
  identity.on(GetIdCommand).resolves({ IdentityId: IDENTITY_ID })
  identity.on(GetCredentialsForIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Credentials: CREDENTIALS })
  const token = idToken()

  const first = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: token } })
  t.equal(first.statusCode, 200)
  t.equal(first.headers['cache-control'], 'no-store')
  t.same(first.json(), {
    identityId: IDENTITY_ID,
    accessKeyId: CREDENTIALS.AccessKeyId,
    secretAccessKey: SECRET,
    sessionToken: SESSION_TOKEN,
    expiration: EXPIRATION.toISOString()
  })
  t.same(first.cookies, [], 'no credential in a cookie')
  t.same(identity.commandCalls(GetIdCommand)[0]?.args[0].input, { IdentityPoolId: IDENTITY_POOL_ID, Logins: { [provider]: token } })
  t.same(identity.commandCalls(GetCredentialsForIdentityCommand)[0]?.args[0].input, {
    IdentityId: IDENTITY_ID, Logins: { [provider]: token }, CustomRoleArn: undefined
  })

  const second = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: token } })
  t.equal(second.statusCode, 200)
  t.equal(identity.commandCalls(GetIdCommand).length, 1, 'the identity id comes from the store the second time')
  t.equal(identity.commandCalls(GetCredentialsForIdentityCommand).length, 2)

  const text = logs.join('\n')
  for (const secret of [SECRET, SESSION_TOKEN, token]) t.notOk(text.includes(secret), 'no credential or token in the log')
})

t.test('mocked SDK: role must be one of the ID token\'s cognito:roles; it is sent as CustomRoleArn', async t => {
  const { app, identity, idToken, auth } = await mockedApp(t)
  identity.on(GetIdCommand).resolves({ IdentityId: IDENTITY_ID })
  identity.on(GetCredentialsForIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Credentials: CREDENTIALS })
  const token = idToken({ 'cognito:roles': [ROLE], 'cognito:groups': ['uploaders'] })

  const other = await app.inject({
    method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: token, role: 'arn:aws:iam::123456789012:role/admins' }
  })
  expectProblem(t, other, 'ROLE_NOT_ALLOWED', { detail: 'The ID token\'s cognito:roles does not list that role.' })
  t.equal(identity.calls().length, 0, 'refused before any call')

  const listed = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: token, role: ROLE } })
  t.equal(listed.statusCode, 200)
  t.equal(identity.commandCalls(GetCredentialsForIdentityCommand)[0]?.args[0].input.CustomRoleArn, ROLE)
})

t.test('mocked SDKs: a browser signed in with the session cookie needs no idToken: the one in its cookie is sent', async t => {
  const userPool = mockClient(CognitoIdentityProviderClient)
  t.teardown(() => userPool.restore())
  const { app, identity, idToken, sub, jwks, provider, config } = await mockedApp(t)
  const token = idToken()
  userPool.on(InitiateAuthCommand).resolves({
    AuthenticationResult: {
      AccessToken: jwks.accessToken('alice', { sub }), IdToken: token, RefreshToken: 'opaque-refresh-token', ExpiresIn: 3600, TokenType: 'Bearer'
    }
  })
  identity.on(GetIdCommand).resolves({ IdentityId: IDENTITY_ID })
  identity.on(GetCredentialsForIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Credentials: CREDENTIALS })
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })
  t.equal(login.statusCode, 200, login.body)
  t.notOk(login.body.includes(token), 'the ID token is in a cookie, not the body')

  const headers = { cookie: cookieHeader(login), origin: new URL(config.publicUrl).origin }
  const res = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers, payload: {} })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().secretAccessKey, SECRET)
  t.same(res.cookies, [], 'no credential in a cookie')
  t.same(identity.commandCalls(GetIdCommand)[0]?.args[0].input, { IdentityPoolId: IDENTITY_POOL_ID, Logins: { [provider]: token } },
    'the cookie\'s ID token, under the pool\'s provider name')
})

t.test('mocked SDK: the ID token must be there, good, and the signed-in user\'s', async t => {
  const { app, identity, idToken, auth } = await mockedApp(t)
  const missing = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: {} })
  expectProblem(t, missing, 'UNAUTHENTICATED', { detail: 'Send the ID token as idToken in the body, or sign in with the session cookie.' })
  const someoneElse = await app.inject({
    method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: idToken({ sub: randomUUID() }) }
  })
  expectProblem(t, someoneElse, 'TOKEN_INVALID', { detail: 'The ID token is not the signed-in user\'s.' })
  const expired = await app.inject({
    method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: idToken({ exp: Math.floor(Date.now() / 1000) - 600 }) }
  })
  expectProblem(t, expired, 'TOKEN_INVALID', { detail: 'The ID token is refused; sign in again.' })
  const anonymous = await app.inject({ method: 'POST', url: '/me/aws-credentials', payload: { idToken: idToken() } })
  t.equal(anonymous.statusCode, 401, 'no access token: not signed in')
  t.equal(identity.calls().length, 0)
})

t.test('mocked SDK: a cached identity the pool deleted is forgotten and asked for again, once', async t => {
  const { app, identity, idToken, auth } = await mockedApp(t)
  const fresh = 'us-east-1:99999999-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
  identity.on(GetIdCommand).resolvesOnce({ IdentityId: IDENTITY_ID }).resolves({ IdentityId: fresh })
  identity.on(GetCredentialsForIdentityCommand, { IdentityId: IDENTITY_ID })
    .resolvesOnce({ IdentityId: IDENTITY_ID, Credentials: CREDENTIALS })
    .rejects(new ResourceNotFoundException({ message: 'Identity not found', $metadata: {} }))
  identity.on(GetCredentialsForIdentityCommand, { IdentityId: fresh }).resolves({ IdentityId: fresh, Credentials: CREDENTIALS })
  const token = idToken()
  await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: token } })
  const again = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: token } })
  t.equal(again.statusCode, 200)
  t.equal(again.json().identityId, fresh)
  t.equal(identity.commandCalls(GetIdCommand).length, 2)
})

t.test('without IDENTITY_POOL_ID: 501 IDENTITY_POOL_NOT_CONFIGURED saying how to configure one, no call', async t => {
  const { app, identity, idToken, auth } = await mockedApp(t, {})
  const response = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: idToken() } })
  expectProblem(t, response, 'IDENTITY_POOL_NOT_CONFIGURED', {
    detail: 'No identity pool is configured (IDENTITY_POOL_ID), so no AWS credentials are handed out. Local mode has none: run against a ' +
      'real user pool (COGNITO_USER_POOL_ID) with an identity pool that lists it as a provider, and set IDENTITY_POOL_ID.'
  })
  t.equal(identity.calls().length, 0)
})

t.test('mocked SDK: guest credentials only with IDENTITY_POOL_GUEST=true, without Logins', async t => {
  const off = await mockedApp(t)
  expectProblem(t, await off.app.inject({ method: 'POST', url: '/aws-credentials/guest' }), 'NOT_FOUND')
  t.equal(off.identity.calls().length, 0)

  const on = await mockedApp(t, { IDENTITY_POOL_ID, IDENTITY_POOL_GUEST: 'true' })
  on.identity.on(GetIdCommand).resolves({ IdentityId: IDENTITY_ID })
  on.identity.on(GetCredentialsForIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Credentials: CREDENTIALS })
  const guest = await on.app.inject({ method: 'POST', url: '/aws-credentials/guest' })
  t.equal(guest.statusCode, 200)
  t.equal(guest.json().secretAccessKey, SECRET)
  t.same(on.identity.commandCalls(GetIdCommand)[0]?.args[0].input, { IdentityPoolId: IDENTITY_POOL_ID, Logins: undefined })
  t.same(on.identity.commandCalls(GetCredentialsForIdentityCommand)[0]?.args[0].input, {
    IdentityId: IDENTITY_ID, Logins: undefined, CustomRoleArn: undefined
  })
})

t.test('mocked SDK: bad input is refused before any call: a role that is no role ARN, an unknown field, a body that is not JSON', async t => {
  const { app, identity, idToken, auth } = await mockedApp(t)
  const notArn = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: idToken(), role: 'admins' } })
  t.equal(notArn.statusCode, 400)
  t.equal(notArn.json().code, 'VALIDATION_FAILED')
  t.match(notArn.json().errors, [{ field: '/body/role' }])
  const unknown = await app.inject({ method: 'POST', url: '/me/aws-credentials', headers: auth, payload: { idToken: idToken(), accessToken: 'x' } })
  t.equal(unknown.json().code, 'VALIDATION_FAILED')
  const malformed = await app.inject({
    method: 'POST', url: '/me/aws-credentials', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"idToken":'
  })
  t.equal(malformed.statusCode, 400)
  t.equal(malformed.json().code, 'MALFORMED_BODY')
  t.equal(identity.calls().length, 0)
})
