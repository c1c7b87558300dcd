import {
  AdminCreateUserCommand, AssociateSoftwareTokenCommand, CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import { authenticator } from 'otplib'
import t from 'tap'
import { createCognitoGateway } from '../../../src/cognito/gateway.js'
import { secretHash } from '../../../src/cognito/secret-hash.js'
import { createSealer } from '../../../src/session/seal.js'
import { createChallengeSessions } from '../../../src/session/challenge-session.js'
import { buildAwsApp, buildTestApp, expectProblem, PASSWORD, uniqueUsername } from '../../helper.js'
import { sdkFor } from '../../helpers/emulator-sdk.js'
import { COGNITO_TIMEOUT_MS, fileTimeout } from '../../helpers/timeouts.js'

// Dozens of emulator round trips: 100-140 s on a busy machine, past tap's default for one file (see fileTimeout).
t.setTimeout(fileTimeout(30_000))

// A pool that requires MFA: a user without it sets TOTP up while signing in.
const { app, local, latestCode, confirmedUser, logs } = await buildTestApp(t, { env: { LOCAL_MFA: 'required' } })
const admin = sdkFor(t, local)
const RESTART = { detail: 'The sign-in session is invalid or expired; start the sign-in again.' }

const login = (username: string, password = PASSWORD) => app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
const answer = (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/auth/challenge', payload: { tokenDelivery: 'body', ...payload } })

/** A code the authenticator does not show now (nor in the windows either side). */
function wrongCode (secret: string): string {
  const near = new Set([-30_000, 0, 30_000].map(offset => authenticator.clone({ epoch: Date.now() + offset }).generate(secret)))
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0')
    if (!near.has(code)) return code
  }
}

t.test('a fresh user in a pool requiring MFA: MFA_SETUP with the enrolment, a wrong code, the right one, then TOTP sign-ins', async t => {
  const { username } = await confirmedUser('setup')

  const first = await login(username)
  t.equal(first.statusCode, 200)
  const challenge = first.json()
  t.match(challenge, {
    status: 'challenge',
    challenge: 'MFA_SETUP',
    username,
    respondWith: ['code'],
    parameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' },
    setup: {
      secret: /^[A-Z2-7]{16,}=*$/,
      otpauthUri: /^otpauth:\/\/totp\/cognito-bff:/,
      qrCode: /^data:image\/svg\+xml;base64,/
    }
  })
  const { secret } = challenge.setup
  t.equal(challenge.setup.otpauthUri, `otpauth://totp/cognito-bff:${username}?secret=${secret}&issuer=cognito-bff`, 'the default issuer')
  t.same(first.cookies, [], 'no session before the set-up')

  const missing = await answer({ username, challenge: 'MFA_SETUP', session: challenge.session })
  expectProblem(t, missing, 'VALIDATION_FAILED', { detail: 'MFA_SETUP needs code.', errors: [{ field: '/body/code', message: 'is required' }] })

  const wrong = await answer({ username, challenge: 'MFA_SETUP', session: challenge.session, code: wrongCode(secret) })
  expectProblem(t, wrong, 'CODE_MISMATCH')

  const right = await answer({
    username, challenge: 'MFA_SETUP', session: challenge.session, code: authenticator.generate(secret), deviceName: 'Work phone'
  })
  t.equal(right.statusCode, 200, 'the wrong code did not end the set-up')
  const signedIn = right.json()
  t.match(signedIn, { status: 'authenticated', username, tokens: { accessToken: /^eyJ/, refreshToken: /^eyJ/ } })

  const mfa = await app.inject({ method: 'GET', url: '/me/mfa', headers: { authorization: `Bearer ${signedIn.tokens.accessToken}` } })
  t.same(mfa.json(), { enabled: ['TOTP'], preferred: 'TOTP' }, 'TOTP is on, and preferred')
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: signedIn.tokens.refreshToken } })
  t.equal(refreshed.statusCode, 200, 'the session the set-up ended with can be refreshed')

  const replay = await answer({ username, challenge: 'MFA_SETUP', session: challenge.session, code: authenticator.generate(secret) })
  expectProblem(t, replay, 'SIGN_IN_RESTART', RESTART)

  const next = (await login(username)).json()
  t.match(next, { status: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', respondWith: ['code'] })
  t.notOk('setup' in next, 'no enrolment once TOTP is on')
  const totp = await answer({ username, challenge: next.challenge, session: next.session, code: authenticator.generate(secret) })
  t.match(totp.json(), { status: 'authenticated', username })

  t.notOk(logs.some(line => line.includes(secret)), 'the TOTP secret never reaches a log line')
})

t.test('an invited user: new password, then MFA_SETUP, then signed in', async t => {
  const username = uniqueUsername('invited')
  await admin.send(new AdminCreateUserCommand({
    UserPoolId: local.config.pool.userPoolId,
    Username: username,
    DesiredDeliveryMediums: ['EMAIL'],
    UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }]
  }))
  const invited = (await login(username, latestCode(username))).json()
  t.match(invited, { status: 'challenge', challenge: 'NEW_PASSWORD_REQUIRED' })

  const renamed = await answer({ username, challenge: invited.challenge, session: invited.session, newPassword: PASSWORD })
  t.equal(renamed.statusCode, 200)
  const setup = renamed.json()
  t.match(setup, { status: 'challenge', challenge: 'MFA_SETUP', respondWith: ['code'], setup: { secret: String } })
  t.notOk('tokens' in setup, 'no tokens before the set-up')

  const done = await answer({ username, challenge: 'MFA_SETUP', session: setup.session, code: authenticator.generate(setup.setup.secret) })
  t.match(done.json(), { status: 'authenticated', username, tokens: { accessToken: /^eyJ/ } })
  const again = (await login(username)).json()
  t.equal(again.challenge, 'SOFTWARE_TOKEN_MFA', 'the new password stands, and TOTP is asked for')
})

t.test('a tampered, re-bound or expired set-up session is SIGN_IN_RESTART', async t => {
  const { username } = await confirmedUser('tamper')
  const { username: other } = await confirmedUser('other')
  const challenge = (await login(username)).json()
  const code = authenticator.generate(challenge.setup.secret)
  const sealed: string = challenge.session
  const flipped = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`

  expectProblem(t, await answer({ username, challenge: 'MFA_SETUP', session: flipped, code }), 'SIGN_IN_RESTART', RESTART)
  expectProblem(t, await answer({ username: other, challenge: 'MFA_SETUP', session: sealed, code }), 'SIGN_IN_RESTART', RESTART)
  expectProblem(t, await answer({ username, challenge: 'SOFTWARE_TOKEN_MFA', session: sealed, code }), 'SIGN_IN_RESTART', RESTART)

  // The same Cognito session, sealed as this service would have sealed it four minutes ago.
  const cognitoSession = app.sessions.challenges.open(sealed, { username, challenge: 'MFA_SETUP' })
  const past = createChallengeSessions(createSealer(local.config.cookies.secrets), local.config.pool.clientId, () => Date.now() - 4 * 60 * 1000)
  const expired = past.seal({ session: cognitoSession, username, challenge: 'MFA_SETUP' })
  expectProblem(t, await answer({ username, challenge: 'MFA_SETUP', session: expired, code }), 'SIGN_IN_RESTART', RESTART)

  const control = await answer({ username, challenge: 'MFA_SETUP', session: sealed, code })
  t.match(control.json(), { status: 'authenticated', username }, 'control: the untouched session still works')
})

t.test('local layer: each MFA_SETUP session is good for its own step only, as at Cognito', async t => {
  const { username } = await confirmedUser('steps')
  const ClientId = local.config.pool.clientId
  const INVALID = { name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' }
  const respond = (Session: string | undefined) => admin.send(new RespondToAuthChallengeCommand({
    ClientId, ChallengeName: 'MFA_SETUP', Session, ChallengeResponses: { USERNAME: username }
  }))

  const started = await admin.send(new InitiateAuthCommand({
    ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD }
  }))
  t.match(started, { ChallengeName: 'MFA_SETUP', Session: String, ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } })
  t.notOk(started.AuthenticationResult, 'no tokens')
  await t.rejects(respond(started.Session), INVALID, 'no answer before a token is verified')

  const associated = await admin.send(new AssociateSoftwareTokenCommand({ Session: started.Session }))
  t.match(associated, { SecretCode: String, Session: String })
  t.not(associated.Session, started.Session, 'a new session for the next step')
  await t.rejects(admin.send(new AssociateSoftwareTokenCommand({ Session: started.Session })), INVALID, 'the first session is used up')
  await t.rejects(admin.send(new AssociateSoftwareTokenCommand({ Session: 'made-up' })), INVALID, 'a made-up session')

  await t.rejects(admin.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: wrongCode(associated.SecretCode!) })), {
    name: 'EnableSoftwareTokenMFAException', message: 'Code mismatch'
  })
  const code = authenticator.generate(associated.SecretCode!)
  const verified = await admin.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: code }))
  t.match(verified, { Status: 'SUCCESS', Session: String }, 'the wrong code left the session for another try')
  await t.rejects(respond(associated.Session), INVALID, 'the answer needs the session VerifySoftwareToken gave')

  const signedIn = await respond(verified.Session)
  t.match(signedIn.AuthenticationResult, { AccessToken: String, IdToken: String, RefreshToken: String })
  await t.rejects(respond(verified.Session), INVALID, 'and that one is used up too')
})

t.test('LOCAL_MFA=off: a user with TOTP on signs in with the password alone', async t => {
  const off = await buildTestApp(t, { env: { LOCAL_MFA: 'off' } })
  const { username } = await off.confirmedUser('off')
  const response = await off.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  const token = response.json().tokens.accessToken
  const headers = { authorization: `Bearer ${token}` }
  const { secret } = (await off.app.inject({ method: 'POST', url: '/me/mfa/totp', headers })).json()
  await off.app.inject({ method: 'POST', url: '/me/mfa/totp/verify', headers, payload: { code: authenticator.generate(secret) } })
  const on = await off.app.inject({ method: 'PUT', url: '/me/mfa', headers, payload: { totp: { enabled: true, preferred: true } } })
  t.same(on.json(), { enabled: ['TOTP'], preferred: 'TOTP' })
  const again = await off.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(again.json().status, 'authenticated', 'the pool has MFA off')
})

t.test('(mocked Cognito SDK) MFA_SETUP on AWS: each call takes the session the previous one answered, SECRET_HASH included', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
  cognito.on(InitiateAuthCommand).resolves({
    ChallengeName: 'MFA_SETUP', Session: 's1', ChallengeParameters: { MFAS_CAN_SETUP: '["SMS_MFA","SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: 'alice' }
  })
  cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: secret, Session: 's2' })
  cognito.on(VerifySoftwareTokenCommand).resolves({ Status: 'SUCCESS', Session: 's3' })
  const { app, jwks, config } = await buildAwsApp(t, {
    env: { COGNITO_CLIENT_SECRET: 'client-secret', MFA_ISSUER: 'Acme' },
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  const access = jwks.accessToken('alice')
  cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { AccessToken: access, IdToken: access, RefreshToken: 'r' } })

  const login = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })).json()
  const otpauthUri = `otpauth://totp/Acme:alice?secret=${secret}&issuer=Acme`
  t.match(login, { challenge: 'MFA_SETUP', respondWith: ['code'], setup: { secret, otpauthUri } })
  t.same(cognito.commandCalls(AssociateSoftwareTokenCommand)[0]?.args[0].input, { Session: 's1' }, 'associated with the challenge\'s session')
  const sealed = app.sessions.challenges.open(login.session, { username: 'alice', challenge: 'MFA_SETUP' })
  t.equal(sealed, 's2', 'the session sealed is the one that came back')

  const done = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username: 'alice', challenge: 'MFA_SETUP', session: login.session, code: '123456', deviceName: 'Phone' }
  })
  t.equal(done.statusCode, 200)
  t.match(done.json(), { status: 'authenticated', username: 'alice' })
  t.same(cognito.commandCalls(VerifySoftwareTokenCommand)[0]?.args[0].input, { Session: 's2', UserCode: '123456', FriendlyDeviceName: 'Phone' })
  t.same(cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input, {
    ClientId: config.pool.clientId,
    ChallengeName: 'MFA_SETUP',
    Session: 's3',
    ChallengeResponses: { USERNAME: 'alice', SECRET_HASH: secretHash('alice', config.pool.clientId, 'client-secret') },
    UserContextData: { IpAddress: '127.0.0.1', EncodedData: undefined }
  }, 'answered with the verified session')
})
