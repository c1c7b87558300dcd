import { ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { buildTestApp, expectProblem, PASSWORD, uniqueUsername } from '../../helper.js'
import { refused, sdkFor } from '../../helpers/emulator-sdk.js'

// Choice-based sign-in (LOGIN_FLOW=USER_AUTH) against the embedded emulator and its local layer; a confirmed sign-up signs in.
const { app, local, latestCode, confirmedUser, logs } = await buildTestApp(t, { env: { LOGIN_FLOW: 'USER_AUTH', SIGN_IN_AFTER_CONFIRM: 'true' } })

const login = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/auth/login', payload })
const answer = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/auth/challenge', payload })
const RESTART = { detail: 'The sign-in session is invalid or expired; start the sign-in again.' }
const messagesTo = (username: string) => local.outbox.list(username).length

function claims (jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>
}

/** Signs in `username` by e-mail code up to the EMAIL_OTP challenge; returns it. */
async function pickEmailCode (username: string) {
  const select = await login({ username })
  const picked = await answer({ username, challenge: 'SELECT_CHALLENGE', session: select.json().session, answer: 'EMAIL_OTP' })
  t.equal(picked.statusCode, 200, 'EMAIL_OTP picked')
  return picked.json()
}

/** Signs in `username` by e-mail code up to the EMAIL_OTP challenge; returns it and the code "sent". */
async function emailChallenge (username: string) {
  return { challenge: await pickEmailCode(username), code: latestCode(username) }
}

t.test('password first: a username and password sign in; a wrong password is INVALID_CREDENTIALS', async t => {
  const { username } = await confirmedUser('ua-password')
  const ok = await login({ username, password: PASSWORD, tokenDelivery: 'body' })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { status: 'authenticated', username, tokens: { accessToken: String, refreshToken: String } })
  t.type(claims(ok.json().tokens.accessToken).origin_jti, 'string', 'tokens carry origin_jti, as every sign-in\'s do')

  const explicit = await login({ username, password: PASSWORD, preferredChallenge: 'PASSWORD', tokenDelivery: 'body' })
  t.equal(explicit.json().status, 'authenticated', 'preferredChallenge PASSWORD is the same sign-in')

  expectProblem(t, await login({ username, password: 'Wrong-Horse-9' }), 'INVALID_CREDENTIALS')
  expectProblem(t, await login({ username: uniqueUsername('nobody'), password: PASSWORD }), 'INVALID_CREDENTIALS')
  const noPassword = await login({ username, preferredChallenge: 'PASSWORD' })
  expectProblem(t, noPassword, 'VALIDATION_FAILED', {
    detail: 'preferredChallenge PASSWORD needs password.',
    errors: [{ field: '/body/password', message: 'is required' }]
  })
})

t.test('a username alone answers SELECT_CHALLENGE as data, with the factors the pool offers', async t => {
  const { username } = await confirmedUser('ua-select')
  const select = await login({ username })
  t.equal(select.statusCode, 200)
  t.match(select.json(), {
    status: 'challenge', challenge: 'SELECT_CHALLENGE', username, session: String, respondWith: ['answer'], parameters: {}
  })
  t.same(select.json().availableChallenges, ['PASSWORD', 'EMAIL_OTP'])
  t.same(select.cookies, [], 'no session yet')
  t.equal(messagesTo(username), 1, 'nothing sent yet (only the sign-up code)')

  const notOffered = await answer({ username, challenge: 'SELECT_CHALLENGE', session: select.json().session, answer: 'SOFTWARE_TOKEN_MFA' })
  expectProblem(t, notOffered, 'VALIDATION_FAILED', {
    detail: 'SELECT_CHALLENGE needs a factor as answer.',
    errors: [{ field: '/body/answer', message: 'must be one of PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN' }]
  })
  const sms = await answer({ username, challenge: 'SELECT_CHALLENGE', session: select.json().session, answer: 'SMS_OTP' })
  expectProblem(t, sms, 'INVALID_PARAMETER')
})

t.test('SELECT_CHALLENGE answered PASSWORD with the password signs in; a wrong one is INVALID_CREDENTIALS', async t => {
  const { username } = await confirmedUser('ua-pick-password')
  const select = await login({ username })
  const { session } = select.json()
  const missing = await answer({ username, challenge: 'SELECT_CHALLENGE', session, answer: 'PASSWORD' })
  expectProblem(t, missing, 'VALIDATION_FAILED', {
    detail: 'Answer PASSWORD needs password.',
    errors: [{ field: '/body/password', message: 'is required' }]
  })
  const wrong = await answer({ username, challenge: 'SELECT_CHALLENGE', session, answer: 'PASSWORD', password: 'Wrong-Horse-9' })
  expectProblem(t, wrong, 'INVALID_CREDENTIALS')
  const again = await login({ username })
  const ok = await answer({
    username, challenge: 'SELECT_CHALLENGE', session: again.json().session, answer: 'PASSWORD', password: PASSWORD, tokenDelivery: 'body'
  })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { status: 'authenticated', username, tokens: { accessToken: String } })
})

t.test('e-mail code: picked at SELECT_CHALLENGE, an 8-digit code goes to /local/messages; wrong is CODE_MISMATCH, right signs in', async t => {
  const { username } = await confirmedUser('ua-email')
  const { challenge, code } = await emailChallenge(username)
  t.match(challenge, {
    status: 'challenge',
    challenge: 'EMAIL_OTP',
    username,
    respondWith: ['code'],
    parameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL', CODE_DELIVERY_DESTINATION: 'u***@e***' }
  })
  t.match(code, /^\d{8}$/, 'Cognito\'s passwordless codes have 8 digits')
  t.match(local.outbox.list(username)[0], { kind: 'Authentication', medium: 'EMAIL', destination: `${username}@example.com` })
  const listed = await app.inject({ method: 'GET', url: `/local/messages?username=${username}` })
  t.equal(listed.json()[0]?.code, code, 'the code shows in /local/messages')

  const wrongCode = String((Number(code) + 1) % 1e8).padStart(8, '0')
  const wrong = await answer({ username, challenge: 'EMAIL_OTP', session: challenge.session, code: wrongCode })
  expectProblem(t, wrong, 'CODE_MISMATCH')

  const ok = await answer({ username, challenge: 'EMAIL_OTP', session: challenge.session, code, tokenDelivery: 'body' })
  t.equal(ok.statusCode, 200, 'a wrong code leaves the session for another try')
  const { tokens } = ok.json()
  t.match(ok.json(), { status: 'authenticated', username, tokens: { accessToken: String, idToken: String, refreshToken: String } })
  t.equal(claims(tokens.accessToken).username, username)
  t.equal(claims(tokens.accessToken).origin_jti, claims(tokens.refreshToken).jti, 'access token tied to its refresh token (revocation works)')

  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${tokens.accessToken}` } })
  t.equal(me.statusCode, 200, 'the tokens work at /me')
  const refresh = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: tokens.refreshToken } })
  t.equal(refresh.statusCode, 200, 'the refresh token is kept, so it refreshes')

  const reused = await answer({ username, challenge: 'EMAIL_OTP', session: challenge.session, code })
  expectProblem(t, reused, 'SIGN_IN_RESTART', RESTART)
  t.notOk(logs.some(line => line.includes(code)), 'the code never reaches a log line')
})

t.test('preferredChallenge EMAIL_OTP sends the code at once; a code from an earlier sign-in does not work', async t => {
  const { username } = await confirmedUser('ua-prefer-email')
  const first = await emailChallenge(username)
  const direct = await login({ username, preferredChallenge: 'EMAIL_OTP' })
  t.match(direct.json(), { status: 'challenge', challenge: 'EMAIL_OTP', respondWith: ['code'] })
  const code = latestCode(username)
  t.not(code, first.code, 'a new code for the new sign-in')
  if (code !== first.code) {
    const old = await answer({ username, challenge: 'EMAIL_OTP', session: direct.json().session, code: first.code })
    expectProblem(t, old, 'CODE_MISMATCH')
  }
  const ok = await answer({ username, challenge: 'EMAIL_OTP', session: direct.json().session, code })
  t.equal(ok.json().status, 'authenticated')
  t.ok(ok.cookies.some(c => c.name === 'bff_access'), 'session cookies set')
})

t.test('a tampered or re-bound session is SIGN_IN_RESTART (checked before Cognito is asked)', async t => {
  const { username } = await confirmedUser('ua-tamper')
  const other = await confirmedUser('ua-other')
  const { challenge, code } = await emailChallenge(username)
  const { session } = challenge
  const flipped = session.slice(0, -2) + (session.at(-2) === 'A' ? 'B' : 'A') + session.at(-1)
  expectProblem(t, await answer({ username, challenge: 'EMAIL_OTP', session: flipped, code }), 'SIGN_IN_RESTART', RESTART)
  expectProblem(t, await answer({ username: other.username, challenge: 'EMAIL_OTP', session, code }), 'SIGN_IN_RESTART', RESTART)
  expectProblem(t, await answer({ username, challenge: 'SMS_OTP', session, code }), 'SIGN_IN_RESTART', RESTART)

  const ok = await answer({ username, challenge: 'EMAIL_OTP', session, code })
  t.equal(ok.json().status, 'authenticated', 'control: the untouched session still signs in')
})

t.test('an unknown user is led through the same steps, and nothing is sent', async t => {
  const username = uniqueUsername('ua-nobody')
  const select = await login({ username })
  t.match(select.json(), { status: 'challenge', challenge: 'SELECT_CHALLENGE', availableChallenges: ['PASSWORD', 'EMAIL_OTP'] })
  const picked = await answer({ username, challenge: 'SELECT_CHALLENGE', session: select.json().session, answer: 'EMAIL_OTP' })
  t.match(picked.json(), { status: 'challenge', challenge: 'EMAIL_OTP', parameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL' } })
  t.equal(messagesTo(username), 0, 'no message')
  expectProblem(t, await answer({ username, challenge: 'EMAIL_OTP', session: picked.json().session, code: '12345678' }), 'CODE_MISMATCH')
})

t.test('EMAIL_OTP: an unknown user\'s masked destination has a real one\'s form and does not follow from the username', async t => {
  const MASK = /^[a-z]\*\*\*@[a-z]\*\*\*$/
  const shape = (body: Record<string, unknown>) => ({ keys: Object.keys(body).sort(), parameters: Object.keys(body.parameters as object).sort() })
  const { username: known } = await confirmedUser('ua-mask')
  const real = (await emailChallenge(known)).challenge
  t.match(real.parameters.CODE_DELIVERY_DESTINATION, MASK, 'a real user\'s address, masked')
  const masks: string[] = []
  for (let i = 0; i < 6; i++) {
    // Every name starts "ua-nobody", as every test user's address starts "ua-": a mask built from the name would be u***@e*** each time.
    const username = uniqueUsername('ua-nobody')
    const picked = await pickEmailCode(username)
    t.same(shape(picked), shape(real), 'the same answer, field for field')
    const mask = String(picked.parameters.CODE_DELIVERY_DESTINATION)
    t.match(mask, MASK, 'the same form as a real user\'s')
    t.notMatch(mask, username, 'the username is not in it')
    t.equal((await pickEmailCode(username)).parameters.CODE_DELIVERY_DESTINATION, mask, 'the same name gets the same mask, as a real user does')
    masks.push(mask)
  }
  t.not(masks.filter(mask => mask === 'u***@e***').length, masks.length, `not derived from the username: ${masks.join(' ')}`)
})

t.test('SIGN_IN_AFTER_CONFIRM: confirming the sign-up signs the new user in, with the session ConfirmSignUp answered', async t => {
  const username = uniqueUsername('ua-signup')
  const email = `${username}@example.com`
  const signUp = await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email } })
  t.equal(signUp.statusCode, 201)
  const wrong = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: '000000', tokenDelivery: 'body' } })
  expectProblem(t, wrong, 'CODE_MISMATCH')
  const confirm = await app.inject({
    method: 'POST', url: '/auth/signup/confirm', payload: { username, code: latestCode(username), tokenDelivery: 'body' }
  })
  t.equal(confirm.statusCode, 200)
  t.match(confirm.json(), { status: 'authenticated', username, tokens: { accessToken: String, refreshToken: String } })
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${confirm.json().tokens.accessToken as string}` } })
  t.equal(me.statusCode, 200, 'the tokens work at /me')

  const other = uniqueUsername('ua-signup-cookie')
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: other, password: PASSWORD, email: `${other}@example.com` } })
  const byCookie = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username: other, code: latestCode(other) } })
  t.match(byCookie.json(), { status: 'authenticated', username: other })
  t.ok(byCookie.cookies.some(c => c.name === 'bff_access'), 'session cookies set')
})

t.test('the local layer takes ConfirmSignUp\'s session once, for that user and client only', async t => {
  const sdk = sdkFor(t, local)
  const { clientId: ClientId } = local.config.pool
  const username = uniqueUsername('ua-session')
  const UserAttributes = [{ Name: 'email', Value: `${username}@example.com` }]
  await sdk.send(new SignUpCommand({ ClientId, Username: username, Password: PASSWORD, UserAttributes }))
  const { Session } = await sdk.send(new ConfirmSignUpCommand({ ClientId, Username: username, ConfirmationCode: latestCode(username) }))
  t.type(Session, 'string', 'ConfirmSignUp answers a session')
  const signIn = (name: string, session: string | undefined) =>
    sdk.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: name }, Session: session }))
  const { username: someoneElse } = await confirmedUser('ua-session-other')
  await refused(t, signIn(someoneElse, Session), 'NotAuthorizedException', 'Invalid session for the user.', 'another user')
  await refused(t, signIn(username, 'made-up-session'), 'NotAuthorizedException', 'Invalid session for the user.', 'a made-up session')
  const out = await signIn(username, Session)
  t.type(out.AuthenticationResult?.AccessToken, 'string', 'the session signs in')
  await refused(t, signIn(username, Session), 'NotAuthorizedException', 'Invalid session for the user.', 'used already')
})
