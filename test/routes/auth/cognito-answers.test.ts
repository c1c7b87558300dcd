/**
 * Cognito's answers that only a real pool gives, over a mocked SDK client
 * (AWS mode, tokens from a real JWKS server), with the SDK's own exception
 * classes and Cognito's own messages: the daily e-mail limit of Cognito's
 * default sender, a WAF web ACL's block, a Lambda trigger's refusal, and
 * SELECT_MFA_TYPE's offer; and the ClientMetadata the triggers are sent.
 */
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  ForbiddenException,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  InitiateAuthCommand,
  LimitExceededException,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UserLambdaValidationException
} from '@aws-sdk/client-cognito-identity-provider'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mockClient } from 'aws-sdk-client-mock'
import t, { type Test } from 'tap'
import { createCognitoGateway } from '../../../src/cognito/gateway.js'
import { buildAwsApp, expectProblem, PASSWORD } from '../../helper.js'
import { COGNITO_TIMEOUT_MS, fileTimeout } from '../../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const METADATA = { httpStatusCode: 400, requestId: '3f1a3c2e-0b7a-4c7e-9d2a-1d5e8f0a9b11', attempts: 1, totalRetryDelay: 0 }
const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghij'
/** Cognito's message, word for word. */
const DAILY_LIMIT = 'Exceeded daily email limit for the operation or the account. If a higher limit is required, ' +
  'please configure your user pool to use your own Amazon SES configuration for sending email.'
const quotaError = () => new LimitExceededException({ message: DAILY_LIMIT, $metadata: METADATA })
const wafBlock = () => new ForbiddenException({ message: 'AWS WAF blocked the request', $metadata: { ...METADATA, httpStatusCode: 403 } })

async function mockedApp (t: Test, env: Record<string, string> = {}) {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  const built = await buildAwsApp(t, {
    env: { METRICS_TOKEN, ...env },
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  const post = (url: string, payload: object, token?: string) => built.app.inject({
    method: 'POST', url, payload, headers: token === undefined ? {} : { authorization: `Bearer ${token}` }
  })
  return { ...built, cognito, post, errorLines: errorLines(built.logs) }
}

/** A request's error-level log lines. */
const errorLines = (logs: string[]) => (id: unknown) => logs.map(line => JSON.parse(line) as Record<string, any>)
  .filter(entry => entry.reqId === id && entry.level === 50)

/**
 * The app over a real SDK client (its middleware, which the metrics observe, included) whose Cognito is a
 * small HTTP server answering every call with the daily e-mail limit, as Cognito's JSON protocol does.
 */
async function quotaExhaustedApp (t: Test, env: Record<string, string> = {}) {
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'LimitExceededException' })
      response.end(JSON.stringify({ __type: 'LimitExceededException', message: DAILY_LIMIT }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))
  const built = await buildAwsApp(t, {
    env: { METRICS_TOKEN, COGNITO_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...env },
    gateway: config => createCognitoGateway({
      pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }
    })
  })
  /** The e-mail quota counter, by operation, as /metrics shows it. */
  const quotaCount = async (operation: string) => {
    const text = (await built.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body
    const line = text.split('\n').find(l => l.startsWith(`cognito_bff_email_quota_exceeded_total{operation="${operation}"}`))
    return line === undefined ? 0 : Number(line.split(' ').pop())
  }
  return { ...built, quotaCount, errorLines: errorLines(built.logs) }
}

const NOT_SENT = 'could not be sent: the user pool\'s daily e-mail limit is reached.'
const AT_SIGN_UP = `The account was created, but the confirmation code ${NOT_SENT} Do not sign up again; ask for a new code later (resend).`

t.test('(mocked SDK: daily e-mail quota) sign-up: 503 CODE_DELIVERY_FAILED saying the account exists, and an error line', async t => {
  const { cognito, post, errorLines } = await mockedApp(t)
  cognito.on(SignUpCommand).rejects(quotaError())
  const res = await post('/auth/signup', { username: 'alice', password: PASSWORD, email: 'alice@example.com' })
  expectProblem(t, res, 'CODE_DELIVERY_FAILED', { detail: AT_SIGN_UP })
  t.equal(res.headers['retry-after'], '3600', 'not "wait 60 s": the limit is daily')
  const lines = errorLines(res.headers['x-request-id'])
  t.equal(lines.length, 1, 'one error-level line')
  t.match(lines[0], { code: 'CODE_DELIVERY_FAILED', err: { type: 'LimitExceededException', message: DAILY_LIMIT } })
  t.notMatch(JSON.stringify(lines), PASSWORD, 'no password in the log')
})

t.test('(real SDK client, a Cognito stand-in at its daily e-mail quota) each refusal is counted by operation, whatever the answer', async t => {
  const { app, quotaCount, errorLines } = await quotaExhaustedApp(t)
  t.equal(await quotaCount('SignUp'), 0)
  expectProblem(t, await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'alice', password: PASSWORD } }),
    'CODE_DELIVERY_FAILED', { detail: AT_SIGN_UP })
  const forgot = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username: 'alice' } })
  t.equal(forgot.statusCode, 202, 'answered as sent: the account stays private')
  t.equal(errorLines(forgot.headers['x-request-id']).length, 1, 'and logged at error level')
  t.equal(await quotaCount('SignUp'), 1)
  t.equal(await quotaCount('ForgotPassword'), 1)
})

t.test('(mocked SDK: daily e-mail quota) resend and forgot: as sent unless REVEAL_USER_EXISTENCE, logged either way', async t => {
  for (const [url, command, operation] of [
    ['/auth/signup/resend', ResendConfirmationCodeCommand, 'ResendConfirmationCode'],
    ['/auth/password/forgot', ForgotPasswordCommand, 'ForgotPassword']
  ] as const) {
    const hidden = await mockedApp(t)
    hidden.cognito.on(command).rejects(quotaError())
    const res = await hidden.post(url, { username: 'alice' })
    t.equal(res.statusCode, 202, `${url}: the account stays private`)
    t.same(res.json(), { status: 'sent' })
    t.match(hidden.errorLines(res.headers['x-request-id']), [{ code: 'CODE_DELIVERY_FAILED', err: { message: DAILY_LIMIT } }], `${url}: logged`)

    const revealed = await mockedApp(t, { REVEAL_USER_EXISTENCE: 'true' })
    revealed.cognito.on(command).rejects(quotaError())
    const shown = await revealed.post(url, { username: 'alice' })
    expectProblem(t, shown, 'CODE_DELIVERY_FAILED', { detail: `The code ${NOT_SENT} Ask for a new one later.` })
    t.equal(revealed.cognito.commandCalls(command).length, 1, `${operation} sent once`)
  }
})

t.test('(mocked SDK: daily e-mail quota) attribute verification and an invitation: 503 CODE_DELIVERY_FAILED', async t => {
  const { cognito, post, jwks } = await mockedApp(t, { ADMIN_API: 'true' })
  cognito.on(GetUserAttributeVerificationCodeCommand).rejects(quotaError())
  cognito.on(AdminCreateUserCommand).rejects(quotaError())
  const verify = await post('/me/attributes/verify/send', { attribute: 'email' }, jwks.accessToken('alice'))
  expectProblem(t, verify, 'CODE_DELIVERY_FAILED', { detail: `The code ${NOT_SENT} Ask for a new one later.` })
  const invite = await post('/admin/users', { username: 'bob', attributes: { email: 'bob@example.com' } },
    jwks.accessToken('root', { 'cognito:groups': ['admins'] }))
  expectProblem(t, invite, 'CODE_DELIVERY_FAILED', {
    detail: `The user may have been created, but the invitation ${NOT_SENT} Look the user up, and resend the invitation later.`
  })
})

t.test('(mocked SDK) Cognito\'s other LimitExceededException at sign-up is still 429 TOO_MANY_ATTEMPTS', async t => {
  const { cognito, post } = await mockedApp(t)
  const attempts = 'Attempt limit exceeded, please try after some time.'
  cognito.on(SignUpCommand).rejects(new LimitExceededException({ message: attempts, $metadata: METADATA }))
  expectProblem(t, await post('/auth/signup', { username: 'alice', password: PASSWORD }), 'TOO_MANY_ATTEMPTS')
})

t.test('(mocked SDK: WAF) a request the pool\'s web ACL blocks is 403 REQUEST_BLOCKED, at sign-in and at forgot alike', async t => {
  const { cognito, post } = await mockedApp(t)
  cognito.on(InitiateAuthCommand).rejects(wafBlock())
  cognito.on(ForgotPasswordCommand).rejects(wafBlock())
  expectProblem(t, await post('/auth/login', { username: 'alice', password: PASSWORD }), 'REQUEST_BLOCKED')
  expectProblem(t, await post('/auth/password/forgot', { username: 'alice' }), 'REQUEST_BLOCKED', {})
})

t.test('(mocked SDK: Lambda trigger) the team\'s own message reaches the user: 400 INVALID_PARAMETER, prefix and Cognito\'s period gone', async t => {
  const { cognito, post } = await mockedApp(t)
  const refusal = (message: string) => new UserLambdaValidationException({ message, $metadata: METADATA })
  cognito.on(SignUpCommand, { Username: 'closed' }).rejects(refusal('PreSignUp failed with error Sign-ups from example.org are closed..'))
  cognito.on(SignUpCommand, { Username: 'crash' })
    .rejects(refusal('PreSignUp failed with error RequestId: 9fdb5cfa-5ec1-47bf Error: Runtime exited with error: exit status 129.'))
  cognito.on(InitiateAuthCommand).rejects(refusal('PreAuthentication failed with error Your account is suspended; call us.'))

  expectProblem(t, await post('/auth/signup', { username: 'closed', password: PASSWORD }), 'INVALID_PARAMETER', {
    detail: 'Sign-ups from example.org are closed.'
  })
  expectProblem(t, await post('/auth/login', { username: 'alice', password: PASSWORD }), 'INVALID_PARAMETER', {
    detail: 'Your account is suspended; call us'
  })
  const crash = await post('/auth/signup', { username: 'crash', password: PASSWORD })
  expectProblem(t, crash, 'INVALID_PARAMETER', { detail: 'The request was refused by the user pool\'s validation.' })
  t.notMatch(crash.body, /RequestId|Runtime/, 'a crash report is not the team\'s message')
})

t.test('(mocked SDK: SELECT_MFA_TYPE) the answer offers what Cognito offers; another choice is refused before Cognito is asked', async t => {
  const { cognito, post } = await mockedApp(t)
  cognito.on(InitiateAuthCommand).resolves({
    ChallengeName: 'SELECT_MFA_TYPE',
    Session: 'cognito-session',
    ChallengeParameters: { USER_ID_FOR_SRP: 'alice', MFAS_CAN_CHOOSE: '["SMS_MFA","EMAIL_OTP"]' }
  })
  cognito.on(RespondToAuthChallengeCommand).resolves({
    ChallengeName: 'EMAIL_OTP', Session: 'cognito-session-2', ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL' }
  })
  const login = await post('/auth/login', { username: 'alice', password: PASSWORD })
  t.equal(login.statusCode, 200)
  t.match(login.json(), { status: 'challenge', challenge: 'SELECT_MFA_TYPE', respondWith: ['mfaType'], mfaTypes: ['SMS_MFA', 'EMAIL_OTP'] })
  const { session } = login.json()

  const notOffered = await post('/auth/challenge', { username: 'alice', challenge: 'SELECT_MFA_TYPE', session, mfaType: 'SOFTWARE_TOKEN_MFA' })
  expectProblem(t, notOffered, 'VALIDATION_FAILED', {
    detail: 'Choose one of the MFA types offered (mfaTypes).',
    errors: [{ field: '/body/mfaType', message: 'must be one of SMS_MFA, EMAIL_OTP' }]
  })
  t.equal(cognito.commandCalls(RespondToAuthChallengeCommand).length, 0, 'Cognito is not asked')

  const offered = await post('/auth/challenge', { username: 'alice', challenge: 'SELECT_MFA_TYPE', session, mfaType: 'EMAIL_OTP' })
  t.match(offered.json(), { status: 'challenge', challenge: 'EMAIL_OTP', respondWith: ['code'] })
  t.match(cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input, {
    ChallengeName: 'SELECT_MFA_TYPE', Session: 'cognito-session', ChallengeResponses: { ANSWER: 'EMAIL_OTP', USERNAME: 'alice' }
  })
})

t.test('(mocked SDK: trigger context) every call that sends a code carries ClientMetadata: locale and calling site; a hostile locale is dropped',
  async t => {
    const site = 'https://auth.example.com'
    const { cognito, app, jwks } = await mockedApp(t, { PUBLIC_URL: site, ADMIN_API: 'true' })
    const delivery = { DeliveryMedium: 'EMAIL' as const, Destination: 'a***@e***.com', AttributeName: 'email' }
    cognito.on(SignUpCommand).resolves({ UserSub: 'sub-1', UserConfirmed: false, CodeDeliveryDetails: delivery })
    cognito.on(ResendConfirmationCodeCommand).resolves({ CodeDeliveryDetails: delivery })
    cognito.on(ForgotPasswordCommand).resolves({ CodeDeliveryDetails: delivery })
    cognito.on(GetUserAttributeVerificationCodeCommand).resolves({ CodeDeliveryDetails: delivery })
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: 'bob', UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true } })
    const send = (url: string, payload: object, language: string, token?: string) => app.inject({
      method: 'POST',
      url,
      payload,
      headers: { origin: site, 'accept-language': language, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }
    })
    const calls = async (language: string) => {
      t.equal((await send('/auth/signup', { username: 'alice', password: PASSWORD }, language)).statusCode, 201)
      t.equal((await send('/auth/signup/resend', { username: 'alice' }, language)).statusCode, 202)
      t.equal((await send('/auth/password/forgot', { username: 'alice' }, language)).statusCode, 202)
      t.equal((await send('/me/attributes/verify/send', { attribute: 'email' }, language, jwks.accessToken('alice'))).statusCode, 202)
      const admin = jwks.accessToken('root', { 'cognito:groups': ['admins'] })
      t.equal((await send('/admin/users', { username: 'bob', attributes: { email: 'bob@example.com' } }, language, admin)).statusCode, 201)
    }
    const metadataOf = (at: number) => [
      cognito.commandCalls(SignUpCommand)[at]?.args[0].input.ClientMetadata,
      cognito.commandCalls(ResendConfirmationCodeCommand)[at]?.args[0].input.ClientMetadata,
      cognito.commandCalls(ForgotPasswordCommand)[at]?.args[0].input.ClientMetadata,
      cognito.commandCalls(GetUserAttributeVerificationCodeCommand)[at]?.args[0].input.ClientMetadata,
      cognito.commandCalls(AdminCreateUserCommand)[at]?.args[0].input.ClientMetadata
    ]

    await calls('pt-BR,pt;q=0.9,en;q=0.5')
    t.same(metadataOf(0), Array(5).fill({ bff_locale: 'pt-BR', bff_origin: site }), 'SignUp, Resend, Forgot, attribute code, AdminCreateUser')
    await calls('"><img src=x onerror=alert(1)>, fr')
    t.same(metadataOf(1), Array(5).fill({ bff_origin: site }), 'a first tag that is not a language tag is dropped, not repaired')
  })
