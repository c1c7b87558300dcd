/**
 * The service follows its pool's settings, read from the local pool as from a
 * real one: each test changes a setting of the local app client or pool
 * through the emulator's admin API (as an administrator would in the
 * console), has the service read the pool again, and watches what changes.
 */
import {
  AdminCreateUserCommand,
  AssociateSoftwareTokenCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  VerifySoftwareTokenCommand,
  type UpdateUserPoolClientCommandInput
} from '@aws-sdk/client-cognito-identity-provider'
import { Redis } from 'ioredis'
import { createHash } from 'node:crypto'
import { authenticator } from 'otplib'
import t from 'tap'
import { buildTestApp, expectProblem, PASSWORD, uniqueUsername } from '../helper.js'
import { sdkFor } from '../helpers/emulator-sdk.js'
import { startRedisServer } from '../helpers/redis-server.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const redis = await startRedisServer(t)
// A real Redis store, so that a refresh token's store entry can be seen with its expiry.
const { app, local, config, latestCode, confirmedUser } = await buildTestApp(t, { env: { REDIS_URL: redis.url } })
const inspector = new Redis(redis.url)
t.teardown(() => inspector.quit())
const admin = sdkFor(t, local)
const { userPoolId: UserPoolId, clientId: ClientId } = config.pool

/** The administrator changes the app client, and the service reads its pool again (as POOL_REFRESH_SECONDS would). */
type ClientSettings = Partial<UpdateUserPoolClientCommandInput>
async function setClient (t: { teardown (fn: () => unknown): void }, settings: ClientSettings, undo: ClientSettings): Promise<void> {
  await admin.send(new UpdateUserPoolClientCommand({ UserPoolId, ClientId, ...settings }))
  await app.userPool.refresh()
  t.teardown(async () => {
    await admin.send(new UpdateUserPoolClientCommand({ UserPoolId, ClientId, ...undo }))
    await app.userPool.refresh()
  })
}

async function tokensOf (username: string, password = PASSWORD): Promise<{ accessToken: string, refreshToken: string }> {
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  return login.json().tokens
}

t.test('AuthSessionValidity 10 min: the challenge session handed out is good for 10 minutes, not 3', async t => {
  await setClient(t, { AuthSessionValidity: 10 }, { AuthSessionValidity: 3 })
  const username = uniqueUsername('slow')
  await admin.send(new AdminCreateUserCommand({
    UserPoolId, Username: username, DesiredDeliveryMediums: ['EMAIL'], UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }]
  }))
  const before = Date.now()
  const login = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: latestCode(username) } })).json()
  t.match(login, { status: 'challenge', challenge: 'NEW_PASSWORD_REQUIRED' })
  const sealed = JSON.parse(app.sessions.sealer.unseal('challenge-session', login.session) ?? '{}') as { e: number }
  t.ok(sealed.e >= before + 10 * 60 * 1000 && sealed.e <= Date.now() + 10 * 60 * 1000, 'expires 10 minutes after it was issued')
  // The emulator's session lives as long (packages/local-cognito/test/guards/app-client-settings.test.ts moves its clock).
  const answer = await app.inject({
    method: 'POST', url: '/auth/challenge', payload: { username, challenge: login.challenge, session: login.session, newPassword: PASSWORD }
  })
  t.equal(answer.statusCode, 200)
})

t.test('refresh validity 2 days: the refresh cookie, and the refresh token\'s store entry, live 2 days', async t => {
  await setClient(t, { RefreshTokenValidity: 2, TokenValidityUnits: { RefreshToken: 'days' } }, { RefreshTokenValidity: 30 })
  const { username } = await confirmedUser('refresh')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(login.cookies.find(c => c.name === 'bff_refresh')?.maxAge, 172_800)
  const { refreshToken } = await tokensOf(username)
  const hash = createHash('sha256').update(refreshToken).digest('base64url')
  const ttl = await inspector.ttl(`cognito-bff:refresh:{${hash}}`)
  t.ok(ttl > 172_800 - 60 && ttl <= 172_800, `the entry expires in 2 days (${ttl} s)`)
})

t.test('token revocation off: logout answers 204 without RevokeToken, and the access token is refused all the same', async t => {
  await setClient(t, { EnableTokenRevocation: false }, { EnableTokenRevocation: true })
  const { username } = await confirmedUser('norevoke')
  const tokens = await tokensOf(username)
  const revokes: string[] = []
  const original = app.cognito.revokeRefreshToken
  app.cognito.revokeRefreshToken = async token => { revokes.push(token); await original(token) }
  t.teardown(() => { app.cognito.revokeRefreshToken = original })
  const logout = await app.inject({
    method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${tokens.accessToken}` }, payload: { refreshToken: tokens.refreshToken }
  })
  t.equal(logout.statusCode, 204)
  t.same(revokes, [], 'Cognito was not asked (it would answer UnsupportedOperationException)')
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${tokens.accessToken}` } })
  expectProblem(t, me, 'TOKEN_INVALID')
})

t.test('MFA required by the pool: turning the last factor off is 409 MFA_REQUIRED_BY_POOL; optional, it is allowed', async t => {
  const { username } = await confirmedUser('mfaon')
  const { accessToken } = await tokensOf(username)
  const { SecretCode } = await admin.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }))
  await admin.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: authenticator.generate(SecretCode!) }))
  await admin.send(new SetUserMFAPreferenceCommand({
    AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true }
  }))
  const setPool = async (MfaConfiguration: 'ON' | 'OPTIONAL') => {
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration, SoftwareTokenMfaConfiguration: { Enabled: true } }))
    await app.userPool.refresh()
  }
  t.teardown(async () => {
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'OFF' }))
    await app.userPool.refresh()
  })
  await setPool('ON')
  const off = () => app.inject({
    method: 'PUT', url: '/me/mfa', headers: { authorization: `Bearer ${accessToken}` }, payload: { totp: { enabled: false } }
  })
  expectProblem(t, await off(), 'MFA_REQUIRED_BY_POOL', { detail: 'The user pool requires MFA: turn another factor on before turning this one off.' })
  await setPool('OPTIONAL')
  const allowed = await off()
  t.equal(allowed.statusCode, 200)
  t.same(allowed.json(), { enabled: [] })
})

t.test('attribute permissions: PATCH /me refuses what the client may not write; /me shows what it may read', async t => {
  await setClient(t, { WriteAttributes: ['email'], ReadAttributes: ['name'] }, { WriteAttributes: [], ReadAttributes: [] })
  const { username } = await confirmedUser('attrs')
  const { accessToken } = await tokensOf(username)
  const as = { authorization: `Bearer ${accessToken}` }
  const patch = await app.inject({ method: 'PATCH', url: '/me', headers: as, payload: { attributes: { name: 'Ada' } } })
  expectProblem(t, patch, 'VALIDATION_FAILED', {
    detail: '/body/attributes/name: not writable by this app client',
    errors: [{ field: '/body/attributes/name', message: 'not writable by this app client' }]
  })
  const me = (await app.inject({ method: 'GET', url: '/me', headers: as })).json()
  t.same(Object.keys(me.attributes), ['sub'], 'the e-mail address is not the client\'s to read; sub always is')
})
