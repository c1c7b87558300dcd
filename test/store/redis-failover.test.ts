/**
 * A primary of a Redis Cluster killed (SIGKILL) under traffic: every call on
 * its slots answers correctly or rejects with StoreUnavailableError (503),
 * never a wrong "not revoked", until its replica is promoted; then the same
 * store answers again, with no restart.
 */
import { randomUUID } from 'node:crypto'
import { setImmediate } from 'node:timers/promises'
import t from 'tap'
import { createRedisStore } from '../../src/store/redis-store.js'
import { StoreUnavailableError } from '../../src/store/store.js'
import { startRedisCluster } from '../helpers/redis-cluster.js'

t.setTimeout(600_000)

const cluster = await startRedisCluster(t, { nodeTimeoutMs: 1500 })
const nowSeconds = (): number => Math.floor(Date.now() / 1000)
// Generous deadlines: a busy machine detects the failure and promotes the replica many times slower than an idle one.
const FAILOVER_DEADLINE_MS = 60_000
const CALL_LIMIT_MS = 15_000

t.test('SIGKILL a primary under traffic: correct answers or 503s until its replica takes over, then answers again', async t => {
  const store = createRedisStore({ url: cluster.url, cluster: true, keyPrefix: `failover:${randomUUID()}:` })
  t.teardown(() => store.close())
  t.equal(await store.ping(), true, 'connected')

  // Users whose keys live on one primary: the victim.
  const victim = await cluster.primaryOf(await cluster.slotOf('victim-probe'))
  const subs: string[] = []
  for (let i = 0; subs.length < 20; i++) {
    const sub = `user-${i}-${randomUUID()}`
    if (await cluster.primaryOf(await cluster.slotOf(sub)) === victim) subs.push(sub)
  }
  for (const sub of subs) await store.revokeToken(sub, 'revoked', nowSeconds() + 3600)
  // Replication is asynchronous: wait until the replica has every revocation, or a failover could lose one.
  await cluster.untilReplicated(victim)

  const counts = { correct: 0, unavailable: 0, wrong: 0, other: 0 }
  const wrongs: string[] = []
  let slowest = 0
  async function call (sub: string, i: number): Promise<void> {
    const started = performance.now()
    const kind = i % 3
    const attempt = kind === 0
      ? store.isRevoked({ ids: ['revoked'], sub, issuedAt: nowSeconds() }).then(value => value === true || `revoked read ${value}`)
      : kind === 1
        ? store.isRevoked({ ids: ['never'], sub, issuedAt: nowSeconds() }).then(value => value === false || `never revoked read ${value}`)
        : store.revokeToken(sub, `new-${i}`, nowSeconds() + 3600).then(() => true)
    const outcome = await Promise.race([
      attempt.then(result => result === true ? 'correct' as const : (wrongs.push(String(result)), 'wrong' as const),
        (err: unknown) => err instanceof StoreUnavailableError ? 'unavailable' as const : (wrongs.push(String(err)), 'other' as const)),
      new Promise<'other'>(resolve => setTimeout(() => { wrongs.push('hung'); resolve('other') }, CALL_LIMIT_MS).unref())
    ])
    counts[outcome]++
    slowest = Math.max(slowest, performance.now() - started)
  }

  // Traffic: four callers in a loop over the victim's users, until the failover is over and calls succeed again.
  const traffic = { stop: false, successesAfterPromotion: 0, promoted: false }
  let i = 0
  const callers = Array.from({ length: 4 }, async () => {
    while (!traffic.stop) {
      const n = i++
      const before = counts.correct
      await call(subs[n % subs.length]!, n)
      if (traffic.promoted && counts.correct > before) traffic.successesAfterPromotion++
      // A rejection while the node is gone comes at once (a microtask): let timers and sockets run between calls.
      await setImmediate()
    }
  })

  await t.resolves(new Promise(resolve => setTimeout(resolve, 300)), 'traffic runs before the kill')
  const killedAt = performance.now()
  await victim.kill()
  const servedBefore = counts.correct
  try {
    // The replica is promoted when the live nodes name another primary for the victim's slots.
    const slot = await cluster.slotOf(subs[0]!)
    const deadline = Date.now() + FAILOVER_DEADLINE_MS
    while ((await cluster.primaryOf(slot).catch(() => victim)) === victim) {
      if (Date.now() > deadline) throw new Error(`no replica promoted within ${FAILOVER_DEADLINE_MS} ms`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    traffic.promoted = true
    const promotedMs = Math.round(performance.now() - killedAt)
    while (traffic.successesAfterPromotion < 50) {
      if (Date.now() > deadline) throw new Error(`calls did not succeed again within ${FAILOVER_DEADLINE_MS} ms`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    const recoveredMs = Math.round(performance.now() - killedAt)
    t.comment(`failover: replica promoted ${promotedMs} ms after the kill, calls succeed again after ${recoveredMs} ms; ` +
      `${JSON.stringify(counts)}, slowest call ${Math.round(slowest)} ms`)
  } finally {
    traffic.stop = true
    await Promise.all(callers)
  }

  t.equal(counts.wrong, 0, `never a wrong answer (${wrongs.slice(0, 3).join('; ')})`)
  t.equal(counts.other, 0, `every failure is a StoreUnavailableError, none hangs (${wrongs.slice(0, 3).join('; ')})`)
  t.ok(counts.unavailable > 0, `the outage was seen: ${counts.unavailable} calls answered 503`)
  t.ok(counts.correct > servedBefore, 'calls succeeded again after the failover')
  const ready = await cluster.untilHealthy().then(() => store.ping())
  t.equal(ready, true, 'the store is ready again (every slot has a primary), the same store, no restart')
  for (const sub of subs) {
    t.equal(await store.isRevoked({ ids: ['revoked'], sub, issuedAt: nowSeconds() }), true, 'the revocations survived on the promoted replica')
  }
})
