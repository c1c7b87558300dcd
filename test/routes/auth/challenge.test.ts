import {
  AdminCreateUserCommand, AssociateSoftwareTokenCommand,
  SetUserMFAPreferenceCommand, VerifySoftwareTokenCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { authenticator } from 'otplib'
import t from 'tap'
import { buildTestApp, expectProblem, PASSWORD, uniqueUsername } from '../../helper.js'
import { sdkFor } from '../../helpers/emulator-sdk.js'

const { app, local, latestCode, confirmedUser } = await buildTestApp(t)
// The test plays the pool administrator directly against the emulator.
const admin = sdkFor(t, local)

/** A user invited by e-mail, and the temporary password Cognito "sent". */
async function invite (prefix: string): Promise<{ username: string, temporary: string }> {
  const username = uniqueUsername(prefix)
  await admin.send(new AdminCreateUserCommand({
    UserPoolId: local.config.pool.userPoolId,
    Username: username,
    DesiredDeliveryMediums: ['EMAIL'],
    UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }]
  }))
  return { username, temporary: latestCode(username) }
}

t.test('an invited user signs in with the temporary password, gets NEW_PASSWORD_REQUIRED as data, and answers it', async t => {
  const { username, temporary } = await invite('invited')

  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: temporary } })
  t.equal(login.statusCode, 200, 'a challenge is not an error')
  const body = login.json()
  t.match(body, { status: 'challenge', challenge: 'NEW_PASSWORD_REQUIRED', username, respondWith: ['newPassword'], session: String })
  t.same(login.cookies, [], 'no session yet')

  const missing = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username, challenge: body.challenge, session: body.session }
  })
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { code: 'VALIDATION_FAILED', errors: [{ field: '/body/newPassword', message: 'is required' }] })

  const answer = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username, challenge: body.challenge, session: body.session, newPassword: PASSWORD }
  })
  t.equal(answer.statusCode, 200)
  t.equal(answer.json().status, 'authenticated')
  t.ok(answer.cookies.some(c => c.name === 'bff_access'), 'session cookies set')

  const again = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(again.json().status, 'authenticated', 'the new password is the password now')
})

t.test('TOTP MFA: login answers SOFTWARE_TOKEN_MFA, a wrong code is CODE_MISMATCH, the right one signs in', async t => {
  const { username } = await confirmedUser('totp')
  const { tokens } = (await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username, password: PASSWORD, tokenDelivery: 'body' }
  })).json()
  const { SecretCode } = await admin.send(new AssociateSoftwareTokenCommand({ AccessToken: tokens.accessToken }))
  await admin.send(new VerifySoftwareTokenCommand({ AccessToken: tokens.accessToken, UserCode: authenticator.generate(SecretCode!) }))
  await admin.send(new SetUserMFAPreferenceCommand({
    AccessToken: tokens.accessToken,
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true }
  }))

  const login = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).json()
  t.match(login, { status: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', respondWith: ['code'] })

  const wrong = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username, challenge: login.challenge, session: login.session, code: '000000' }
  })
  t.equal(wrong.statusCode, 400)
  t.equal(wrong.json().code, 'CODE_MISMATCH')

  const right = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username, challenge: login.challenge, session: login.session, code: authenticator.generate(SecretCode!), tokenDelivery: 'body' }
  })
  t.equal(right.statusCode, 200)
  t.match(right.json(), { status: 'authenticated', tokens: { accessToken: /^eyJ/ } })
})

t.test('a challenge this service cannot answer is a 400 naming the field', async t => {
  const response = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username: 'demo', challenge: 'DEVICE_SRP_AUTH', session: 'x', code: '123456' }
  })
  t.equal(response.statusCode, 400)
  t.match(response.json(), { code: 'VALIDATION_FAILED', errors: [{ field: '/body/challenge' }] })
})

t.test('a made-up, altered or re-bound challenge session never reaches Cognito (the emulator would take it)', async t => {
  const { username, temporary } = await invite('victim')
  const takeover = (session: string, as = username) => app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username: as, challenge: 'NEW_PASSWORD_REQUIRED', session, newPassword: 'Attacker-Pass-1', tokenDelivery: 'body' }
  })
  const detail = 'The sign-in session is invalid or expired; start the sign-in again.'

  expectProblem(t, await takeover('made-up'), 'SIGN_IN_RESTART', { detail })

  const own = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: local.demoUser.password } })).json()
  t.equal(own.status, 'authenticated', 'control: the demo user has no challenge to lend')
  const victimLogin = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: temporary } })).json()
  const sealed: string = victimLogin.session
  const flipped = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`
  expectProblem(t, await takeover(flipped), 'SIGN_IN_RESTART', { detail })
  expectProblem(t, await takeover(sealed, 'demo'), 'SIGN_IN_RESTART', { detail })

  // The victim finishes their own sign-in; the attacker's password never became theirs.
  const finish = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username, challenge: 'NEW_PASSWORD_REQUIRED', session: sealed, newPassword: PASSWORD }
  })
  t.equal(finish.json().status, 'authenticated', 'the real session still works for its user')
  const attacker = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Attacker-Pass-1' } })
  t.equal(attacker.json().code, 'INVALID_CREDENTIALS', 'the attacker\'s password does not work')
})
