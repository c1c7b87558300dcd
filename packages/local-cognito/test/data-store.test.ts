import { link, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider'
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb.js'
import { pino } from 'pino'
import t from 'tap'
import { MAX_SESSIONS_PER_USER, pruneSessions, sessionEnded, signOutEverywhere, type SessionFields } from '../src/data-store-sessions.ts'
import { JsonFileDataStoreFactory } from '../src/data-store.ts'
import { decodeJwt, withClaims } from '../src/guards/jwt.ts'
import { PASSWORD, startTestCognito } from './helper.ts'
import { login, refused, sdkFor } from './emulator.ts'

const ctx = { logger: pino({ level: 'silent' }) as never }

async function tempDir (t: { teardown (fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-bff-store-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('a save writes a new file and renames it into place: the pool file is never truncated', async t => {
  const dir = await tempDir(t)
  const store = await new JsonFileDataStoreFactory(dir).create(ctx, 'local_pool', { Users: {} })
  const file = join(dir, 'local_pool.json')
  await store.set(ctx, ['Users', 'ann'], { Username: 'ann' })
  // A second name for the file as it is now: an in-place rewrite would change what it shows.
  await link(file, `${file}.before`)
  await store.set(ctx, ['Users', 'bob'], { Username: 'bob' })

  t.not((await stat(file)).ino, (await stat(`${file}.before`)).ino, 'the pool file is a new file')
  t.same(JSON.parse(await readFile(`${file}.before`, 'utf8')), { Users: { ann: { Username: 'ann' } } }, 'the old one was left whole')
  t.same(JSON.parse(await readFile(file, 'utf8')), { Users: { ann: { Username: 'ann' }, bob: { Username: 'bob' } } })
})

t.test('control: cognito-local\'s StormDB store rewrites the pool file in place (empty between truncate and write)', async t => {
  const dir = await tempDir(t)
  const store = await new StormDBDataStoreFactory(dir).create(ctx, 'local_pool', { Users: {} })
  const file = join(dir, 'local_pool.json')
  await link(file, `${file}.before`)
  await store.set(ctx, ['Users', 'bob'], { Username: 'bob' })
  t.equal((await stat(file)).ino, (await stat(`${file}.before`)).ino, 'the same file, truncated and written again')
})

t.test('concurrent saves share writes and lose nothing; dates survive a reload', async t => {
  const dir = await tempDir(t)
  const factory = new JsonFileDataStoreFactory(dir)
  const store = await factory.create(ctx, 'local_pool', { Users: {} })
  const created = new Date('2026-01-02T03:04:05.000Z')
  await Promise.all(Array.from({ length: 100 }, (_, i) => store.set(ctx, ['Users', `u${i}`], { Username: `u${i}`, UserCreateDate: created })))
  await store.delete(ctx, ['Users', 'u0'])

  const reloaded = await factory.create(ctx, 'local_pool', { Users: {} })
  const users = await reloaded.get<Record<string, { UserCreateDate: Date }>>(ctx, 'Users', {})
  t.equal(Object.keys(users).length, 99)
  t.ok(users.u99?.UserCreateDate instanceof Date && users.u99.UserCreateDate.getTime() === created.getTime(), 'a *Date field is a Date again')
  t.equal(await reloaded.get(ctx, ['Users', 'nobody', 'deeper'], 'fallback'), 'fallback', 'a missing path gives the default')
})

/** A refresh token like the emulator's, expiring at `exp`. */
function refreshToken (exp: number, template: string): string {
  return withClaims(template, { jti: `jti-${exp}-${Math.random()}`, exp })
}

t.test('only live refresh tokens are kept, at most 20; an expired session is remembered for a day, for its access tokens', async t => {
  const { local } = await startTestCognito(t)
  const sdk = sdkFor(t, local)
  const template = (await login(sdk, local.config.pool.clientId, 'demo', local.demoUser.password)).RefreshToken!
  const now = Math.floor(Date.now() / 1000)
  const jti = (token: string) => String(decodeJwt(token)?.jti)

  const expired = refreshToken(now - 1, template)
  const live = Array.from({ length: MAX_SESSIONS_PER_USER + 2 }, (_, i) => refreshToken(now + 100 + i, template))
  const pruned = pruneSessions<SessionFields>({ RefreshTokens: [expired, ...live, live[5]!] }, now)
  t.same(pruned.RefreshTokens, live.slice(2), 'expired, duplicate and the two oldest beyond 20 are gone')
  t.same(pruned.LocalExpiredSessions, { [jti(expired)]: now - 1 + 24 * 60 * 60 })

  const accessOf = (refresh: string) => ({ origin_jti: jti(refresh), iat: now })
  t.equal(sessionEnded(pruned, accessOf(live[3]!), now), false, 'a live session\'s access token is good')
  t.equal(sessionEnded(pruned, accessOf(expired), now), false, 'so is one whose refresh token expired a moment ago')
  t.equal(sessionEnded(pruned, accessOf(live[0]!), now), true, 'an evicted session\'s is not')

  const later = pruneSessions(pruned, now + 24 * 60 * 60 + 200)
  t.same(later, { RefreshTokens: [] }, 'a day after every token expired, nothing is left')

  const signedOut = signOutEverywhere<SessionFields>(pruned, now)
  t.same(signedOut, { RefreshTokens: [], LocalSignedOutAt: now })
  t.equal(sessionEnded(signedOut, accessOf(expired), now), true)
  t.equal(sessionEnded(signedOut, { iat: now - 1 }, now), true, 'a token without origin_jti, issued before the sign-out')
  t.equal(sessionEnded(signedOut, { iat: now }, now), false, 'one issued in the same second may be a new sign-in')
})

t.test('many logins keep the user\'s refresh tokens bounded (Cognito evicts the oldest session beyond 20)', async t => {
  const { local, config, confirmedUser } = await startTestCognito(t)
  const sdk = sdkFor(t, local)
  const { username } = await confirmedUser('many')
  const logins = []
  for (let i = 0; i < MAX_SESSIONS_PER_USER + 10; i++) logins.push(await login(sdk, config.pool.clientId, username, PASSWORD))

  const pool = await local.emulator.services.cognito.getUserPool(ctx, config.pool.userPoolId)
  const user = await pool.getUserByUsername(ctx, username)
  t.equal(user?.RefreshTokens.length, MAX_SESSIONS_PER_USER, 'the stored list stays at 20')
  const onDisk = JSON.parse(await readFile(join(config.local.dataDir, 'cognito', 'db', `${config.pool.userPoolId}.json`), 'utf8'))
  t.equal(onDisk.Users[username].RefreshTokens.length, MAX_SESSIONS_PER_USER, 'and so does the file')

  const oldest = logins[0]!
  await t.rejects(sdk.send(new InitiateAuthCommand({
    ClientId: config.pool.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: oldest.RefreshToken! }
  })), { name: 'NotAuthorizedException' }, 'the evicted refresh token no longer refreshes')
  await refused(t, sdk.send(new GetUserCommand({ AccessToken: oldest.AccessToken })), 'NotAuthorizedException', 'Access Token has been revoked',
    'and its access token is revoked')
  const newest = logins.at(-1)!
  t.ok((await sdk.send(new InitiateAuthCommand({
    ClientId: config.pool.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: newest.RefreshToken! }
  }))).AuthenticationResult?.AccessToken, 'the newest session refreshes')
})
