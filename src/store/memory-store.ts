import { randomUUID } from 'node:crypto'
import type { RefreshSession, SharedStore } from './store.js'

export interface MemoryStoreOptions {
  /** Current time in epoch milliseconds; injectable for tests. Default `Date.now`. */
  now?: () => number
}

/** The memory store also reports how many entries it holds (for tests and metrics). */
export interface MemoryStore extends SharedStore {
  /** Entries currently held, expired-but-not-yet-pruned ones included. */
  size (): number
}

interface Entry<V> {
  value: V
  /** Epoch ms; the entry is dead from this instant on. */
  expiresAt: number
}

// A full sweep costs O(entries), so the next one waits for as many writes as
// the sweep left entries (and at least MIN_WRITES_BETWEEN_SWEEPS): O(1)
// amortized per write, and the maps never hold much more than twice what is
// alive (plus that minimum).
const MIN_WRITES_BETWEEN_SWEEPS = 256

/**
 * Single-instance `SharedStore`: plain maps, no timers (nothing keeps the
 * process alive). Every operation is synchronous inside its promise, which is
 * what makes increment/putOnce/takeOnce/lock atomic here.
 */
export function createMemoryStore (options: MemoryStoreOptions = {}): MemoryStore {
  const now = options.now ?? Date.now

  // One map per key space: the memory equivalent of a key prefix.
  const revoked = new Map<string, Entry<null>>()
  const signedOut = new Map<string, Entry<{ at: number, atMs: number }>>()
  const allowed = new Map<string, Entry<number>>()
  const counters = new Map<string, Entry<number>>()
  const once = new Map<string, Entry<string>>()
  const locks = new Map<string, Entry<string>>()
  const refreshSessions = new Map<string, Entry<RefreshSession>>()
  const spaces: Array<Map<string, Entry<unknown>>> = [revoked, signedOut, allowed, counters, once, locks, refreshSessions]
  let writesUntilSweep = MIN_WRITES_BETWEEN_SWEEPS

  const size = (): number => spaces.reduce((n, map) => n + map.size, 0)

  function sweep (t: number): void {
    for (const map of spaces) {
      for (const [key, entry] of map) if (entry.expiresAt <= t) map.delete(key)
    }
    writesUntilSweep = Math.max(MIN_WRITES_BETWEEN_SWEEPS, size())
  }

  /** The entry if it is still alive; an expired one is deleted on the way. */
  function live<V> (map: Map<string, Entry<V>>, key: string, t: number): Entry<V> | undefined {
    const entry = map.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= t) {
      map.delete(key)
      return undefined
    }
    return entry
  }

  function write<V> (map: Map<string, Entry<V>>, key: string, entry: Entry<V>, t: number): void {
    map.set(key, entry)
    if (--writesUntilSweep <= 0) sweep(t)
  }

  return {
    async revokeToken (sub, jti, expiresAt) {
      assertEpoch('expiresAt', expiresAt)
      const t = now()
      const key = revokedKey(sub, jti)
      const until = Math.max(expiresAt * 1000, live(revoked, key, t)?.expiresAt ?? 0)
      if (until <= t) return // already expired: rejected without our help
      write(revoked, key, { value: null, expiresAt: until }, t)
    },

    async isRevoked ({ ids, sub, issuedAt }) {
      const t = now()
      for (const id of ids) if (live(revoked, revokedKey(sub, id), t) !== undefined) return true
      const mark = live(signedOut, sub, t)?.value
      if (mark === undefined || issuedAt >= mark.at) return false
      return !ids.some(id => live(allowed, revokedKey(sub, id), t)?.value === mark.atMs)
    },

    async markSignedOut (sub, at, keepUntil, atMs = at * 1000) {
      assertEpoch('at', at)
      assertEpoch('keepUntil', keepUntil)
      assertEpoch('atMs', atMs)
      const t = now()
      const prev = live(signedOut, sub, t)
      // Forward only, and never shorten retention: instances may race.
      const value = { at: Math.max(at, prev?.value.at ?? at), atMs: Math.max(atMs, prev?.value.atMs ?? atMs) }
      const until = Math.max(keepUntil * 1000, prev?.expiresAt ?? 0)
      if (until <= t) return
      write(signedOut, sub, { value, expiresAt: until }, t)
    },

    async signedOutMark (sub) {
      const mark = live(signedOut, sub, now())?.value
      return mark === undefined ? undefined : { ...mark }
    },

    async allowAfterMark (sub, jti, markAtMs, keepUntil) {
      assertEpoch('markAtMs', markAtMs)
      assertEpoch('keepUntil', keepUntil)
      const t = now()
      if (keepUntil * 1000 <= t) return
      write(allowed, revokedKey(sub, jti), { value: markAtMs, expiresAt: keepUntil * 1000 }, t)
    },

    async linkRefreshToken (refreshHash, { sub, originJti }, keepUntil) {
      assertEpoch('keepUntil', keepUntil)
      const t = now()
      if (keepUntil * 1000 <= t) return
      write(refreshSessions, refreshHash, { value: { sub, originJti }, expiresAt: keepUntil * 1000 }, t)
    },

    async refreshTokenSession (refreshHash) {
      const session = live(refreshSessions, refreshHash, now())?.value
      return session === undefined ? undefined : { ...session }
    },

    async increment (key, windowMs) {
      assertDuration('windowMs', windowMs)
      const t = now()
      const entry = live(counters, key, t)
      if (entry === undefined) {
        write(counters, key, { value: 1, expiresAt: t + windowMs }, t)
        return { count: 1, resetInMs: windowMs }
      }
      entry.value++ // fixed window: the expiry does not move
      return { count: entry.value, resetInMs: entry.expiresAt - t }
    },

    async peekCount (key) {
      const t = now()
      const entry = live(counters, key, t)
      return entry === undefined ? { count: 0, resetInMs: 0 } : { count: entry.value, resetInMs: entry.expiresAt - t }
    },

    async reserveCount (key, limit, windowMs) {
      assertDuration('windowMs', windowMs)
      const t = now()
      const entry = live(counters, key, t)
      if (entry === undefined) {
        if (limit < 1) return { granted: false, count: 0, resetInMs: windowMs }
        write(counters, key, { value: 1, expiresAt: t + windowMs }, t)
        return { granted: true, count: 1, resetInMs: windowMs }
      }
      const granted = entry.value < limit
      if (granted) entry.value++
      return { granted, count: entry.value, resetInMs: entry.expiresAt - t }
    },

    async releaseCount (key) {
      const entry = live(counters, key, now())
      if (entry !== undefined && entry.value > 0) entry.value--
    },

    async putOnce (key, value, ttlMs) {
      assertDuration('ttlMs', ttlMs)
      const t = now()
      if (live(once, key, t) !== undefined) return false
      write(once, key, { value, expiresAt: t + ttlMs }, t)
      return true
    },

    async takeOnce (key) {
      const entry = live(once, key, now())
      if (entry === undefined) return undefined
      once.delete(key)
      return entry.value
    },

    async peekOnce (key) {
      return live(once, key, now())?.value
    },

    async lock (key, ttlMs) {
      assertDuration('ttlMs', ttlMs)
      const t = now()
      if (live(locks, key, t) !== undefined) return undefined
      // The token ties the release to this acquisition, not to the key.
      const token = randomUUID()
      write(locks, key, { value: token, expiresAt: t + ttlMs }, t)
      return async () => {
        if (locks.get(key)?.value === token) locks.delete(key)
      }
    },

    async close () {
      for (const map of spaces) map.clear()
    },

    size
  }
}

// A revocation belongs to its user; the length keeps ("a", "bc") and ("ab", "c") apart.
function revokedKey (sub: string, jti: string): string {
  return `${sub.length}:${sub}${jti}`
}

function assertDuration (name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${ms}`)
  }
}

// A NaN expiry would never compare as expired and would never be pruned.
function assertEpoch (name: string, seconds: number): void {
  if (!Number.isFinite(seconds)) throw new RangeError(`${name} must be epoch seconds, got ${seconds}`)
}
