/**
 * Per-account failure budgets, on the embedded emulator: a password spray at
 * one account from many addresses is stopped before Cognito, while other
 * accounts (and unknown usernames, alike) are unaffected.
 */
import { CognitoIdentityProviderClient, InitiateAuthCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import { authenticator } from 'otplib'
import t from 'tap'
import { createCognitoGateway } from '../../src/cognito/gateway.js'
import { buildAwsApp, buildTestApp, expectProblem, PASSWORD, uniqueUsername } from '../helper.js'
import { COGNITO_TIMEOUT_MS } from '../helpers/timeouts.js'

const { app, local, confirmedUser, latestCode } = await buildTestApp(t, {
  env: { ACCOUNT_SIGNIN_FAILURES: '5', ACCOUNT_CODE_FAILURES: '3', ACCOUNT_FAILURE_LIMIT_TOTAL: '30' }
})

/** Password sign-ins that reached the emulator. */
let initiateAuths = 0
local.sdk.middlewareStack.add(next => async args => {
  if ((args.input as { AuthFlow?: string }).AuthFlow === 'USER_PASSWORD_AUTH') initiateAuths++
  return await next(args)
}, { step: 'initialize', name: 'countLogins' })

t.test('200 wrong passwords at one account from 20 addresses: 429s long before Cognito is asked 200 times', async t => {
  const victim = await confirmedUser('victim')
  const bystander = await confirmedUser('bystander')
  const before = initiateAuths
  const statuses: number[] = []
  for (let round = 0; round < 10; round++) {
    const batch = await Promise.all(Array.from({ length: 20 }, (_, i) => app.inject({
      method: 'POST',
      url: '/auth/login',
      remoteAddress: `198.51.100.${i + 1}`,
      payload: { username: victim.username, password: `Wrong-Guess-${round}-${i}` }
    })))
    statuses.push(...batch.map(r => r.statusCode))
  }
  const asked = initiateAuths - before
  t.ok(asked <= 30, `Cognito was asked ${asked} times for 200 attempts (5 per address, 30 in all)`)
  t.equal(statuses.filter(s => s === 429).length, 200 - statuses.filter(s => s === 401).length, 'every attempt not refused by Cognito got 429')
  t.ok(statuses.filter(s => s === 429).length > 150, `${statuses.filter(s => s === 429).length} answered 429`)

  const locked = await app.inject({ method: 'POST', url: '/auth/login', payload: victim })
  expectProblem(t, locked, 'TOO_MANY_ATTEMPTS')
  t.ok(Number(locked.headers['retry-after']) > 800, 'Retry-After: until the window ends')
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: bystander })).statusCode, 200, 'another account is unaffected')

  // Another spelling of the same username is the same account.
  const shouted = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: victim.username.toUpperCase(), password: PASSWORD } })
  t.equal(shouted.statusCode, 429, 'upper case does not open a second budget')
})

t.test('50 wrong passwords in parallel: Cognito is asked at most the budget (reserved before the attempt)', async t => {
  const victim = await confirmedUser('parallel')
  const before = initiateAuths
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: victim.username, password: `Wrong-Guess-${i}` }
  })))
  const asked = initiateAuths - before
  t.ok(asked <= 5, `Cognito was asked ${asked} times (budget 5)`)
  t.equal(answers.filter(a => a.statusCode === 401).length, asked, 'every guess Cognito saw was a 401')
  t.equal(answers.filter(a => a.statusCode === 429).length, 50 - asked, 'every other one a 429')
})

t.test('a success gives its reserved unit back: signing in does not spend the budget', async t => {
  const user = await confirmedUser('regular')
  for (let i = 0; i < 8; i++) {
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: user })).statusCode, 200, `sign-in ${i + 1}`)
  }
  const wrong = await Promise.all(Array.from({ length: 4 }, (_, i) =>
    app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: `Wrong-${i}` } })))
  t.same(wrong.map(r => r.statusCode), [401, 401, 401, 401], 'the whole budget is still there for mistakes')
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: user })).statusCode, 200)
})

t.test('an unknown username is counted exactly like a real one: the 429 tells nothing', async t => {
  const ghost = uniqueUsername('ghost')
  const answers = []
  for (let i = 0; i < 7; i++) {
    answers.push(await app.inject({ method: 'POST', url: '/auth/login', payload: { username: ghost, password: `Guess-${i}` } }))
  }
  t.same(answers.map(a => a.statusCode), [401, 401, 401, 401, 401, 429, 429])
})

t.test('SIGN_IN_RESTART answers (made-up challenge sessions) count against the account', async t => {
  const user = await confirmedUser('restart')
  const answers = []
  for (let i = 0; i < 7; i++) {
    answers.push(await app.inject({
      method: 'POST',
      url: '/auth/challenge',
      remoteAddress: '192.0.2.1',
      payload: { username: user.username, challenge: 'SOFTWARE_TOKEN_MFA', session: `made-up-${i}`, code: '123456' }
    }))
  }
  t.same(answers.map(a => a.json<{ code: string }>().code), [...Array(5).fill('SIGN_IN_RESTART'), ...Array(2).fill('TOO_MANY_ATTEMPTS')])
})

t.test('wrong confirmation codes are counted per account too', async t => {
  const username = uniqueUsername('codes')
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  const wrong = (i: number) =>
    app.inject({ method: 'POST', url: '/auth/signup/confirm', remoteAddress: '203.0.113.1', payload: { username, code: `00000${i}` } })
  t.same([(await wrong(1)).statusCode, (await wrong(2)).statusCode, (await wrong(3)).statusCode], [400, 400, 400])
  expectProblem(t, await wrong(4), 'TOO_MANY_ATTEMPTS')
  const right = { username, code: latestCode(username) }
  const same = await app.inject({ method: 'POST', url: '/auth/signup/confirm', remoteAddress: '203.0.113.1', payload: right })
  expectProblem(t, same, 'TOO_MANY_ATTEMPTS')
  const elsewhere = await app.inject({ method: 'POST', url: '/auth/signup/confirm', remoteAddress: '203.0.113.2', payload: right })
  t.equal(elsewhere.statusCode, 200, 'the owner, from an address without failures, confirms')
})

t.test('wrong codes at POST /me/mfa/totp/verify are counted against the account\'s code budget', async t => {
  const user = await confirmedUser('totp-guess')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...user, tokenDelivery: 'body' } })
  const headers = { authorization: `Bearer ${login.json<{ tokens: { accessToken: string } }>().tokens.accessToken}` }
  const { secret } = (await app.inject({ method: 'POST', url: '/me/mfa/totp', headers })).json<{ secret: string }>()
  // A code that is neither the current one nor one of its neighbours'.
  const wrong = () => {
    const near = new Set([-30_000, 0, 30_000].map(offset => authenticator.clone({ epoch: Date.now() + offset }).generate(secret)))
    return ['000000', '111111', '222222', '333333'].find(code => !near.has(code))!
  }
  const answers = []
  for (let i = 0; i < 5; i++) answers.push(await app.inject({ method: 'POST', url: '/me/mfa/totp/verify', headers, payload: { code: wrong() } }))
  t.same(answers.map(a => a.json<{ code: string }>().code), [...Array(3).fill('CODE_MISMATCH'), 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS'])
  t.ok(Number(answers[3]!.headers['retry-after']) > 0, 'with Retry-After')
  const right = await app.inject({ method: 'POST', url: '/me/mfa/totp/verify', headers, payload: { code: authenticator.generate(secret) } })
  expectProblem(t, right, 'TOO_MANY_ATTEMPTS')
})

t.test('a stranger\'s wrong passwords do not lock the owner out: budgets per account and address, and a higher one per account', async t => {
  const owner = await confirmedUser('owner')
  const stranger = (i: number) => app.inject({
    method: 'POST', url: '/auth/login', remoteAddress: '198.18.0.1', payload: { username: owner.username, password: `Wrong-${i}` }
  })
  const answers = []
  for (let i = 0; i < 10; i++) answers.push((await stranger(i)).statusCode)
  t.same(answers, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429], 'the stranger\'s address is throttled after 5')
  const own = await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '198.18.0.2', payload: owner })
  t.equal(own.statusCode, 200, 'the owner, from an address with no failures, signs in')
  expectProblem(t, await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '198.18.0.1', payload: owner }), 'TOO_MANY_ATTEMPTS')

  // A spray from 200 addresses, one guess each: the account's total (30) stops it.
  const before = initiateAuths
  const spray = await Promise.all(Array.from({ length: 200 }, (_, i) => app.inject({
    method: 'POST', url: '/auth/login', remoteAddress: `10.1.${i >> 8}.${i & 255}`, payload: { username: owner.username, password: `Spray-${i}` }
  })))
  const asked = initiateAuths - before
  t.ok(asked <= 30, `Cognito was asked ${asked} times for 200 guesses from 200 addresses`)
  t.equal(spray.filter(r => r.statusCode === 429).length, 200 - asked)
  expectProblem(t, await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '198.18.0.3', payload: owner }), 'TOO_MANY_ATTEMPTS')
})

t.test('(mocked Cognito SDK: the emulator has no lockout) Cognito\'s "Password attempts exceeded" is 429 TOO_MANY_ATTEMPTS, not 401', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  cognito.on(InitiateAuthCommand).rejects(new NotAuthorizedException({ message: 'Password attempts exceeded', $metadata: { httpStatusCode: 400 } }))
  const { app } = await buildAwsApp(t, {
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })
  expectProblem(t, response, 'TOO_MANY_ATTEMPTS')
  t.ok(Number(response.headers['retry-after']) > 0, `Retry-After: ${response.headers['retry-after']}`)
})
