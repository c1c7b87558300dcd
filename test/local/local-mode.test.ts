import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startLocalCognito } from '../../src/local/local-cognito.js'
import { createOutbox } from '../../src/local/outbox.js'
import { buildTestApp, PASSWORD, uniqueUsername } from '../helper.js'

const quiet = pino({ level: 'silent' })

t.test('first start creates pool, client and demo user; a restart reuses them', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const config = loadConfig({ LOCAL_DATA_DIR: dataDir })

  const first = await startLocalCognito(config, quiet, createOutbox(() => {}))
  t.equal(first.created, true)
  const state = JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8'))
  t.match(state, { userPoolId: first.settings.userPoolId, clientId: first.settings.clientId, cookieSecret: /^[\w-]{43}$/ })
  await first.emulator.close()

  const second = await startLocalCognito(config, quiet, createOutbox(() => {}))
  t.teardown(() => second.emulator.close())
  t.equal(second.created, false)
  t.equal(second.settings.userPoolId, first.settings.userPoolId)
  t.equal(second.settings.clientId, first.settings.clientId)
  t.same(second.cookieSecrets, first.cookieSecrets, 'sessions sealed before the restart still unseal')
  t.equal(second.settings.issuer, first.settings.issuer, 'same emulator port, same issuer: access tokens survive the restart')

  const app = await buildApp(config, { cognito: second.settings, cookieSecrets: second.cookieSecrets, outbox: second.outbox, logStream: devNull() })
  t.teardown(() => app.close())
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: second.demoUser.username, password: second.demoUser.password } })
  t.equal(login.statusCode, 200, 'the printed demo credentials work')
})

t.test('when the previous port is taken, the emulator starts on another', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const config = loadConfig({ LOCAL_DATA_DIR: dataDir })
  const first = await startLocalCognito(config, quiet, createOutbox(() => {}))
  await first.emulator.close()
  const squatter = createServer()
  await new Promise<void>(resolve => squatter.listen(Number(new URL(first.settings.endpoint!).port), '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => squatter.close(resolve)))
  const second = await startLocalCognito(config, quiet, createOutbox(() => {}))
  t.teardown(() => second.emulator.close())
  t.not(second.settings.endpoint, first.settings.endpoint)
  t.equal(second.settings.userPoolId, first.settings.userPoolId, 'the pool is still reused')
})

t.test('/local/messages lists what Cognito would have sent, newest first, and prints one line each', async t => {
  const printed: string[] = []
  const { app } = await buildTestApp(t, { deps: {} })
  const outbox = createOutbox(line => printed.push(line))
  outbox.add({ kind: 'SignUp', username: 'x', destination: 'x@example.com', medium: 'EMAIL', code: '111111' })
  t.same(printed, ['[local cognito] SignUp code for x (EMAIL x@example.com): 111111'])

  const username = uniqueUsername('mail')
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  await app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username } })
  const messages = (await app.inject({ method: 'GET', url: `/local/messages?username=${username}` })).json()
  t.equal(messages.length, 2)
  t.match(messages[0], { kind: 'ResendCode', username, destination: `${username}@example.com`, medium: 'EMAIL', code: /^\d{6}$/ })
  t.match(messages[1], { kind: 'SignUp', username })
  t.ok(messages[0].id > messages[1].id, 'newest first')
  const all = (await app.inject({ method: 'GET', url: '/local/messages' })).json()
  t.ok(all.length >= 2)
})

t.test('local routes do not exist outside local mode', async t => {
  const { local } = await buildTestApp(t)
  const config = loadConfig({ COGNITO_USER_POOL_ID: 'us-east-1_Test', COGNITO_CLIENT_ID: 'abc', COOKIE_SECRETS: 'k'.repeat(32), PUBLIC_URL: 'https://auth.example.com', LOG_LEVEL: 'silent' })
  const app = await buildApp(config, { cognito: local.settings, cookieSecrets: ['k'.repeat(32)] })
  t.teardown(() => app.close())
  const response = await app.inject({ method: 'GET', url: '/local/messages' })
  t.equal(response.statusCode, 404)
  t.equal(response.json().code, 'NOT_FOUND')
})

function devNull () {
  return { write: () => true } as unknown as NodeJS.WritableStream
}
