/**
 * Two service processes on one Redis behave as one: a logout on instance A
 * refuses the token on B, a hand-off code A issued is redeemed once on B (and
 * never again on either), a rate limit counts requests across both, and a
 * Redis outage makes both answer 503 (fail closed) and not ready. The same
 * scenarios run on one Redis server and on a Redis Cluster (3 primaries, 3
 * replicas; REDIS_CLUSTER=true), where the outage is a shard losing its
 * primary until its replica takes over. Real parts only: Debian's redis-server, the
 * embedded emulator standing in for the pool (as AWS would, behind
 * COGNITO_ENDPOINT), and the service started twice. Every process is stopped
 * by a teardown registered before its readiness is awaited.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { startLocalMode } from '../../src/local/local-mode.js'
import { createOutbox } from '@cognito-bff/local-cognito'
import { freePort, localStart, TEST_TIMEOUTS_ENV, untilReady } from '../helper.js'
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster.js'
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js'
import { until } from '../helpers/timeouts.js'

const root = resolve(import.meta.dirname, '../..')
const CMS = 'http://127.0.0.1:9'
const CMS_SECRET = 'cms-handoff-secret-of-at-least-32-chars'

t.setTimeout(600_000) // two backends, each with its emulator and two service processes, on a busy machine

/** Where the shared state lives: one server, or a cluster. */
type Backend = { env: Record<string, string>, server: RedisServer } | { env: Record<string, string>, cluster: RedisCluster }

t.test('on one Redis server', async t => {
  const server = await startRedisServer(t)
  await twoInstances(t, { env: { REDIS_URL: server.url }, server })
})

t.test('on a Redis Cluster (3 primaries, 3 replicas)', async t => {
  // A replica takes over 5 s after its primary fell silent: the outage below is observed well inside that.
  const cluster = await startRedisCluster(t, { nodeTimeoutMs: 5000 })
  await twoInstances(t, { env: { REDIS_URL: cluster.url, REDIS_CLUSTER: 'true' }, cluster })
})

async function twoInstances (t: Test, backend: Backend): Promise<void> {
  const [portA, portB] = [await freePort(), await freePort()]
  // Behind a load balancer both instances have one public URL; here it is A's, where the hosted UI returns.
  const publicUrl = `http://localhost:${portA}`
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-pool-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const start = localStart({ LOCAL_DATA_DIR: dataDir, PUBLIC_URL: publicUrl })
  const local = await startLocalMode(start, pino({ level: 'silent' }), createOutbox(() => {}))
  t.teardown(async () => {
    local.sdk.destroy()
    await local.emulator.close()
  })
  const { pool } = local.config

  function startInstance (port: number): void {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        PUBLIC_URL: publicUrl,
        COGNITO_USER_POOL_ID: pool.userPoolId,
        COGNITO_CLIENT_ID: pool.clientId,
        COGNITO_ENDPOINT: pool.endpoint!,
        COGNITO_ISSUER: pool.issuer,
        COGNITO_DOMAIN: local.config.hostedUiDomain,
        REDIRECT_ALLOWLIST: `${publicUrl},${CMS}`,
        HANDOFF_SITES: `${CMS}=${CMS_SECRET}`,
        COOKIE_SECRETS: 'k'.repeat(32),
        RATE_LIMIT_RECOVERY: '4',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        ...TEST_TIMEOUTS_ENV,
        ...backend.env
      }
    })
    // Registered before readiness is awaited: an instance that never gets ready is stopped all the same.
    t.teardown(() => { child.kill('SIGTERM') })
  }

  async function post (port: number, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      redirect: 'manual'
    })
  }

  startInstance(portA)
  startInstance(portB)
  for (const port of [portA, portB]) {
    if (!await untilReady(port)) throw new Error(`the instance on port ${port} did not become ready`)
  }
  const demo = { username: local.demoUser.username, password: local.demoUser.password }

  t.test('a logout on A refuses the session\'s token on B', async t => {
    const login = await post(portA, '/auth/login', { ...demo, tokenDelivery: 'body' })
    const { tokens } = await login.json() as { tokens: { accessToken: string, refreshToken: string } }
    const verifyOnB = async () => {
      const response = await post(portB, '/tokens/verify', { token: tokens.accessToken })
      return await response.json() as { reason?: string, username?: string }
    }
    t.equal((await verifyOnB()).username, 'demo', 'B accepts the token A issued')
    const logout = await post(portA, '/auth/logout', { refreshToken: tokens.refreshToken }, { authorization: `Bearer ${tokens.accessToken}` })
    t.equal(logout.status, 204)
    t.equal((await verifyOnB()).reason, 'revoked', 'B refuses it once A revoked it')
  })

  t.test('a hand-off code issued by A is redeemed once, on B, and never again', async t => {
    const start = await fetch(`http://127.0.0.1:${portA}/oauth/login?redirect=${encodeURIComponent(`${CMS}/welcome`)}`, { redirect: 'manual' })
    const loginCookie = (start.headers.getSetCookie()[0] ?? '').split(';')[0]!
    const authorize = new URL(start.headers.get('location')!)
    const form = new URLSearchParams(authorize.searchParams)
    form.set('username', demo.username)
    form.set('password', demo.password)
    const hosted = await fetch(new URL('/oauth2/authorize', authorize.origin), { method: 'POST', body: form, redirect: 'manual' })
    const callback = new URL(hosted.headers.get('location')!)
    const back = await fetch(`http://127.0.0.1:${portA}${callback.pathname}${callback.search}`, { headers: { cookie: loginCookie }, redirect: 'manual' })
    t.equal(back.status, 302)
    const code = new URL(back.headers.get('location')!).searchParams.get('handoff')
    t.ok(code, 'A sent the user to the CMS with a hand-off code')

    const auth = { authorization: `Bearer ${CMS_SECRET}` }
    const attempts = await Promise.all([post(portB, '/oauth/handoff', { code }, auth), post(portA, '/oauth/handoff', { code }, auth)])
    t.same(attempts.map(r => r.status).sort(), [200, 400], 'two redemptions at once, one per instance: exactly one succeeds')
    t.equal((await post(portB, '/oauth/handoff', { code }, auth)).status, 400, 'and none later')
  })

  t.test('a rate limit counts requests on both instances together', async t => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const response = await post(i % 2 === 0 ? portA : portB, '/auth/password/forgot', { username: `nobody-${i}` })
      statuses.push(response.status)
    }
    t.same(statuses, [202, 202, 202, 202, 429, 429], 'RATE_LIMIT_RECOVERY=4 per minute, whichever instance is asked')
  })

  if ('server' in backend) {
    const redis = backend.server
    t.test('Redis down: both instances answer 503 and are not ready; back up, they serve again', async t => {
      await redis.stop()
      for (const port of [portA, portB]) {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
        t.equal(ready.status, 503)
        t.match(await ready.json(), { status: 'not ready', checks: { store: 'unavailable' } })
        const login = await post(port, '/auth/login', demo)
        t.equal(login.status, 503, 'fails closed: no answer rather than one without the shared state')
        t.match(await login.json(), { code: 'STORE_UNAVAILABLE' })
      }
      await redis.start()
      // Each instance reconnects by itself (within about a second).
      t.ok(await untilReady(portA), 'A ready again')
      t.ok(await untilReady(portB), 'B ready again')
      t.equal((await post(portB, '/auth/login', { ...demo, tokenDelivery: 'body' })).status, 200, 'B serves again')
    })
  } else {
    const { cluster } = backend
    t.test('a shard loses its primary: its users\' token checks answer 503 on both; its replica takes over, no restart', async t => {
      const login = await post(portA, '/auth/login', { ...demo, tokenDelivery: 'body' })
      const { tokens } = await login.json() as { tokens: { accessToken: string } }
      const { sub } = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString()) as { sub: string }
      const verify = async (port: number) => await post(port, '/tokens/verify', { token: tokens.accessToken })
      t.equal((await verify(portB)).status, 200, 'B checks the token')
      const primary = await cluster.primaryOf(await cluster.slotOf(sub))
      // Its replicas are frozen first, so none can take over before both instances have been asked
      // (on a busy machine a promotion can beat the questions); thawed, one is promoted.
      const replicas = await cluster.replicasOf(primary)
      t.ok(replicas.length > 0, 'the primary has a replica')
      for (const replica of replicas) replica.freeze()
      await primary.kill()
      for (const port of [portA, portB]) {
        const answer = await verify(port)
        t.equal(answer.status, 503, 'the shard of the user\'s revocation keys is gone: fails closed')
        t.match(await answer.json(), { code: 'STORE_UNAVAILABLE' })
        // Readiness follows the instance's slot map, which a busy machine may refresh a moment after the first
        // failed call: asked until it says so (the shard stays without a primary while its replica is frozen).
        const ready = await until(async () => {
          const response = await fetch(`http://127.0.0.1:${port}/readyz`)
          return response.status === 503 ? response : undefined
        }, { what: `not ready on ${port}: a slot has no primary` })
        t.match(await ready.json(), { status: 'not ready', checks: { store: 'unavailable' } })
      }
      // The replica is promoted; each instance finds it by itself.
      for (const replica of replicas) replica.thaw()
      t.ok(await untilReady(portA), 'A ready again')
      t.ok(await untilReady(portB), 'B ready again')
      // Ready means every slot has a primary in the instance's map; a check may still meet the cluster settling
      // (503 STORE_UNAVAILABLE, never a wrong answer) for a moment on a busy machine: each is asked until it answers.
      for (const port of [portA, portB]) {
        const answer = await until(async () => {
          const response = await verify(port)
          if (response.status === 200) return response
          t.equal(response.status, 503, 'until then it fails closed')
          return undefined
        }, { what: `the token checks again on ${port}` })
        t.match(await answer.json(), { username: 'demo' }, 'the token checks again')
      }
    })
  }
}
