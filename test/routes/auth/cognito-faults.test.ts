/**
 * What the embedded emulator cannot do: throttle, go away, hang, throw
 * something unexpected, enforce a password policy, disable a user, or check
 * SECRET_HASH. The "(mocked Cognito SDK)" tests put aws-sdk-client-mock over a
 * real CognitoIdentityProviderClient and throw the SDK's own exception
 * classes; the others use a real client against a closed port or a silent
 * server. The app runs in AWS mode; a small real JWKS server stands in for the pool's keys.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  CognitoIdentityProviderClient,
  ConcurrentModificationException,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  InvalidPasswordException,
  LimitExceededException,
  NotAuthorizedException,
  RefreshTokenReuseException,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  TooManyRequestsException,
  UserNotFoundException
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { createCognitoGateway } from '../../../src/cognito/gateway.js'
import { buildAwsApp, expectProblem, PASSWORD, type TestContext } from '../../helper.js'
import { CLIENT_ID, POOL_ID } from '../../helpers/jwks-server.js'
import { COGNITO_TIMEOUT_MS, fileTimeout, LATE_MS, NEVER_ANSWERS_TIMEOUT_MS } from '../../helpers/timeouts.js'

// Dozens of emulator round trips: 100-140 s on a busy machine, past tap's default for one file (see fileTimeout).
t.setTimeout(fileTimeout(30_000))

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' }
/** What Cognito puts on an error answer; the SDK copies it onto the exception. */
const METADATA = { httpStatusCode: 400, requestId: '3f1a3c2e-0b7a-4c7e-9d2a-1d5e8f0a9b11', attempts: 1, totalRetryDelay: 0 }

/**
 * The app in AWS mode over a gateway whose SDK client is mocked; `cognito` is
 * the mock to program and inspect. Tokens are verified against a real JWKS server.
 */
async function mockedApp (t: TestContext, options: { env?: Record<string, string> } = {}) {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  const testApp = await buildAwsApp(t, {
    env: options.env,
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  return { ...testApp, cognito }
}

/** The app over a real gateway (real SDK client, the gateway's own retry and timeout settings) at `endpoint`. */
async function appAt (t: TestContext, endpoint: string, timeoutMs = COGNITO_TIMEOUT_MS) {
  return await buildAwsApp(t, {
    env: { COGNITO_ENDPOINT: endpoint },
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs, credentials: CREDENTIALS })
  })
}

async function listening (t: TestContext, server: Server): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  return (server.address() as AddressInfo).port
}

/** The ContextData an admin call carries for a request injected without extra headers. */
function adminContext (path: string) {
  const HttpHeaders = [{ headerName: 'user-agent', headerValue: 'lightMyRequest' }]
  return { IpAddress: '127.0.0.1', ServerName: 'localhost:3000', ServerPath: path, HttpHeaders, EncodedData: undefined }
}

/** The request id the problem names, checked against the response header. */
function requestIdOf (t: Test, response: LightMyRequestResponse): string {
  const id = String(response.headers['x-request-id'])
  t.equal(response.json().instance, `urn:request:${id}`, 'instance names the request id')
  return id
}

/**
 * SECRET_HASH of CLIENT_ID with the secret "some-secret", computed outside Node:
 *   printf '%s' 'alice3n4b5urk1ft4fl3mg5e62d9ado' | openssl dgst -sha256 -hmac 'some-secret' -binary | base64
 */
const CLIENT_SECRET = 'some-secret'
const SECRET_HASH: Record<string, string> = {
  alice: 'zs6RD/Lt8lYWyxy23yQXdzt+JAyyiP64b1P/Dv6yGEY=',
  'José.alice': 'bZZfNinQE1kYmaUQMGiUG9iwlkv+0Eva3Lwi1KOvZv8='
}

t.test('(mocked Cognito SDK) throttling at login is 429 UPSTREAM_THROTTLED with Retry-After', async t => {
  const { app, cognito } = await mockedApp(t)
  cognito.on(InitiateAuthCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: METADATA }))

  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '1')
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(res.json(), {
    type: '/problems/upstream-throttled',
    title: 'Cognito is throttling requests; retry later.',
    status: 429,
    code: 'UPSTREAM_THROTTLED',
    instance: `urn:request:${requestIdOf(t, res)}`
  })
  t.equal(cognito.commandCalls(InitiateAuthCommand).length, 1)
})

t.test('(mocked Cognito SDK) Cognito unreachable is 503 UPSTREAM_UNAVAILABLE with Retry-After', async t => {
  const { app, cognito } = await mockedApp(t)
  // The shape the SDK throws for a refused connection.
  cognito.on(InitiateAuthCommand).rejects(
    Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED', $metadata: { attempts: 3, totalRetryDelay: 250 } })
  )

  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '1')
  t.same(res.json(), {
    type: '/problems/upstream-unavailable',
    title: 'Cognito is unavailable; retry later.',
    status: 503,
    code: 'UPSTREAM_UNAVAILABLE',
    instance: `urn:request:${requestIdOf(t, res)}`
  })
  t.notMatch(res.body, /ECONNREFUSED|10\.0\.0\.1/, 'the network detail stays in the log')
})

t.test('a closed port (real SDK client, no mock) is 503 UPSTREAM_UNAVAILABLE', async t => {
  // A port that was free a moment ago and is closed now.
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const closedPort = (probe.address() as AddressInfo).port
  await new Promise<void>(resolve => probe.close(() => resolve()))

  const { app } = await appAt(t, `http://127.0.0.1:${closedPort}`)
  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'alice', password: PASSWORD } })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '1')
  t.equal(res.json().code, 'UPSTREAM_UNAVAILABLE')
})

// About a second each when idle.
const SILENT_COGNITO = { timeout: fileTimeout(2000) }

t.test('a Cognito that accepts but never answers times out as 503; a sign-up or login is sent once, never retried', SILENT_COGNITO, async t => {
  const targets: string[] = []
  const port = await listening(t, createServer(request => { targets.push(String(request.headers['x-amz-target'])) /* never answers */ }))
  const { app } = await appAt(t, `http://127.0.0.1:${port}`, NEVER_ANSWERS_TIMEOUT_MS)

  const started = Date.now()
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })
  expectProblem(t, res, 'UPSTREAM_UNAVAILABLE')
  t.equal(res.headers['retry-after'], '1')
  t.ok(Date.now() - started < NEVER_ANSWERS_TIMEOUT_MS + LATE_MS, `answered in ${Date.now() - started} ms`)
  const signUp = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'alice', password: PASSWORD } })
  expectProblem(t, signUp, 'UPSTREAM_UNAVAILABLE')
  t.same(targets.map(target => target.split('.').pop()), ['InitiateAuth', 'SignUp'], 'each sent exactly once: it may have happened')
})

t.test('a read that times out is retried, three times in all, before 503', SILENT_COGNITO, async t => {
  const targets: string[] = []
  const port = await listening(t, createServer(request => { targets.push(String(request.headers['x-amz-target'])) /* never answers */ }))
  const { app, jwks } = await appAt(t, `http://127.0.0.1:${port}`, NEVER_ANSWERS_TIMEOUT_MS)
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${jwks.accessToken('alice')}` } })
  expectProblem(t, me, 'UPSTREAM_UNAVAILABLE')
  t.same(targets.map(target => target.split('.').pop()), ['GetUser', 'GetUser', 'GetUser'])
})

t.test('(mocked Cognito SDK) an unexpected exception is a generic 502; its message reaches only the log', async t => {
  const { app, cognito, logs } = await mockedApp(t)
  const secret = 'arn:aws:iam::123456789012:role/bff-internal token=AKIAIOSFODNN7EXAMPLE'
  cognito.on(InitiateAuthCommand).rejects(new ConcurrentModificationException({ message: secret, $metadata: METADATA }))

  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })
  t.equal(res.statusCode, 502)
  const id = requestIdOf(t, res)
  t.same(res.json(), {
    type: '/problems/upstream-error',
    title: 'Cognito returned an unexpected error.',
    status: 502,
    code: 'UPSTREAM_ERROR',
    instance: `urn:request:${id}`
  })
  for (const fragment of [secret, 'AKIAIOSFODNN7EXAMPLE', '123456789012', 'ConcurrentModification']) {
    t.notOk(res.body.includes(fragment), `the body does not contain ${fragment}`)
  }
  const logged = logs.map(line => JSON.parse(line) as { reqId?: string, err?: { type?: string, message?: string }, code?: string })
    .filter(entry => entry.reqId === id && entry.err?.message === secret)
  t.equal(logged.length, 1, 'one log line for this request carries the upstream error')
  t.match(logged[0], { level: 50, code: 'UPSTREAM_ERROR', err: { type: 'ConcurrentModificationException', message: secret } })
})

t.test('(mocked Cognito SDK) a password the pool policy refuses at sign-up is 400 INVALID_PASSWORD', async t => {
  const { app, cognito } = await mockedApp(t)
  cognito.on(SignUpCommand).rejects(new InvalidPasswordException({
    message: 'Password did not conform with policy: Password must have symbol characters',
    $metadata: METADATA
  }))

  const res = await app.inject({
    method: 'POST',
    url: '/auth/signup',
    payload: { username: 'alice', password: 'Password1', email: 'alice@example.com' }
  })
  t.equal(res.statusCode, 400)
  t.same(res.json(), {
    type: '/problems/invalid-password',
    title: 'The password does not meet the password policy.',
    status: 400,
    code: 'INVALID_PASSWORD',
    detail: 'Password did not conform with policy: Password must have symbol characters',
    instance: `urn:request:${requestIdOf(t, res)}`
  }, 'the policy rule that failed is passed on')
  t.match(cognito.commandCalls(SignUpCommand)[0]?.args[0].input, {
    ClientId: CLIENT_ID,
    Username: 'alice',
    Password: 'Password1',
    UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }]
  })
  t.equal(cognito.commandCalls(SignUpCommand)[0]?.args[0].input.SecretHash, undefined, 'no SECRET_HASH without a client secret')
})

t.test('(mocked Cognito SDK) a disabled user gets the same 401 INVALID_CREDENTIALS as a wrong password', async t => {
  const { app, cognito } = await mockedApp(t)
  cognito.on(InitiateAuthCommand, { AuthParameters: { USERNAME: 'disabled', PASSWORD } })
    .rejects(new NotAuthorizedException({ message: 'User is disabled.', $metadata: METADATA }))
  cognito.on(InitiateAuthCommand, { AuthParameters: { USERNAME: 'wrong', PASSWORD } })
    .rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: METADATA }))

  const disabled = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'disabled', password: PASSWORD } })
  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'wrong', password: PASSWORD } })
  t.equal(disabled.statusCode, 401)
  t.same(disabled.json(), {
    type: '/problems/invalid-credentials',
    title: 'Incorrect username or password.',
    status: 401,
    code: 'INVALID_CREDENTIALS',
    instance: `urn:request:${requestIdOf(t, disabled)}`
  })
  t.same({ ...disabled.json(), instance: undefined }, { ...wrong.json(), instance: undefined }, 'indistinguishable from a wrong password')
  t.notMatch(disabled.body, /disabled/i)
  const auth = cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input
  t.match(auth, { ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH' })
  t.same(auth?.AuthParameters, { USERNAME: 'disabled', PASSWORD }, 'no SECRET_HASH without a client secret')
})

t.test('(mocked Cognito SDK) resend over Cognito\'s attempt limit is 429 TOO_MANY_ATTEMPTS', async t => {
  const { app, cognito } = await mockedApp(t)
  cognito.on(ResendConfirmationCodeCommand).rejects(new LimitExceededException({
    message: 'Attempt limit exceeded, please try after some time.',
    $metadata: METADATA
  }))

  const res = await app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username: 'alice' } })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '60', 'Cognito\'s attempt limits last minutes')
  t.same(res.json(), {
    type: '/problems/too-many-attempts',
    title: 'Too many attempts; wait before trying again.',
    status: 429,
    code: 'TOO_MANY_ATTEMPTS',
    instance: `urn:request:${requestIdOf(t, res)}`
  })
})

t.test('(mocked Cognito SDK) forgot-password for an unknown user: 202 by default, 404 with REVEAL_USER_EXISTENCE', async t => {
  const unknownUser = () => new UserNotFoundException({ message: 'Username/client id combination not found.', $metadata: METADATA })

  t.test('hidden by default', async t => {
    const { app, cognito } = await mockedApp(t)
    cognito.on(ForgotPasswordCommand).rejects(unknownUser())
    const res = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username: 'ghost' } })
    t.equal(res.statusCode, 202)
    t.same(res.json(), { status: 'sent' })
    t.match(cognito.commandCalls(ForgotPasswordCommand)[0]?.args[0].input, { ClientId: CLIENT_ID, Username: 'ghost' })
  })

  t.test('revealed when configured', async t => {
    const { app, cognito } = await mockedApp(t, { env: { REVEAL_USER_EXISTENCE: 'true' } })
    cognito.on(ForgotPasswordCommand).rejects(unknownUser())
    const res = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username: 'ghost' } })
    t.equal(res.statusCode, 404)
    t.same(res.json(), {
      type: '/problems/user-not-found',
      title: 'No such user.',
      status: 404,
      code: 'USER_NOT_FOUND',
      instance: `urn:request:${requestIdOf(t, res)}`
    })
  })
})

t.test('(mocked Cognito SDK) confirming an already confirmed account answers like a wrong code, as an unknown user does', async t => {
  const confirmed = () => new NotAuthorizedException({ message: 'User cannot be confirmed. Current status is CONFIRMED', $metadata: METADATA })
  const unknown = () => new UserNotFoundException({ message: 'Username/client id combination not found.', $metadata: METADATA })

  t.test('hidden by default: POST and the e-mail link\'s button', async t => {
    const { app, cognito } = await mockedApp(t, { env: { SIGNUP_CONFIRMED_URL: 'https://app.example.com/welcome?from=email' } })
    cognito.on(ConfirmSignUpCommand, { Username: 'alice' }).rejects(confirmed())
    cognito.on(ConfirmSignUpCommand, { Username: 'ghost' }).rejects(unknown())
    const alice = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username: 'alice', code: '123456' } })
    const ghost = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username: 'ghost', code: '123456' } })
    expectProblem(t, alice, 'CODE_MISMATCH')
    t.same({ ...alice.json(), instance: undefined }, { ...ghost.json(), instance: undefined }, 'indistinguishable from an unknown user')

    const page = await app.inject({ method: 'GET', url: '/auth/signup/confirm?username=alice&code=123456' })
    const link = await app.inject({
      method: 'POST',
      url: '/auth/signup/confirm/link',
      headers: { origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `confirmation=${/name="confirmation" value="([^"]+)"/.exec(page.body)?.[1]}`
    })
    t.equal(link.statusCode, 303)
    t.equal(link.headers.location, 'https://app.example.com/welcome?from=email&error=CODE_MISMATCH', 'the page\'s own query is kept')
    t.match(cognito.commandCalls(ConfirmSignUpCommand).at(-1)?.args[0].input, { ClientId: CLIENT_ID, Username: 'alice', ConfirmationCode: '123456' })
  })

  t.test('with REVEAL_USER_EXISTENCE: 409 ALREADY_CONFIRMED', async t => {
    const { app, cognito } = await mockedApp(t, { env: { REVEAL_USER_EXISTENCE: 'true' } })
    cognito.on(ConfirmSignUpCommand).rejects(confirmed())
    const post = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username: 'alice', code: '123456' } })
    expectProblem(t, post, 'ALREADY_CONFIRMED')
  })
})

t.test('(mocked Cognito SDK) with a client secret, every call that names a user carries the right SECRET_HASH', async t => {
  const { app, cognito } = await mockedApp(t, { env: { COGNITO_CLIENT_SECRET: CLIENT_SECRET } })
  const username = 'José.alice'
  const hash = SECRET_HASH[username]
  const delivery = { DeliveryMedium: 'EMAIL' as const, Destination: 'a***@e***.com', AttributeName: 'email' }
  cognito.on(SignUpCommand).resolves({ UserSub: '0b6f3b0e-1111-4c3a-9a55-2f6d2d7e4a10', UserConfirmed: false, CodeDeliveryDetails: delivery })
  cognito.on(ConfirmSignUpCommand).resolves({})
  cognito.on(ResendConfirmationCodeCommand).resolves({ CodeDeliveryDetails: delivery })
  cognito.on(InitiateAuthCommand).resolves({
    ChallengeName: 'SOFTWARE_TOKEN_MFA',
    Session: 'opaque-session',
    ChallengeParameters: { USER_ID_FOR_SRP: username }
  })
  cognito.on(ForgotPasswordCommand).resolves({ CodeDeliveryDetails: delivery })
  cognito.on(ConfirmForgotPasswordCommand).resolves({})

  const signup = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: 'alice@example.com' } })
  t.equal(signup.statusCode, 201)
  t.equal(cognito.commandCalls(SignUpCommand)[0]?.args[0].input.SecretHash, hash, 'SignUp')

  const confirm = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: '123456' } })
  t.equal(confirm.statusCode, 200)
  t.equal(cognito.commandCalls(ConfirmSignUpCommand)[0]?.args[0].input.SecretHash, hash, 'ConfirmSignUp')

  const resend = await app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username } })
  t.equal(resend.statusCode, 202)
  t.equal(cognito.commandCalls(ResendConfirmationCodeCommand)[0]?.args[0].input.SecretHash, hash, 'ResendConfirmationCode')

  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(login.statusCode, 200)
  t.match(login.json(), { status: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', session: /^v1\.[\w-]+$/ })
  t.notMatch(login.json().session, 'opaque-session', 'Cognito\'s session goes out sealed')
  t.same(cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input, {
    ClientId: CLIENT_ID,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD, SECRET_HASH: hash },
    UserContextData: { IpAddress: '127.0.0.1', EncodedData: undefined }
  }, 'InitiateAuth (USER_PASSWORD_AUTH)')

  const forgot = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })
  t.equal(forgot.statusCode, 202)
  t.equal(cognito.commandCalls(ForgotPasswordCommand)[0]?.args[0].input.SecretHash, hash, 'ForgotPassword')

  const reset = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { username, code: '123456', password: 'New-Password-77' } })
  t.equal(reset.statusCode, 200)
  t.equal(cognito.commandCalls(ConfirmForgotPasswordCommand)[0]?.args[0].input.SecretHash, hash, 'ConfirmForgotPassword')
})

t.test('(mocked Cognito SDK) with a client secret, the admin login flow carries SECRET_HASH too', async t => {
  const { app, cognito } = await mockedApp(t, { env: { COGNITO_CLIENT_SECRET: CLIENT_SECRET, LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH' } })
  cognito.on(AdminInitiateAuthCommand).rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: METADATA }))

  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })
  t.equal(res.json().code, 'INVALID_CREDENTIALS')
  t.same(cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input, {
    UserPoolId: POOL_ID,
    ClientId: CLIENT_ID,
    AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: 'alice', PASSWORD, SECRET_HASH: SECRET_HASH.alice },
    ContextData: adminContext('/auth/login')
  })
  t.equal(cognito.commandCalls(InitiateAuthCommand).length, 0)
})

t.test('(mocked Cognito SDK) the admin flow answers challenges with AdminRespondToAuthChallenge, SECRET_HASH included', async t => {
  const { app, cognito } = await mockedApp(t, { env: { COGNITO_CLIENT_SECRET: CLIENT_SECRET, LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH' } })
  cognito.on(AdminInitiateAuthCommand).resolves({
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: 'session-1',
    ChallengeParameters: {
      USER_ID_FOR_SRP: 'alice',
      requiredAttributes: '["userAttributes.given_name"]',
      userAttributes: '{"email":"alice@example.com"}'
    }
  })
  cognito.on(AdminRespondToAuthChallengeCommand).rejects(new NotAuthorizedException({
    message: 'Invalid session for the user, session is expired.',
    $metadata: METADATA
  }))

  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: 'Temp-Pass-1' } })
  const { session } = login.json()
  t.same(
    login.json(),
    {
      status: 'challenge',
      challenge: 'NEW_PASSWORD_REQUIRED',
      username: 'alice',
      session,
      respondWith: ['newPassword', 'attributes.given_name'],
      parameters: { requiredAttributes: '["userAttributes.given_name"]' }
    },
    'user attributes are not echoed back'
  )

  const answer = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: {
      username: 'alice',
      challenge: 'NEW_PASSWORD_REQUIRED',
      session,
      newPassword: PASSWORD,
      attributes: { given_name: 'Alice' }
    }
  })
  expectProblem(t, answer, 'SIGN_IN_RESTART', { detail: 'The sign-in session is invalid or expired; start the sign-in again.' })
  t.same(cognito.commandCalls(AdminRespondToAuthChallengeCommand)[0]?.args[0].input, {
    UserPoolId: POOL_ID,
    ClientId: CLIENT_ID,
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: 'session-1',
    ChallengeResponses: { NEW_PASSWORD: PASSWORD, 'userAttributes.given_name': 'Alice', USERNAME: 'alice', SECRET_HASH: SECRET_HASH.alice },
    ContextData: adminContext('/auth/challenge')
  })
  t.equal(cognito.commandCalls(RespondToAuthChallengeCommand).length, 0)
})

t.test('(mocked Cognito SDK) with a client secret, refresh and logout send the secret itself; no username is needed', async t => {
  const { app, cognito, jwks } = await mockedApp(t, { env: { COGNITO_CLIENT_SECRET: CLIENT_SECRET } })
  const fresh = {
    AccessToken: jwks.accessToken('alice'),
    IdToken: jwks.accessToken('alice', { token_use: 'id' }),
    ExpiresIn: 3600,
    TokenType: 'Bearer'
  }
  cognito.on(GetTokensFromRefreshTokenCommand, { RefreshToken: 'good-refresh-token' }).resolves({ AuthenticationResult: fresh })
  cognito.on(GetTokensFromRefreshTokenCommand, { RefreshToken: 'revoked-refresh-token' })
    .rejects(new NotAuthorizedException({ message: 'Refresh Token has been revoked', $metadata: METADATA }))
  cognito.on(RevokeTokenCommand).resolves({})

  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: 'good-refresh-token' } })
  t.equal(refreshed.statusCode, 200)
  t.match(refreshed.json(), { status: 'authenticated', username: 'alice', tokens: { accessToken: fresh.AccessToken, idToken: fresh.IdToken } })
  t.equal(refreshed.json().tokens.refreshToken, undefined, 'no rotation: keep using the refresh token you have')
  t.same(cognito.commandCalls(GetTokensFromRefreshTokenCommand)[0]?.args[0].input, {
    ClientId: CLIENT_ID,
    ClientSecret: CLIENT_SECRET,
    RefreshToken: 'good-refresh-token'
  }, 'GetTokensFromRefreshToken with the client secret')
  t.equal(cognito.commandCalls(InitiateAuthCommand).length, 0, 'not REFRESH_TOKEN_AUTH')

  const revoked = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: 'revoked-refresh-token' } })
  expectProblem(t, revoked, 'SESSION_EXPIRED')

  const logout = await app.inject({ method: 'POST', url: '/auth/logout', payload: { refreshToken: 'good-refresh-token' } })
  t.equal(logout.statusCode, 204)
  t.same(
    cognito.commandCalls(RevokeTokenCommand)[0]?.args[0].input,
    { ClientId: CLIENT_ID, ClientSecret: CLIENT_SECRET, Token: 'good-refresh-token' },
    'RevokeToken authenticates with the secret itself'
  )
})

t.test('(mocked Cognito SDK) a rotated refresh token presented again is a dead session, logged as a warning', async t => {
  const { app, cognito, logs } = await mockedApp(t)
  cognito.on(GetTokensFromRefreshTokenCommand)
    .rejects(new RefreshTokenReuseException({ message: 'Refresh token has been used already.', $metadata: METADATA }))
  const reused = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: 'spent-refresh-token' } })
  expectProblem(t, reused, 'SESSION_EXPIRED')
  const id = String(reused.headers['x-request-id'])
  const warnings = logs.map(line => JSON.parse(line)).filter(line => line.reqId === id && line.level === 40)
  t.equal(warnings.length, 1, 'one warning for the operator')
  t.match(warnings[0].msg, /rotated refresh token was presented again/)
})

t.test('(mocked Cognito SDK) Cognito\'s threat protection sees the end user: address and device data, not this service', async t => {
  t.test('public flow: UserContextData, the client address through a trusted proxy', async t => {
    const { app, cognito } = await mockedApp(t, { env: { TRUST_PROXY: '1' } })
    cognito.on(InitiateAuthCommand).rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: METADATA }))
    cognito.on(SignUpCommand).resolves({ UserSub: 'sub-1', UserConfirmed: false })
    const headers = { 'x-forwarded-for': '203.0.113.7', 'x-user-context-data': 'eyJwYXlsb2FkIjoiZGV2aWNlIn0=' }
    await app.inject({ method: 'POST', url: '/auth/login', headers, payload: { username: 'alice', password: PASSWORD } })
    const bob = { username: 'bob', password: PASSWORD }
    await app.inject({ method: 'POST', url: '/auth/signup', headers: { 'x-forwarded-for': '203.0.113.8' }, payload: bob })
    const login = cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input
    t.same(login?.UserContextData, { IpAddress: '203.0.113.7', EncodedData: 'eyJwYXlsb2FkIjoiZGV2aWNlIn0=' })
    t.same(cognito.commandCalls(SignUpCommand)[0]?.args[0].input.UserContextData, { IpAddress: '203.0.113.8', EncodedData: undefined })
    const junk = { 'x-user-context-data': 'not base64 <script>' }
    await app.inject({ method: 'POST', url: '/auth/login', headers: junk, payload: { username: 'alice', password: PASSWORD } })
    t.equal(cognito.commandCalls(InitiateAuthCommand)[1]?.args[0].input.UserContextData?.EncodedData, undefined, 'junk device data is not passed on')
  })

  t.test('admin flow: ContextData with descriptive headers only, never cookies or credentials', async t => {
    const { app, cognito } = await mockedApp(t, { env: { LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH', PUBLIC_URL: 'https://auth.example.com' } })
    cognito.on(AdminInitiateAuthCommand).rejects(new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: METADATA }))
    await app.inject({
      method: 'POST',
      url: '/auth/login?x=1',
      remoteAddress: '198.51.100.4',
      headers: { 'user-agent': 'Firefox/140', 'accept-language': 'fr', cookie: 'bff_refresh=secret', authorization: 'Bearer secret' },
      payload: { username: 'alice', password: PASSWORD }
    })
    t.same(cognito.commandCalls(AdminInitiateAuthCommand)[0]?.args[0].input.ContextData, {
      IpAddress: '198.51.100.4',
      ServerName: 'auth.example.com',
      ServerPath: '/auth/login',
      HttpHeaders: [{ headerName: 'user-agent', headerValue: 'Firefox/140' }, { headerName: 'accept-language', headerValue: 'fr' }],
      EncodedData: undefined
    })
  })
})
