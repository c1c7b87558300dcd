/**
 * Every node of a Redis Cluster stopped, then started again on the same ports
 * (each keeps its nodes.conf, not its data): while it is down every store call
 * rejects with StoreUnavailableError and ping() is false; once it is back the
 * same store answers again and ping() is true, with no restart.
 *
 * The traffic is what a service sees: a readiness probe (ping()) every
 * PROBE_EVERY_MS throughout, and requests only until the probe says not ready
 * (a load balancer then stops sending them), so the probe alone has to bring
 * the store back.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { Redis } from 'ioredis'
import { createRedisStore } from '../../src/store/redis-store.js'
import { StoreUnavailableError } from '../../src/store/store.js'
import { startRedisCluster } from '../helpers/redis-cluster.js'
import { fileTimeout, scaled, until } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000)) // measured: 22 s alone, 22-23 s with four copies at once (cluster build, outage, restart)

const PROBE_EVERY_MS = 100
const RECOVERY_MS = scaled(60_000)
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

t.test('all six nodes stopped and started again: 503s and not ready while down, then the same store answers', async t => {
  const cluster = await startRedisCluster(t)
  // The store learns the replicas from the seed's CLUSTER SLOTS; right after the build it may list primaries only.
  const seed = new Redis(cluster.url, { maxRetriesPerRequest: 0, retryStrategy: () => 200 })
  seed.on('error', () => {})
  t.teardown(() => seed.disconnect())
  await until(async () => (await seed.cluster('SLOTS')).every(range => range.length >= 4), { what: 'the seed lists a replica for every range' })
  seed.disconnect()

  const store = createRedisStore({ url: cluster.url, cluster: true, keyPrefix: `outage:${randomUUID()}:` })
  t.teardown(() => store.close())
  t.ok(await until(async () => await store.ping(), { what: 'the store connected' }), 'connected')
  const sub = randomUUID()
  await store.revokeToken(sub, 'revoked', nowSeconds() + 3600)
  t.equal(await store.isRevoked({ ids: ['revoked'], sub, issuedAt: nowSeconds() }), true, 'revoked before the outage')

  // The readiness probe: runs until the teardown, whatever fails.
  const probe = { stop: false, results: [] as boolean[] }
  const probing = (async () => {
    while (!probe.stop) {
      probe.results.push(await store.ping())
      await sleep(PROBE_EVERY_MS)
    }
  })()
  t.teardown(async () => {
    probe.stop = true
    await probing
  })

  const stoppedAt = performance.now()
  await cluster.stop()
  await until(() => probe.results.at(-1) === false, { what: 'the probe says not ready' })
  t.equal(await store.ping(), false, 'ping() is false while every node is down')
  t.equal(store.isReady(), false, 'isReady() is false while every node is down')
  // The requests that still arrive before the load balancer takes the instance out: 503, never "not revoked".
  const revokedRead = await store.isRevoked({ ids: ['revoked'], sub, issuedAt: nowSeconds() }).catch((err: unknown) => err)
  t.ok(revokedRead instanceof StoreUnavailableError, `isRevoked rejects with StoreUnavailableError (${String(revokedRead)})`)
  const revoking = await store.revokeToken(sub, 'other', nowSeconds() + 3600).catch((err: unknown) => err)
  t.ok(revoking instanceof StoreUnavailableError, `revokeToken rejects with StoreUnavailableError (${String(revoking)})`)
  // Down long enough for the client to have given up on every node it knew (probes only from here on).
  const seen = probe.results.length
  await until(() => probe.results.length >= seen + 10, { what: 'ten more probes while down' })
  t.notOk(probe.results.slice(seen).some(Boolean), 'every probe while down says not ready')

  await cluster.start()
  await cluster.untilHealthy()
  const startedAt = performance.now()
  const fromProbe = probe.results.length
  await until(() => probe.results.slice(fromProbe).some(Boolean), { what: 'the probe says ready again', ms: RECOVERY_MS })
  t.comment(`ready again ${Math.round(performance.now() - startedAt)} ms after the cluster was healthy, ` +
    `${Math.round(performance.now() - stoppedAt)} ms after the stop`)
  t.equal(await store.ping(), true, 'ping() is true again')

  // The nodes came back without their data: revoke again, on the same store.
  await store.revokeToken(sub, 'after', nowSeconds() + 3600)
  t.equal(await store.isRevoked({ ids: ['after'], sub, issuedAt: nowSeconds() }), true, 'a revocation made after the restart is read')
  t.equal(await store.isRevoked({ ids: ['never'], sub, issuedAt: nowSeconds() }), false, 'a token never revoked is not')
})
