import t from 'tap'
import { createMemoryStore } from '../../src/store/memory-store.js'
import { storeConformance } from './conformance.js'

storeConformance(t, 'memory store', () => createMemoryStore())

t.test('expired entries are pruned: memory stays bounded under a stream of short-lived keys', async t => {
  let now = 1_700_000_000_000
  const store = createMemoryStore({ now: () => now })
  for (let i = 0; i < 10_000; i++) {
    now += 10 // each entry below lives 5 ms, so it is dead by the next round
    const nowSeconds = Math.floor(now / 1000)
    await store.increment(`counter-${i}`, 5)
    await store.putOnce(`once-${i}`, 'v', 5)
    await store.lock(`lock-${i}`, 5)
    if (i % 100 === 0) {
      await store.revokeToken(`sub-${i}`, `jti-${i}`, nowSeconds + 1)
      await store.markSignedOut(`sub-${i}`, nowSeconds, nowSeconds + 1)
    }
  }
  // 30,200 writes, never read back: only sweeping can have dropped them.
  t.ok(store.size() < 1000, `size ${store.size()} stays bounded`)
  await store.close()
  t.equal(store.size(), 0, 'close empties it')
})

t.test('pruning drops what has expired and keeps what is alive', async t => {
  let now = 1_700_000_000_000
  const store = createMemoryStore({ now: () => now })
  for (let i = 0; i < 200; i++) await store.putOnce(`short-${i}`, 'v', 1000)
  await store.putOnce('long', 'kept', 60_000)
  await store.revokeToken('sub', 'jti', Math.floor(now / 1000) + 3600)
  t.equal(store.size(), 202)

  now += 2000
  // Enough writes to trigger a sweep, all to one key so they add at most one entry.
  for (let i = 0; i < 300; i++) {
    now += 2
    await store.putOnce('churn', 'v', 1)
  }
  t.equal(store.size(), 3, 'the 200 expired once-keys are gone; long, jti and churn remain')
  t.equal(await store.takeOnce('long'), 'kept', 'the live once-key survived the sweep')
  t.equal(await store.isRevoked({ ids: ['jti'], sub: 'sub', issuedAt: Math.floor(now / 1000) }), true, 'the live revocation survived the sweep')
  t.equal(await store.takeOnce('short-0'), undefined)
})

t.test('an expired entry is dropped when it is read', async t => {
  let now = 1_700_000_000_000
  const store = createMemoryStore({ now: () => now })
  await store.putOnce('k', 'v', 1000)
  now += 1000 // expiry is exclusive: dead at exactly ttl
  t.equal(store.size(), 1)
  t.equal(await store.takeOnce('k'), undefined)
  t.equal(store.size(), 0)
})

t.test('non-finite epoch seconds are refused (they would never expire)', async t => {
  const store = createMemoryStore()
  await t.rejects(store.revokeToken('sub', 'jti', Number.NaN), RangeError)
  await t.rejects(store.markSignedOut('sub', 1, Number.POSITIVE_INFINITY), RangeError)
  t.equal(store.size(), 0)
})
