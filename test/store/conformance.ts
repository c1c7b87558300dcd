import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import type { SharedStore } from '../../src/store/store.js'

/**
 * The contract every `SharedStore` must meet. Run it against each
 * implementation (memory; Redis on one server, a cluster, TLS):
 *
 *   storeConformance(t, 'memory store', () => createMemoryStore())
 *
 * It uses real time and short real TTLs, never an injected clock, so a store
 * whose expiry is done by its backend (Redis PEXPIRE/PXAT) is tested the same
 * way. Every key is random, so a suite can run against a shared backend.
 * `create` is called once per subtest; each store is closed afterwards.
 */
export function storeConformance (t: Test, name: string, create: () => Promise<SharedStore> | SharedStore) {
  const key = (label: string): string => `conformance:${label}:${randomUUID()}`
  const nowSeconds = (): number => Math.floor(Date.now() / 1000)

  async function open (t: Test): Promise<SharedStore> {
    const store = await create()
    t.teardown(() => store.close())
    return store
  }

  return t.test(`SharedStore conformance: ${name}`, async t => {
    // What a member wrote is read back through the one question the service asks.
    const revoked = async (store: SharedStore, sub: string, jti: string) => await store.isRevoked({ ids: [jti], sub, issuedAt: nowSeconds() })
    const signedOutBefore = async (store: SharedStore, sub: string, issuedAt: number) => await store.isRevoked({ ids: [], sub, issuedAt })
    /** Whether the mark kept for `sub` is exactly `at`: a token issued the second before is refused, one issued at `at` is not. */
    const markIs = async (store: SharedStore, sub: string, at: number) =>
      await signedOutBefore(store, sub, at - 1) && !await signedOutBefore(store, sub, at)
    /** No mark at all: not even a token issued at epoch 0 is refused. */
    const noMark = async (store: SharedStore, sub: string) => !await signedOutBefore(store, sub, 0)

    t.test('revokeToken: revoked, not revoked, already expired; a revocation counts for its user only', async t => {
      const store = await open(t)
      const [sub, otherSub] = [key('sub'), key('sub')]
      const [jti, other, expired] = [key('jti'), key('jti'), key('jti')]
      t.equal(await revoked(store, sub, jti), false, 'unknown jti is not revoked')
      await store.revokeToken(sub, jti, nowSeconds() + 3600)
      t.equal(await revoked(store, sub, jti), true, 'revoked jti')
      t.equal(await revoked(store, sub, other), false, 'another jti is untouched')
      t.equal(await revoked(store, otherSub, jti), false, 'the same jti asked for another user is not revoked')
      await store.revokeToken(sub, expired, nowSeconds() - 10)
      t.equal(await revoked(store, sub, expired), false, 'a jti whose exp has passed is not reported')
      await store.revokeToken(sub, jti, nowSeconds() - 10)
      t.equal(await revoked(store, sub, jti), true, 'revoking again with an older exp does not shorten it')
    })

    t.test('markSignedOut: keeps the latest mark, never shortens retention', async t => {
      const store = await open(t)
      const later = nowSeconds() + 3600
      const past = nowSeconds() - 10
      const sub = key('sub')
      t.ok(await noMark(store, sub), 'no mark yet')
      await store.markSignedOut(sub, 1000, later)
      t.ok(await markIs(store, sub, 1000), 'marked at 1000')
      await store.markSignedOut(sub, 900, later)
      t.ok(await markIs(store, sub, 1000), 'an older mark does not move it backwards')
      await store.markSignedOut(sub, 1200, later)
      t.ok(await markIs(store, sub, 1200), 'a newer mark moves it forward')
      await store.markSignedOut(sub, 1100, past)
      t.ok(await markIs(store, sub, 1200), 'an older mark with a past keepUntil changes nothing')
      await store.markSignedOut(sub, 1300, past)
      t.ok(await markIs(store, sub, 1300), 'a newer mark with a past keepUntil keeps the earlier retention')

      const gone = key('sub')
      await store.markSignedOut(gone, 1000, past)
      t.ok(await noMark(store, gone), 'a mark already past keepUntil is not kept')
      t.ok(await noMark(store, key('sub')), 'another sub has no mark')
    })

    t.test('isRevoked: one question for a token: any of its ids revoked, or its user signed out after its iat', async t => {
      const store = await open(t)
      const [jti, origin, sub, other] = [key('jti'), key('origin'), key('sub'), key('sub')]
      const token = { ids: [jti, origin], sub, issuedAt: 1000 }
      t.equal(await store.isRevoked(token), false, 'nothing recorded: not revoked')
      t.equal(await store.isRevoked({ ids: [], sub, issuedAt: 1000 }), false, 'a token without ids, nothing recorded')
      await store.revokeToken(sub, origin, nowSeconds() + 3600)
      t.equal(await store.isRevoked(token), true, 'its session (origin_jti) revoked')
      t.equal(await store.isRevoked({ ids: [jti], sub, issuedAt: 1000 }), false, 'another token of the user, not of that session')
      t.equal(await store.isRevoked({ ...token, sub: other }), false, 'the same ids asked for another user')
      await store.markSignedOut(other, 1000, nowSeconds() + 3600)
      t.equal(await store.isRevoked({ ids: [], sub: other, issuedAt: 999 }), true, 'issued before the sign-out mark')
      t.equal(await store.isRevoked({ ids: [], sub: other, issuedAt: 1000 }), false, 'issued in the second of the mark: a new sign-in')
      t.equal(await store.isRevoked({ ids: [jti], sub: other, issuedAt: 1001 }), false, 'issued after it')
      await store.revokeToken(sub, jti, nowSeconds() - 10)
      t.equal(await store.isRevoked({ ids: [jti], sub, issuedAt: 1000 }), false, 'a revocation already expired counts for nothing')
    })

    t.test('allowAfterMark: a token of the mark\'s own second let through that mark only; a newer mark refuses it again', async t => {
      const store = await open(t)
      const later = nowSeconds() + 3600
      const [sub, other, jti, origin, stranger] = [key('sub'), key('sub'), key('jti'), key('origin'), key('jti')]
      t.equal(await store.signedOutMark(sub), undefined, 'no mark yet')
      await store.markSignedOut(sub, 1000, later, 999_400)
      t.same(await store.signedOutMark(sub), { at: 1000, atMs: 999_400 }, 'the mark and its instant')
      await store.markSignedOut(other, 1000, later)
      t.same(await store.signedOutMark(other), { at: 1000, atMs: 1_000_000 }, 'without an instant: the whole second before it is covered')
      const token = { ids: [jti, origin], sub, issuedAt: 999 }
      t.equal(await store.isRevoked(token), true, 'control: issued in the mark\'s second, refused')
      await store.allowAfterMark(sub, jti, 999_400, later)
      t.equal(await store.isRevoked(token), false, 'allowed after this mark: let through')
      t.equal(await store.isRevoked({ ids: [stranger, origin], sub, issuedAt: 999 }), true, 'another token of that second is still refused')
      t.equal(await store.isRevoked({ ids: [jti], sub: other, issuedAt: 999 }), true, 'the allowance counts for its user only')
      await store.revokeToken(sub, origin, later)
      t.equal(await store.isRevoked(token), true, 'an allowed token whose session is revoked is refused')

      const [sub2, jti2] = [key('sub'), key('jti')]
      await store.markSignedOut(sub2, 1000, later, 999_400)
      await store.allowAfterMark(sub2, jti2, 999_400, later)
      await store.markSignedOut(sub2, 1000, later, 999_300)
      t.same(await store.signedOutMark(sub2), { at: 1000, atMs: 999_400 }, 'an earlier instant does not move the mark back')
      t.equal(await store.isRevoked({ ids: [jti2], sub: sub2, issuedAt: 999 }), false, 'so the allowance stands')
      await store.markSignedOut(sub2, 1000, later, 999_700)
      t.equal(await store.isRevoked({ ids: [jti2], sub: sub2, issuedAt: 999 }), true, 'a newer mark in the same second refuses it again')
      await store.allowAfterMark(sub2, jti2, 999_400, nowSeconds() - 10)
      await store.allowAfterMark(key('sub'), key('jti'), 999_400, nowSeconds() - 10)
      t.equal(await store.isRevoked({ ids: [jti2], sub: sub2, issuedAt: 1000 }), false, 'a token of the mark\'s second or later needs no allowance')
    })

    t.test('revocation and signed-out marks expire at their epoch-second deadlines', async t => {
      const store = await open(t)
      // A deadline at least 300 ms away (and at most 1.3 s), so "still there" is not a race.
      let deadline = nowSeconds() + 1
      if (deadline * 1000 - Date.now() < 300) deadline++
      const [sub, jti, signedOut] = [key('sub'), key('jti'), key('sub')]
      await store.revokeToken(sub, jti, deadline)
      await store.markSignedOut(signedOut, 1234, deadline)
      t.equal(await revoked(store, sub, jti), true, 'revoked before exp')
      t.ok(await markIs(store, signedOut, 1234), 'kept before keepUntil')
      await sleep(deadline * 1000 - Date.now() + 100)
      t.equal(await revoked(store, sub, jti), false, 'forgotten after exp')
      t.ok(await noMark(store, signedOut), 'forgotten after keepUntil')
    })

    t.test('increment: fixed window counts 1, 2, 3 and resets after the window', async t => {
      const store = await open(t)
      // Long enough that a busy machine does not end the window between the first and third increments.
      const windowMs = 2000
      const k = key('counter')
      const first = await store.increment(k, windowMs)
      t.equal(first.count, 1)
      t.ok(first.resetInMs > 0 && first.resetInMs <= windowMs, `resetInMs ${first.resetInMs} in (0, ${windowMs}]`)
      t.equal((await store.increment(k, windowMs)).count, 2)
      t.equal((await store.increment(key('counter'), windowMs)).count, 1, 'another key counts on its own')
      await sleep(100)
      const third = await store.increment(k, windowMs)
      t.equal(third.count, 3)
      t.ok(third.resetInMs > 0 && third.resetInMs <= windowMs - 80,
        `resetInMs ${third.resetInMs} shrinks: increments do not extend a fixed window`)
      await sleep(third.resetInMs + 50)
      const next = await store.increment(k, windowMs)
      t.equal(next.count, 1, 'a new window after the reset')
      t.ok(next.resetInMs > windowMs - 100 && next.resetInMs <= windowMs, `a whole new window (${next.resetInMs} ms)`)
    })

    t.test('increment is atomic: 20 concurrent increments get 20 distinct counts', async t => {
      const store = await open(t)
      const k = key('counter')
      const results = await Promise.all(Array.from({ length: 20 }, () => store.increment(k, 5000)))
      t.same(results.map(r => r.count).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1))
    })

    t.test('putOnce: refuses a second put, allows it again after the ttl', async t => {
      const store = await open(t)
      const k = key('once')
      t.equal(await store.putOnce(k, 'a', 100), true)
      t.equal(await store.putOnce(k, 'b', 100), false, 'second put refused')
      await sleep(150)
      t.equal(await store.takeOnce(k), undefined, 'expired value is not returned')
      t.equal(await store.putOnce(k, 'c', 1000), true, 'allowed after the ttl')
      t.equal(await store.takeOnce(k), 'c')

      const kept = key('once')
      await store.putOnce(kept, 'first', 1000)
      t.equal(await store.putOnce(kept, 'second', 1000), false)
      t.equal(await store.takeOnce(kept), 'first', 'a refused put leaves the value untouched')
      t.equal(await store.putOnce(kept, 'again', 1000), true, 'allowed again once taken')

      const raced = key('once')
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => store.putOnce(raced, `v${i}`, 1000)))
      t.equal(wins.filter(Boolean).length, 1, 'of 20 concurrent puts exactly one wins')
    })

    t.test('takeOnce: returns the value once, then undefined; one winner under concurrency', async t => {
      const store = await open(t)
      const k = key('once')
      t.equal(await store.takeOnce(k), undefined, 'absent')
      await store.putOnce(k, 'code', 1000)
      t.equal(await store.takeOnce(k), 'code')
      t.equal(await store.takeOnce(k), undefined, 'already taken')

      const raced = key('once')
      await store.putOnce(raced, 'single-use', 1000)
      const taken = await Promise.all(Array.from({ length: 20 }, () => store.takeOnce(raced)))
      t.same(taken.filter(v => v !== undefined), ['single-use'], 'of 20 concurrent takes exactly one gets the value')
    })

    t.test('peekCount: reads a counter without counting, and nothing once its window ended', async t => {
      const store = await open(t)
      const k = key('count')
      t.same(await store.peekCount(k), { count: 0, resetInMs: 0 }, 'no window yet')
      await store.increment(k, 150)
      await store.increment(k, 150)
      const peeked = await store.peekCount(k)
      t.equal(peeked.count, 2)
      t.ok(peeked.resetInMs > 0 && peeked.resetInMs <= 150, `resets in ${peeked.resetInMs} ms`)
      t.equal((await store.peekCount(k)).count, 2, 'peeking counts nothing')
      t.equal((await store.increment(k, 150)).count, 3, 'the next increment continues the window')
      await sleep(200)
      t.same(await store.peekCount(k), { count: 0, resetInMs: 0 }, 'the window ended')
    })

    t.test('reserveCount: increments only below the limit, atomically; releaseCount gives one back', async t => {
      const store = await open(t)
      const k = key('budget')
      const first = await store.reserveCount(k, 2, 5000)
      t.same({ granted: first.granted, count: first.count }, { granted: true, count: 1 })
      t.ok(first.resetInMs > 0 && first.resetInMs <= 5000, `resetInMs ${first.resetInMs} in (0, 5000]`)
      t.equal((await store.reserveCount(k, 2, 5000)).granted, true, 'the second unit')
      const refused = await store.reserveCount(k, 2, 5000)
      t.same({ granted: refused.granted, count: refused.count }, { granted: false, count: 2 }, 'the budget is spent')
      t.ok(refused.resetInMs > 0 && refused.resetInMs <= 5000, `a refusal says when the window ends (${refused.resetInMs} ms)`)
      t.equal((await store.peekCount(k)).count, 2, 'a refusal counts nothing; it is the counter increment and peekCount see')
      await store.releaseCount(k)
      t.equal((await store.peekCount(k)).count, 1, 'released one')
      t.equal((await store.reserveCount(k, 2, 5000)).granted, true, 'the released unit can be reserved again')
      await store.releaseCount(key('budget'))
      t.same(await store.peekCount(key('budget')), { count: 0, resetInMs: 0 }, 'releasing an unknown counter creates nothing')

      const raced = key('budget')
      const results = await Promise.all(Array.from({ length: 50 }, () => store.reserveCount(raced, 5, 5000)))
      t.equal(results.filter(r => r.granted).length, 5, 'of 50 concurrent reservations of a budget of 5 exactly 5 are granted')
      t.equal((await store.peekCount(raced)).count, 5, 'and the counter never went past the limit')
      await Promise.all(Array.from({ length: 8 }, () => store.releaseCount(raced)))
      t.equal((await store.peekCount(raced)).count, 0, 'releases never take the count below zero')

      const short = key('budget')
      await store.reserveCount(short, 1, 150)
      t.equal((await store.reserveCount(short, 1, 150)).granted, false)
      await sleep(200)
      t.equal((await store.reserveCount(short, 1, 150)).granted, true, 'a new window after the reset')
    })

    t.test('peekOnce: reads a value without taking it, until it expires or is taken', async t => {
      const store = await open(t)
      const k = key('once')
      t.equal(await store.peekOnce(k), undefined, 'absent')
      await store.putOnce(k, 'shared', 150)
      t.equal(await store.peekOnce(k), 'shared')
      t.equal(await store.peekOnce(k), 'shared', 'still there: peeking takes nothing')
      await sleep(200)
      t.equal(await store.peekOnce(k), undefined, 'expired')
      await store.putOnce(k, 'again', 1000)
      t.equal(await store.takeOnce(k), 'again')
      t.equal(await store.peekOnce(k), undefined, 'taken')
    })

    t.test('lock: excludes a second holder, release frees it, one winner under concurrency', async t => {
      const store = await open(t)
      const k = key('lock')
      const release = await store.lock(k, 1000)
      t.type(release, 'function', 'acquired')
      t.equal(await store.lock(k, 1000), undefined, 'a second holder is refused')
      t.type(await store.lock(key('lock'), 1000), 'function', 'another key is free')
      await release!()
      const again = await store.lock(k, 1000)
      t.type(again, 'function', 'release frees it')
      await release!()
      t.equal(await store.lock(k, 1000), undefined, 'a second release of an old acquisition frees nothing')
      await again!()

      const raced = key('lock')
      const holders = await Promise.all(Array.from({ length: 20 }, () => store.lock(raced, 1000)))
      t.equal(holders.filter(h => h !== undefined).length, 1, 'of 20 concurrent lock calls exactly one acquires')
    })

    t.test('lock: expiry frees it, and a stale release does not free the newer holder', async t => {
      const store = await open(t)
      const k = key('lock')
      const stale = await store.lock(k, 100)
      t.type(stale, 'function')
      t.equal(await store.lock(k, 1000), undefined, 'held')
      await sleep(150)
      const fresh = await store.lock(k, 1000)
      t.type(fresh, 'function', 'expiry freed it')
      await stale!()
      t.equal(await store.lock(k, 1000), undefined, 'the stale release left the newer holder in place')
      await fresh!()
      t.type(await store.lock(k, 1000), 'function', 'the holder\'s own release frees it')
    })

    t.test('linkRefreshToken: a refresh token\'s session is read back until keepUntil, replaced by a later link', async t => {
      const store = await open(t)
      const [hash, other, past] = [key('hash'), key('hash'), key('hash')]
      t.equal(await store.refreshTokenSession(hash), undefined, 'nothing linked yet')
      await store.linkRefreshToken(hash, { sub: 'sub-1', originJti: 'origin-1' }, nowSeconds() + 3600)
      t.same(await store.refreshTokenSession(hash), { sub: 'sub-1', originJti: 'origin-1' })
      t.equal(await store.refreshTokenSession(other), undefined, 'another hash has no session')
      await store.linkRefreshToken(hash, { sub: 'sub-1', originJti: 'origin-2' }, nowSeconds() + 3600)
      t.same(await store.refreshTokenSession(hash), { sub: 'sub-1', originJti: 'origin-2' }, 'a later link replaces it')
      await store.linkRefreshToken(past, { sub: 'sub-1', originJti: 'origin-1' }, nowSeconds() - 10)
      t.equal(await store.refreshTokenSession(past), undefined, 'a link already past keepUntil is not kept')
      t.equal(await store.isRevoked({ ids: ['origin-2'], sub: 'sub-1', issuedAt: nowSeconds() }), false, 'a link revokes nothing')

      let deadline = nowSeconds() + 1
      if (deadline * 1000 - Date.now() < 300) deadline++
      const short = key('hash')
      await store.linkRefreshToken(short, { sub: 'sub-2', originJti: 'origin-3' }, deadline)
      t.same(await store.refreshTokenSession(short), { sub: 'sub-2', originJti: 'origin-3' }, 'kept before keepUntil')
      await sleep(deadline * 1000 - Date.now() + 100)
      t.equal(await store.refreshTokenSession(short), undefined, 'forgotten after keepUntil')
    })

    t.test('key spaces do not collide', async t => {
      const store = await open(t)
      const k = key('same')
      const later = nowSeconds() + 3600
      await store.revokeToken(k, k, later)
      t.ok(await noMark(store, k), 'a revoked jti is no signed-out mark')
      t.equal(await store.takeOnce(k), undefined, 'a revoked jti is no once-value')
      t.equal(await store.putOnce(k, 'v', 1000), true, 'a revoked jti does not block putOnce')
      t.type(await store.lock(k, 1000), 'function', 'a once-value does not block the lock')
      t.equal((await store.increment(k, 1000)).count, 1, 'the counter starts from nothing')
      await store.markSignedOut(k, 77, later)
      t.ok(await markIs(store, k, 77))
      t.equal(await store.takeOnce(k), 'v', 'the once-value survived everything else')
      t.equal(await revoked(store, k, k), true, 'the revocation survived everything else')
      t.equal((await store.increment(k, 1000)).count, 2, 'the counter survived everything else')
      t.equal(await store.refreshTokenSession(k), undefined, 'no other key space is a refresh session')
      await store.linkRefreshToken(k, { sub: k, originJti: k }, later)
      t.equal(await revoked(store, k, k), true, 'a refresh link leaves the rest as it was')

      const fresh = key('same')
      await store.putOnce(fresh, 'x', 1000)
      await store.increment(fresh, 1000)
      await store.lock(fresh, 1000)
      t.equal(await store.isRevoked({ ids: [fresh], sub: fresh, issuedAt: 0 }), false, 'other key spaces look neither revoked nor signed out')
    })

    t.test('durations must be positive', async t => {
      const store = await open(t)
      await t.rejects(store.increment(key('counter'), 0), RangeError, 'increment windowMs 0')
      await t.rejects(store.reserveCount(key('counter'), 1, 0), RangeError, 'reserveCount windowMs 0')
      await t.rejects(store.putOnce(key('once'), 'v', -1), RangeError, 'putOnce ttlMs -1')
      await t.rejects(store.lock(key('lock'), Number.NaN), RangeError, 'lock ttlMs NaN')
    })

    t.test('close resolves', async t => {
      const store = await create()
      await store.putOnce(key('once'), 'v', 1000)
      await t.resolves(store.close())
    })
  })
}
