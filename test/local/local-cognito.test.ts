import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { gatewayFor } from '../../src/cognito/gateway.js'
import { startLocalCognito, type LocalCognito } from '../../src/local/local-cognito.js'
import { createOutbox } from '../../src/local/outbox.js'
import { captureLines, localStart } from '../helper.js'

const quiet = pino({ level: 'silent' })

async function stop (local: LocalCognito): Promise<void> {
  local.sdk.destroy()
  await local.emulator.close()
}

t.test('first start creates pool, client and demo user; a restart reuses them', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const start = localStart({ LOCAL_DATA_DIR: dataDir })

  const first = await startLocalCognito(start, quiet, createOutbox(() => {}))
  t.equal(first.created, true)
  t.match(first.config.pool.userPoolId, /^local_\w+$/)
  const state = JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8'))
  t.match(state, { userPoolId: first.config.pool.userPoolId, clientId: first.config.pool.clientId, cookieSecret: /^[\w-]{43}$/ })
  t.same(first.config.cookies.secrets, [state.cookieSecret], 'the generated key seals cookies')
  t.equal(first.config.pool.issuer, `${first.config.pool.endpoint}/${first.config.pool.userPoolId}`, 'tokens name the emulator as their issuer')
  await stop(first)

  const second = await startLocalCognito(start, quiet, createOutbox(() => {}))
  t.teardown(() => stop(second))
  t.equal(second.created, false)
  t.equal(second.config.pool.userPoolId, first.config.pool.userPoolId)
  t.equal(second.config.pool.clientId, first.config.pool.clientId)
  t.same(second.config.cookies.secrets, first.config.cookies.secrets, 'sessions sealed before the restart still unseal')
  t.equal(second.config.pool.issuer, first.config.pool.issuer, 'same emulator port, same issuer: access tokens survive the restart')

  const app = await buildApp(second.config, { gateway: gatewayFor(second.config, second.sdk), logStream: captureLines().stream })
  t.teardown(() => app.close())
  const login = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: second.demoUser.username, password: second.demoUser.password }
  })
  t.equal(login.statusCode, 200, 'the printed demo credentials work')
})

t.test('configured cookie keys are used instead of a generated one', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const key = 'a-configured-cookie-key-of-32-chars!'
  const local = await startLocalCognito(localStart({ LOCAL_DATA_DIR: dataDir, COOKIE_SECRETS: key }), quiet, createOutbox(() => {}))
  t.teardown(() => stop(local))
  t.same(local.config.cookies.secrets, [key])
})

t.test('when the previous port is taken, the emulator starts on another', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const start = localStart({ LOCAL_DATA_DIR: dataDir })
  const first = await startLocalCognito(start, quiet, createOutbox(() => {}))
  await stop(first)
  const squatter = createServer()
  await new Promise<void>(resolve => squatter.listen(Number(new URL(first.config.pool.endpoint!).port), '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => squatter.close(resolve)))
  const second = await startLocalCognito(start, quiet, createOutbox(() => {}))
  t.teardown(() => stop(second))
  t.not(second.config.pool.endpoint, first.config.pool.endpoint)
  t.equal(second.config.pool.userPoolId, first.config.pool.userPoolId, 'the pool is still reused')
})
