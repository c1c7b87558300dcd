import t, { type Test } from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { migrateUser } from '../src/user-migration.ts'
import { userMigrationEvent } from './events.ts'

const SECRET = 'legacy-shared-secret-0123456789'
const PASSWORD = 'Legacy-Pass-1!'

interface Seen { authorization?: string, body: Record<string, unknown> }

/** The legacy user service, a real HTTP server on 127.0.0.1 (plain http is allowed for a loopback host only). */
type Answer = (body: Record<string, unknown>, response: ServerResponse) => void

async function legacyService (t: Test, answer: Answer): Promise<{ url: string, seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((request: IncomingMessage, response) => {
    let text = ''
    request.on('data', (chunk: Buffer) => { text += chunk.toString() })
    request.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>
      seen.push({ authorization: request.headers.authorization, body })
      if (request.headers.authorization !== `Bearer ${SECRET}`) { response.writeHead(403).end(); return }
      answer(body, response)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/users/verify`, seen }
}

const users = (body: Record<string, unknown>, response: ServerResponse): void => {
  if (body.username !== 'legacy-lee') { response.writeHead(404).end(); return }
  if ('password' in body && body.password !== PASSWORD) { response.writeHead(401).end(); return }
  response.writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ attributes: { email: 'lee@example.com', name: 'Lee', sub: 'legacy-42', email_verified: 'false' } }))
}

/** Lines the trigger wrote to the console during `run`. */
async function logged<T> (t: Test, run: () => Promise<T>): Promise<{ lines: string[], result: Promise<T> }> {
  const lines: string[] = []
  const original = { error: console.error, warn: console.warn, log: console.log, info: console.info }
  for (const level of ['error', 'warn', 'log', 'info'] as const) console[level] = (...args: unknown[]) => { lines.push(args.map(String).join(' ')) }
  t.teardown(() => Object.assign(console, original))
  const result = run()
  await result.catch(() => {})
  Object.assign(console, original)
  return { lines, result }
}

t.test('UserMigration_Authentication: the legacy service vouches, the user arrives confirmed and verified, nothing sent', async (t) => {
  const legacy = await legacyService(t, users)
  const env = { LEGACY_USERS_URL: legacy.url, LEGACY_USERS_SECRET: SECRET }
  const event = await migrateUser(userMigrationEvent('UserMigration_Authentication'), env)
  const expected = { email: 'lee@example.com', name: 'Lee', email_verified: 'true' }
  t.same(event.response.userAttributes, expected, 'sub and the legacy email_verified are not copied')
  t.equal(event.response.finalUserStatus, 'CONFIRMED')
  t.equal(event.response.messageAction, 'SUPPRESS')
  t.same(legacy.seen, [{ authorization: `Bearer ${SECRET}`, body: { username: 'legacy-lee', password: PASSWORD } }])
})

t.test('UserMigration_ForgotPassword: asks without a password, suppresses the welcome', async (t) => {
  const legacy = await legacyService(t, users)
  const event = await migrateUser(userMigrationEvent('UserMigration_ForgotPassword'), { LEGACY_USERS_URL: legacy.url, LEGACY_USERS_SECRET: SECRET })
  t.same(legacy.seen[0]?.body, { username: 'legacy-lee' }, 'no password field at all')
  t.equal(event.response.userAttributes.email_verified, 'true')
  t.equal(event.response.messageAction, 'SUPPRESS')
  t.equal(event.response.finalUserStatus, undefined, 'Cognito creates the user awaiting the reset')
})

t.test('refusals: a wrong password and an unknown user fail alike (no user enumeration); the password is never logged', async (t) => {
  const legacy = await legacyService(t, users)
  const env = { LEGACY_USERS_URL: legacy.url, LEGACY_USERS_SECRET: SECRET }
  const wrong = await logged(t, () => migrateUser(userMigrationEvent('UserMigration_Authentication', 'legacy-lee', 'Wrong-Pass-9!'), env))
  const refused = { message: 'Incorrect username or password' }
  await t.rejects(wrong.result, refused)
  await t.rejects(migrateUser(userMigrationEvent('UserMigration_Authentication', 'nobody', PASSWORD), env), refused)
  await t.rejects(migrateUser(userMigrationEvent('UserMigration_ForgotPassword', 'nobody'), env), refused)
  t.notOk(wrong.lines.join('\n').includes('Wrong-Pass-9!'))
})

t.test('an outage refuses the sign-in with a clear message: a 500, a wrong secret, a 200 off contract, no answer in time', async (t) => {
  const failing = await legacyService(t, (_body, response) => { response.writeHead(500).end('boom') })
  const unavailable = { message: 'the account service is unavailable; try again later' }
  const signIn = userMigrationEvent('UserMigration_Authentication')
  const out = await logged(t, () => migrateUser(signIn, { LEGACY_USERS_URL: failing.url, LEGACY_USERS_SECRET: SECRET }))
  await t.rejects(out.result, unavailable)
  t.match(out.lines.join('\n'), /legacy user service unavailable.*answered 500/)
  t.notOk(out.lines.join('\n').includes(PASSWORD), 'no password in the log')

  await t.rejects(migrateUser(signIn, { LEGACY_USERS_URL: failing.url, LEGACY_USERS_SECRET: 'wrong' }), unavailable)

  const offContract = await legacyService(t, (_body, response) => { response.writeHead(200).end('{"user":{}}') })
  await t.rejects(migrateUser(signIn, { LEGACY_USERS_URL: offContract.url, LEGACY_USERS_SECRET: SECRET }), unavailable)

  const silent = await legacyService(t, () => { /* never answers */ })
  const started = Date.now()
  const env = { LEGACY_USERS_URL: silent.url, LEGACY_USERS_SECRET: SECRET, LEGACY_USERS_TIMEOUT_MS: '200' }
  const hung = await logged(t, () => migrateUser(userMigrationEvent('UserMigration_Authentication'), env))
  await t.rejects(hung.result, unavailable)
  t.match(hung.lines.join('\n'), /no answer within 200 ms/)
  t.ok(Date.now() - started < 4000, 'gave up at the timeout, within Cognito\'s 5 s')
})

t.test('the legacy URL must be https (plain http only for a loopback host); the secret must be set', async (t) => {
  const signIn = userMigrationEvent('UserMigration_Authentication')
  const url = 'https://legacy.example.com/u'
  await t.rejects(migrateUser(signIn, { LEGACY_USERS_URL: 'http://legacy.example.com/u', LEGACY_USERS_SECRET: SECRET }), /LEGACY_USERS_URL must be https/)
  await t.rejects(migrateUser(signIn, { LEGACY_USERS_URL: url }), /LEGACY_USERS_SECRET/)
  await t.rejects(migrateUser(signIn, { LEGACY_USERS_URL: url, LEGACY_USERS_SECRET: SECRET, LEGACY_USERS_TIMEOUT_MS: '9000' }), /LEGACY_USERS_TIMEOUT_MS/)
})

t.test('LEGACY_USERS_SECRET_ARN: the secret comes through the Parameters and Secrets extension, with the session token', async (t) => {
  let token: string | undefined
  const extension = createServer((request, response) => {
    token = request.headers['x-aws-parameters-secrets-token'] as string | undefined
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ SecretString: SECRET }))
  })
  await new Promise<void>(resolve => extension.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { extension.close() })
  const legacy = await legacyService(t, users)
  const env = {
    LEGACY_USERS_URL: legacy.url,
    LEGACY_USERS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf',
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((extension.address() as AddressInfo).port),
    AWS_SESSION_TOKEN: 'session-token'
  }
  const event = await migrateUser(userMigrationEvent('UserMigration_Authentication'), env)
  t.equal(event.response.finalUserStatus, 'CONFIRMED')
  t.equal(token, 'session-token')
  t.equal(legacy.seen[0]?.authorization, `Bearer ${SECRET}`)
})
