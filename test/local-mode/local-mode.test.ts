import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import t from 'tap'
import { createOutbox } from '@cognito-bff/local-cognito'
import { buildApp } from '../../src/app.js'
import { gatewayFor } from '../../src/cognito/gateway.js'
import { startLocalMode, type LocalCognito } from '../../src/local/local-mode.js'
import { captureLines, contractChecked, localStart } from '../helper.js'

const quiet = pino({ level: 'silent' })

const stopped = new WeakSet<LocalCognito>()
async function stop (local: LocalCognito): Promise<void> {
  if (stopped.has(local)) return
  stopped.add(local)
  local.sdk.destroy()
  await local.emulator.close()
}

/** The emulator once started, stopped with the test unless the test stopped it first (to start it again). */
async function started (t: { teardown (fn: () => unknown): void }, starting: Promise<LocalCognito>): Promise<LocalCognito> {
  const local = await starting
  t.teardown(() => stop(local))
  return local
}

t.test('first start creates pool, client and demo user; a restart reuses them', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const start = localStart({ LOCAL_DATA_DIR: dataDir })

  const first = await started(t, startLocalMode(start, quiet, createOutbox(() => {})))
  t.equal(first.created, true)
  t.match(first.config.pool.userPoolId, /^local_\w+$/)
  const state = JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8'))
  t.match(state, { userPoolId: first.config.pool.userPoolId, clientId: first.config.pool.clientId, cookieSecret: /^[\w-]{43}$/ })
  t.same(first.config.cookies.secrets, [state.cookieSecret], 'the generated key seals cookies')
  t.equal(first.config.pool.issuer, `${first.config.pool.endpoint}/${first.config.pool.userPoolId}`, 'tokens name the emulator as their issuer')
  await stop(first)

  const second = await started(t, startLocalMode(start, quiet, createOutbox(() => {})))
  t.equal(second.created, false)
  t.equal(second.config.pool.userPoolId, first.config.pool.userPoolId)
  t.equal(second.config.pool.clientId, first.config.pool.clientId)
  t.same(second.config.cookies.secrets, first.config.cookies.secrets, 'sessions sealed before the restart still unseal')
  t.equal(second.config.pool.issuer, first.config.pool.issuer, 'same emulator port, same issuer: access tokens survive the restart')

  const app = contractChecked(await buildApp(second.config, { gateway: gatewayFor(second.config, second.sdk), logStream: captureLines().stream }))
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
  const local = await started(t, startLocalMode(localStart({ LOCAL_DATA_DIR: dataDir, COOKIE_SECRETS: key }), quiet, createOutbox(() => {})))
  t.same(local.config.cookies.secrets, [key])
})

t.test('when the previous port is taken, the emulator starts on another', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const start = localStart({ LOCAL_DATA_DIR: dataDir })
  const first = await started(t, startLocalMode(start, quiet, createOutbox(() => {})))
  await stop(first)
  const squatter = createServer()
  await new Promise<void>(resolve => squatter.listen(Number(new URL(first.config.pool.endpoint!).port), '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => squatter.close(resolve)))
  const second = await started(t, startLocalMode(start, quiet, createOutbox(() => {})))
  t.not(second.config.pool.endpoint, first.config.pool.endpoint)
  t.equal(second.config.pool.userPoolId, first.config.pool.userPoolId, 'the pool is still reused')
})

t.test('LOCAL_CLIENT_SECRET switched on or off after the first start: the pool stays, the app client follows the setting', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const plain = await started(t, startLocalMode(localStart({ LOCAL_DATA_DIR: dataDir }), quiet, createOutbox(() => {})))
  await stop(plain)
  t.equal(plain.config.pool.clientSecret, undefined)

  const secretOn = localStart({ LOCAL_DATA_DIR: dataDir, LOCAL_CLIENT_SECRET: 'true' })
  const withSecret = await started(t, startLocalMode(secretOn, quiet, createOutbox(() => {})))
  await stop(withSecret)
  t.equal(withSecret.config.pool.userPoolId, plain.config.pool.userPoolId, 'same pool')
  t.not(withSecret.config.pool.clientId, plain.config.pool.clientId, 'a new app client, with a secret')
  t.match(withSecret.config.pool.clientSecret, /^\w+$/)
  t.match(JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8')), { clientSecret: withSecret.config.pool.clientSecret })

  const again = await started(t, startLocalMode(secretOn, quiet, createOutbox(() => {})))
  await stop(again)
  t.equal(again.config.pool.clientId, withSecret.config.pool.clientId, 'reused while the setting stays')
  t.equal(again.config.pool.clientSecret, withSecret.config.pool.clientSecret)

  const off = await started(t, startLocalMode(localStart({ LOCAL_DATA_DIR: dataDir }), quiet, createOutbox(() => {})))
  t.equal(off.config.pool.clientSecret, undefined, 'switched off: a client without a secret')
  t.notMatch(await readFile(join(dataDir, 'state.json'), 'utf8'), 'clientSecret')
})

t.test('the demo password must meet the pool\'s password policy', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  await t.rejects(
    startLocalMode(localStart({ LOCAL_DATA_DIR: dataDir, LOCAL_DEMO_PASSWORD: 'password1' }), quiet, createOutbox(() => {})),
    { message: 'LOCAL_DEMO_PASSWORD: Password did not conform with policy: Password must have uppercase characters' }
  )
})

t.test('a pool made before a custom attribute was defined gets it on the next start', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-local-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const start = localStart({ LOCAL_DATA_DIR: dataDir })
  const first = await started(t, startLocalMode(start, quiet, createOutbox(() => {})))
  await stop(first)
  const poolFile = join(dataDir, 'cognito', 'db', `${first.config.pool.userPoolId}.json`)
  const stored = JSON.parse(await readFile(poolFile, 'utf8'))
  stored.Options.SchemaAttributes = stored.Options.SchemaAttributes.filter((a: { Name: string }) => a.Name !== 'custom:plan')
  await writeFile(poolFile, JSON.stringify(stored))

  const second = await started(t, startLocalMode(start, quiet, createOutbox(() => {})))
  const pool = await second.sdk.send(new DescribeUserPoolCommand({ UserPoolId: second.config.pool.userPoolId }))
  t.ok(pool.UserPool?.SchemaAttributes?.some(a => a.Name === 'custom:plan'))
})
