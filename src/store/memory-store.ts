import type { SharedStore } from './store.js'

/** Single-instance store: a map pruned of entries whose tokens have expired. */
export function createMemoryStore (now: () => number = () => Date.now() / 1000): SharedStore {
  const revoked = new Map<string, number>()
  let lastPrune = now()

  const prune = (): void => {
    const t = now()
    if (t - lastPrune < 60) return
    lastPrune = t
    for (const [jti, expiresAt] of revoked) if (expiresAt <= t) revoked.delete(jti)
  }

  return {
    async revokeToken (jti, expiresAt) {
      prune()
      if (expiresAt > now()) revoked.set(jti, expiresAt)
    },
    async isTokenRevoked (jti) {
      const expiresAt = revoked.get(jti)
      return expiresAt !== undefined && expiresAt > now()
    },
    async close () {
      revoked.clear()
    }
  }
}
