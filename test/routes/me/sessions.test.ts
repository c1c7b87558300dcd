/**
 * "Your sessions" end to end in local mode: the local layer keeps a session per
 * sign-in and answers ListUserSessions / RevokeUserSession and their Admin…
 * forms as Cognito does. Two service instances share one real Redis and the
 * one emulator: a session revoked through A has its tokens refused by B too.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import t from 'tap'
import { createOutbox } from '@cognito-bff/local-cognito'
import { buildApp } from '../../../src/app.js'
import { gatewayFor } from '../../../src/cognito/gateway.js'
import { startLocalMode } from '../../../src/local/local-mode.js'
import { captureLines, expectProblem, localStart, PASSWORD, uniqueUsername } from '../../helper.js'
import { contractChecked } from '../../helpers/contract.js'
import { startRedisServer } from '../../helpers/redis-server.js'
import { fileTimeout } from '../../helpers/timeouts.js'

t.setTimeout(fileTimeout(60_000))

const redis = await startRedisServer(t)
const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-sessions-'))
t.teardown(() => rm(dataDir, { recursive: true, force: true }))
const start = localStart({
  LOCAL_DATA_DIR: dataDir,
  REDIS_URL: redis.url,
  LOG_LEVEL: 'info',
  RATE_LIMIT_SIGNIN: '100000',
  RATE_LIMIT_SIGNUP: '100000',
  UNIFORM_ANSWER_MS: '0',
  MAX_EVENT_LOOP_DELAY_MS: '0'
})
const local = await startLocalMode(start, pino({ level: 'warn' }), createOutbox(() => {}))
t.teardown(async () => {
  local.sdk.destroy()
  await local.emulator.close()
})

async function instance (): Promise<{ app: FastifyInstance, logs: string[] }> {
  const { stream, lines } = captureLines()
  const app = contractChecked(await buildApp(local.config, { gateway: gatewayFor(local.config, local.sdk), outbox: local.outbox, logStream: stream }))
  t.teardown(() => app.close())
  await app.ready()
  return { app, logs: lines }
}
const a = await instance()
const b = await instance()
const app = a.app

interface Tokens { accessToken: string, refreshToken: string }
interface Listed { sessionId: string, current: boolean, type: string, device?: string, createdAt?: string }
const auth = (token: string) => ({ authorization: `Bearer ${token}` })

async function confirmedUser (): Promise<string> {
  const username = uniqueUsername('sessions')
  const payload = { username, password: PASSWORD, email: `${username}@example.com` }
  const signUp = await app.inject({ method: 'POST', url: '/auth/signup', payload })
  if (signUp.statusCode !== 201) throw new Error(signUp.body)
  const code = local.outbox.list(username)[0]?.code
  const confirm = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code } })
  if (confirm.statusCode !== 200) throw new Error(confirm.body)
  return username
}
async function signIn (username: string, password = PASSWORD): Promise<Tokens> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().tokens as Tokens
}
async function list (tokens: Tokens, on = app): Promise<Listed[]> {
  const res = await on.inject({ method: 'GET', url: '/me/sessions', headers: auth(tokens.accessToken) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().sessions as Listed[]
}
const revoke = (tokens: Tokens, sessionId: string) =>
  app.inject({ method: 'DELETE', url: `/me/sessions/${sessionId}`, headers: auth(tokens.accessToken) })
const verify = (on: FastifyInstance, token: string) => on.inject({ method: 'POST', url: '/tokens/verify', payload: { token } })

t.test('two sign-ins: two sessions, the current one marked; revoking the other ends its tokens on both instances', async t => {
  const username = await confirmedUser()
  const laptop = await signIn(username)
  const phone = await signIn(username)

  // The phone lists its sessions (on instance B): that is how this service learns which session its tokens are.
  const fromPhone = await list(phone, b.app)
  t.equal(fromPhone.length, 2, 'both sign-ins are sessions')
  t.equal(fromPhone.filter(s => s.current).length, 1, 'one is current')
  for (const s of fromPhone) t.match(s, { sessionId: /^tkn[a-z0-9]{25}$/, type: 'TOKEN', device: 'unknown', createdAt: String })

  const fromLaptop = await list(laptop)
  const laptopSession = fromLaptop.find(s => s.current)!
  const phoneSession = fromLaptop.find(s => !s.current)!
  t.equal(phoneSession.sessionId, fromPhone.find(s => s.current)!.sessionId, 'the laptop sees the phone\'s session as the other one')
  t.not(laptopSession.sessionId, phoneSession.sessionId)

  // Before: the phone's token is good everywhere.
  t.equal((await verify(b.app, phone.accessToken)).statusCode, 200)

  const revoked = await revoke(laptop, phoneSession.sessionId)
  t.equal(revoked.statusCode, 200)
  t.same(revoked.json(), { status: 'revoked', tokensRevoked: true })

  for (const [name, on] of [['A', a.app], ['B', b.app]] as const) {
    expectProblem(t, await on.inject({ method: 'GET', url: '/me', headers: auth(phone.accessToken) }), 'TOKEN_INVALID')
    const refused = await verify(on, phone.accessToken)
    t.equal(refused.statusCode, 401, `instance ${name} refuses the revoked session's access token`)
    t.equal((await verify(on, laptop.accessToken)).statusCode, 200, `instance ${name} still accepts the laptop's`)
  }
  // Cognito ended the session too: its refresh token is refused, and it is no longer listed.
  expectProblem(t, await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: phone.refreshToken, tokenDelivery: 'body' } }),
    'SESSION_EXPIRED')
  t.same((await list(laptop)).map(s => s.sessionId), [laptopSession.sessionId], 'only the laptop\'s session is left')
  t.equal((await app.inject({ method: 'GET', url: '/me', headers: auth(laptop.accessToken) })).statusCode, 200, 'the laptop goes on')
})

t.test('a session none of whose tokens listed here: Cognito ends it, this service says it could not tell', async t => {
  const username = await confirmedUser()
  const laptop = await signIn(username)
  const phone = await signIn(username)
  const other = (await list(laptop)).find(s => !s.current)!
  const revoked = await revoke(laptop, other.sessionId)
  t.same(revoked.json(), { status: 'revoked', tokensRevoked: false })
  // Cognito refuses it (GET /me asks Cognito); the service's own verification cannot tell until it expires.
  expectProblem(t, await app.inject({ method: 'GET', url: '/me', headers: auth(phone.accessToken) }), 'TOKEN_INVALID')
  expectProblem(t, await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: phone.refreshToken, tokenDelivery: 'body' } }),
    'SESSION_EXPIRED')
})

t.test('the current session is not revoked here: that is a logout', async t => {
  const username = await confirmedUser()
  const tokens = await signIn(username)
  const [current] = await list(tokens)
  expectProblem(t, await revoke(tokens, current!.sessionId), 'CURRENT_SESSION', {
    detail: 'This is the session the request was made with: sign out instead (POST /auth/logout).'
  })
  t.equal((await verify(app, tokens.accessToken)).statusCode, 200, 'still signed in')
  expectProblem(t, await revoke(tokens, 'tkn0000000000000000000000000'), 'SESSION_NOT_FOUND')
})

t.test('every page is followed', async t => {
  const username = await confirmedUser()
  let tokens: Tokens | undefined
  for (let i = 0; i < 12; i++) tokens = await signIn(username)
  const sessions = await list(tokens!)
  t.equal(sessions.length, 12, 'more than one page of the local layer (10 a page)')
  t.equal(new Set(sessions.map(s => s.sessionId)).size, 12, 'each once')
})

t.test('admin: list and revoke a user\'s sessions, audited', async t => {
  const admin = await signIn(local.demoAdmin.username, local.demoAdmin.password)
  const username = await confirmedUser()
  const laptop = await signIn(username)
  const phone = await signIn(username)
  await list(phone)

  const listed = await app.inject({ method: 'GET', url: `/admin/users/${username}/sessions`, headers: auth(admin.accessToken) })
  t.equal(listed.statusCode, 200)
  const sessions = listed.json().sessions as Listed[]
  t.equal(sessions.length, 2)
  t.ok(sessions.every(s => !s.current), 'none is current in the admin list')

  const phoneId = (await list(phone)).find(s => s.current)!.sessionId
  const revoked = await app.inject({ method: 'DELETE', url: `/admin/users/${username}/sessions/${phoneId}`, headers: auth(admin.accessToken) })
  t.same(revoked.json(), { status: 'revoked', tokensRevoked: true })
  t.equal((await verify(b.app, phone.accessToken)).statusCode, 401, 'the other instance refuses the revoked session\'s token')
  t.equal((await verify(b.app, laptop.accessToken)).statusCode, 200)
  const again = await app.inject({ method: 'DELETE', url: `/admin/users/${username}/sessions/${phoneId}`, headers: auth(admin.accessToken) })
  expectProblem(t, again, 'SESSION_NOT_FOUND')
  const nobody = await app.inject({ method: 'GET', url: '/admin/users/nobody-here/sessions', headers: auth(admin.accessToken) })
  expectProblem(t, nobody, 'USER_NOT_FOUND')
  // A user is not an admin.
  const notAdmin = await app.inject({ method: 'GET', url: `/admin/users/${username}/sessions`, headers: auth(laptop.accessToken) })
  expectProblem(t, notAdmin, 'ADMIN_REQUIRED', {
    detail: 'Only members of the admins group may call the admin API.'
  })

  const audit = a.logs.map(line => JSON.parse(line) as { msg?: string, audit?: { action?: string, target?: { user?: string }, result?: string } })
    .filter(line => line.msg === 'admin action' && line.audit?.target?.user === username)
  t.same(audit.map(line => [line.audit?.action, line.audit?.result]), [
    ['user.sessions', 'ok'], ['user.session-revoke', 'ok'], ['user.session-revoke', 'SESSION_NOT_FOUND'], ['user.sessions', 'ADMIN_REQUIRED']
  ])
})
