import { CognitoIdentityProviderClient, EnableSoftwareTokenMFAException, VerifySoftwareTokenCommand } from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import { authenticator } from 'otplib'
import QRCode from 'qrcode'
import t from 'tap'
import { createCognitoGateway } from '../../../src/cognito/gateway.js'
import { buildAwsApp, buildTestApp, expectProblem, PASSWORD } from '../../helper.js'
import { COGNITO_TIMEOUT_MS, fileTimeout } from '../../helpers/timeouts.js'

// Dozens of emulator round trips: 100-140 s on a busy machine, past tap's default for one file (see fileTimeout).
t.setTimeout(fileTimeout(30_000))

const { app, confirmedUser, logs } = await buildTestApp(t, { env: { MFA_ISSUER: 'Acme Portal' } })

async function signIn (username: string): Promise<string> {
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  return login.json().tokens.accessToken
}

const as = (token: string) => ({ authorization: `Bearer ${token}` })

t.test('TOTP enrolment, then a sign-in that asks for the code', async t => {
  const { username } = await confirmedUser('totp')
  const token = await signIn(username)

  const before = await app.inject({ method: 'GET', url: '/me/mfa', headers: as(token) })
  t.equal(before.statusCode, 200)
  t.same(before.json(), { enabled: [] }, 'no factor yet')

  const early = await app.inject({ method: 'PUT', url: '/me/mfa', headers: as(token), payload: { totp: { enabled: true, preferred: true } } })
  expectProblem(t, early, 'MFA_NOT_SET_UP')

  const started = await app.inject({ method: 'POST', url: '/me/mfa/totp', headers: as(token) })
  t.equal(started.statusCode, 200)
  const { secret, otpauthUri, qrCode } = started.json()
  t.match(secret, /^[A-Z2-7]{16,}=*$/, 'a base32 secret')
  t.equal(otpauthUri, `otpauth://totp/Acme%20Portal:${username}?secret=${secret}&issuer=Acme%20Portal`, 'issuer from MFA_ISSUER')
  t.match(qrCode, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/, 'an SVG data URI')
  const svg = Buffer.from(qrCode.slice('data:image/svg+xml;base64,'.length), 'base64').toString()
  t.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>.*<\/svg>\s*$/s, 'a whole SVG document')
  t.equal(svg, await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }), 'the QR code of the otpauth URI')

  const wrong = await app.inject({ method: 'POST', url: '/me/mfa/totp/verify', headers: as(token), payload: { code: wrongCode(secret) } })
  expectProblem(t, wrong, 'CODE_MISMATCH')

  const verified = await app.inject({
    method: 'POST', url: '/me/mfa/totp/verify', headers: as(token), payload: { code: authenticator.generate(secret), deviceName: 'Work phone' }
  })
  t.equal(verified.statusCode, 204, 'a wrong code did not end the enrolment')

  const notYetOn = await app.inject({ method: 'GET', url: '/me/mfa', headers: as(token) })
  t.same(notYetOn.json(), { enabled: [] }, 'verifying does not turn TOTP on (Cognito leaves that to the preference)')
  const stillPassword = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(stillPassword.json().status, 'authenticated', 'so the password alone still signs in')

  const on = await app.inject({ method: 'PUT', url: '/me/mfa', headers: as(token), payload: { totp: { enabled: true, preferred: true } } })
  t.equal(on.statusCode, 200)
  t.same(on.json(), { enabled: ['TOTP'], preferred: 'TOTP' })

  const login = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).json()
  t.match(login, { status: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', respondWith: ['code'], parameters: {} })
  const answer = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username, challenge: login.challenge, session: login.session, code: authenticator.generate(secret), tokenDelivery: 'body' }
  })
  t.equal(answer.statusCode, 200)
  t.match(answer.json(), { status: 'authenticated', username, tokens: { accessToken: /^eyJ/ } })

  const off = await app.inject({ method: 'PUT', url: '/me/mfa', headers: as(token), payload: { totp: { enabled: false } } })
  t.same(off.json(), { enabled: [] }, 'turned off again')
  const plain = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(plain.json().status, 'authenticated', 'and the password alone signs in again')

  t.ok(logs.length > 0, 'the app logged')
  t.notOk(logs.some(line => line.includes(secret)), 'the TOTP secret never reaches a log line')
})

t.test('PUT /me/mfa refuses what cannot be meant, before Cognito', async t => {
  const { username } = await confirmedUser('prefs')
  const token = await signIn(username)
  const put = (payload: unknown) => app.inject({ method: 'PUT', url: '/me/mfa', headers: as(token), payload: payload as object })

  expectProblem(t, await put({ totp: { enabled: false, preferred: true } }), 'VALIDATION_FAILED', {
    detail: '/body/totp/preferred: a preferred factor must be enabled',
    errors: [{ field: '/body/totp/preferred', message: 'a preferred factor must be enabled' }]
  })
  expectProblem(t, await put({ totp: { enabled: true, preferred: true }, sms: { enabled: true, preferred: true } }), 'VALIDATION_FAILED', {
    detail: '/body: at most one factor may be preferred',
    errors: [{ field: '/body', message: 'at most one factor may be preferred' }]
  })
  const empty = await put({})
  t.equal(empty.statusCode, 400)
  t.equal(empty.json().code, 'VALIDATION_FAILED', 'an empty body changes nothing: refused')
  const unknown = await put({ totp: { enabled: true }, push: { enabled: true } })
  t.equal(unknown.json().code, 'VALIDATION_FAILED', 'an unknown factor is refused')
  const badCode = await app.inject({ method: 'POST', url: '/me/mfa/totp/verify', headers: as(token), payload: { code: '12345' } })
  t.match(badCode.json(), { code: 'VALIDATION_FAILED', errors: [{ field: '/body/code' }] })
})

t.test('the MFA routes need a signed-in user', async t => {
  for (const [method, url] of [['GET', '/me/mfa'], ['PUT', '/me/mfa'], ['POST', '/me/mfa/totp'], ['POST', '/me/mfa/totp/verify']] as const) {
    const response = await app.inject({ method, url, payload: method === 'GET' ? undefined : { code: '123456' } })
    t.equal(response.statusCode, 401, `${method} ${url}`)
    t.equal(response.json().code, 'UNAUTHENTICATED')
  }
})

t.test('(mocked Cognito SDK) EnableSoftwareTokenMFAException on verify is CODE_MISMATCH', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  const mismatch = new EnableSoftwareTokenMFAException({ message: 'Code mismatch', $metadata: { httpStatusCode: 400 } })
  cognito.on(VerifySoftwareTokenCommand).rejects(mismatch)
  const { app, jwks } = await buildAwsApp(t, {
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  const response = await app.inject({
    method: 'POST', url: '/me/mfa/totp/verify', headers: as(jwks.accessToken('alice')), payload: { code: '123456' }
  })
  expectProblem(t, response, 'CODE_MISMATCH')
  t.equal(cognito.commandCalls(VerifySoftwareTokenCommand)[0]?.args[0].input.UserCode, '123456')
})

/** A code the authenticator does not show now (nor in the windows either side). */
function wrongCode (secret: string): string {
  const near = new Set([-30_000, 0, 30_000].map(offset => authenticator.clone({ epoch: Date.now() + offset }).generate(secret)))
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0')
    if (!near.has(code)) return code
  }
}
