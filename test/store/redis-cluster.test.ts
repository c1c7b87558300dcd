/**
 * The Redis store on a Redis Cluster (3 primaries, 3 replicas, built by the
 * test with redis-cli --cluster create): the same conformance suite as one
 * server, every script in one slot (no CROSSSLOT), and a user's revocation
 * keys on the shard of the user's hash tag.
 */
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import { createRedisStore, type RedisStore } from '../../src/store/redis-store.js'
import { startRedisCluster } from '../helpers/redis-cluster.js'
import { storeConformance } from './conformance.js'

t.setTimeout(600_000) // building the cluster on a busy machine, then the whole suite

const cluster = await startRedisCluster(t)
const freshPrefix = (): string => `test:${randomUUID()}:`
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

async function open (t: Test, keyPrefix = freshPrefix()): Promise<RedisStore> {
  const store = createRedisStore({ url: cluster.url, cluster: true, keyPrefix })
  t.teardown(() => store.close())
  t.equal(await store.ping(), true, 'connected: every primary answers and every slot has one')
  return store
}

storeConformance(t, 'redis store on a cluster', async () => {
  const store = createRedisStore({ url: cluster.url, cluster: true, keyPrefix: freshPrefix() })
  await store.ping() // wait for the connection and the slot map: calls before it reject (no offline queue)
  return store
})

t.test('a user\'s revocation keys share the slot of the user\'s hash tag; one isRevoked reads them all', async t => {
  const keyPrefix = freshPrefix()
  const store = await open(t, keyPrefix)
  t.equal(store.isReady(), true)
  const subs = Array.from({ length: 30 }, () => randomUUID())
  const slots = new Set<number>()
  for (const sub of subs) {
    const jtis = [randomUUID(), randomUUID()]
    await store.revokeToken(sub, jtis[1]!, nowSeconds() + 3600)
    await store.markSignedOut(sub, 1000, nowSeconds() + 3600)
    const slot = await cluster.slotOf(sub)
    slots.add(slot)
    t.equal(await cluster.slotOf(`${keyPrefix}signout:{${sub}}`), slot)
    t.equal(await cluster.slotOf(`${keyPrefix}revoked:{${sub}}:${jtis[0]}`), slot)
    t.equal(await store.isRevoked({ ids: jtis, sub, issuedAt: 2000 }), true, 'a revoked id (both ids, one script)')
    t.equal(await store.isRevoked({ ids: [jtis[0]!], sub, issuedAt: 999 }), true, 'signed out after its iat')
    t.equal(await store.isRevoked({ ids: [jtis[0]!], sub, issuedAt: 1000 }), false, 'neither')
  }
  const primaries = new Set(await Promise.all([...slots].map(async slot => (await cluster.primaryOf(slot)).port)))
  t.equal(primaries.size, 3, `the 30 users spread over all three primaries (${slots.size} slots)`)
})

t.test('the seed node may be any node, replicas included', async t => {
  for (const node of cluster.nodes) {
    const store = createRedisStore({ url: node.url, cluster: true, keyPrefix: freshPrefix() })
    t.teardown(() => store.close())
    t.equal(await store.ping(), true, `seed ${node.port}`)
    t.equal(await store.putOnce('k', 'v', 5000), true)
    t.equal(await store.takeOnce('k'), 'v')
  }
})

t.test('the cluster client is not a plain client: one server\'s client on a cluster node gets MOVED for other slots', async t => {
  // The control: why REDIS_CLUSTER matters. A plain connection only serves the slots of the node it is on.
  const plain = new Redis(cluster.nodes[0]!.port, '127.0.0.1')
  t.teardown(() => plain.disconnect())
  const moved = await Promise.all(Array.from({ length: 10 }, async (_, i) =>
    await plain.get(`key-${i}`).then(() => false, (err: Error) => err.message.startsWith('MOVED'))))
  t.ok(moved.some(Boolean), 'some keys live elsewhere')
})
