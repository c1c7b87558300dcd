/**
 * Shared state that every BFF instance must agree on: revoked tokens,
 * "signed out everywhere" marks, rate-limit counters, single-use values and
 * short locks. `createMemoryStore` serves one instance; a Redis implementation
 * behind this same interface is the way to run several. Any implementation must
 * pass `storeConformance` (test/store/conformance.ts).
 *
 * Conventions for every implementation:
 * - Every member is async; a backend failure rejects the promise (callers
 *   decide whether to fail open or closed, the store never guesses).
 * - Durations named `...Ms` are milliseconds and must be positive finite
 *   numbers (otherwise the call rejects with a RangeError). Absolute times are
 *   epoch SECONDS where the member says so (they come from JWT `exp`/`iat`).
 * - Each family of members has its own key space: the same string used as a
 *   jti, a user sub, a counter key, a once-key and a lock key names five
 *   unrelated entries. Implementations prefix internally, so callers never do.
 *   Revocations are kept per user (`revokeToken` takes the sub).
 * - Expired entries are never returned, and do not accumulate forever.
 */
/** The store's backend cannot be reached or did not answer in time: the request fails closed (503), never "not revoked". */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError'
}

/** The session a refresh token belongs to: its user and the origin_jti of its tokens. */
export interface RefreshSession {
  sub: string
  originJti: string
}

export interface SharedStore {
  /**
   * Marks the token with id `jti` of user `sub` revoked until `expiresAt`
   * (epoch SECONDS, the token's `exp`). A revocation belongs to its user: it
   * counts only in an `isRevoked` for that same `sub` (in Redis it lives under
   * the user's hash tag, so a revocation check stays in one cluster slot).
   * Past `exp` the token is rejected anyway, so the entry may be dropped then,
   * and a token already expired need not be stored at all. Revoking again
   * never shortens the entry.
   */
  revokeToken (sub: string, jti: string, expiresAt: number): Promise<void>

  /**
   * Records that user `sub` signed out (everywhere) at `at` (epoch SECONDS);
   * tokens whose `iat` is before it are to be rejected. The mark only moves
   * forward: a call with an older `at` keeps the newer one (two instances may
   * race). It is forgotten after `keepUntil` (epoch SECONDS, typically when the
   * last token issued before `at` expires); a later call never shortens that.
   * `atMs` (epoch ms, default `at * 1000`) is the instant the user was signed
   * out, in the second before `at`: a sign-in that began after it may be let
   * through (`allowAfterMark`). It only moves forward too.
   */
  markSignedOut (sub: string, at: number, keepUntil: number, atMs?: number): Promise<void>

  /** The user's current mark (`at` epoch SECONDS, `atMs` epoch ms), or undefined when none is kept. */
  signedOutMark (sub: string): Promise<{ at: number, atMs: number } | undefined>

  /**
   * A token with id `jti` of user `sub`, issued in the mark's own second by a
   * sign-in that began after the mark's `atMs` (`markAtMs`, as `signedOutMark`
   * returned it): `isRevoked` lets it through the mark, as long as the mark's
   * `atMs` is still that one (a newer mark refuses it again). Kept until
   * `keepUntil` (epoch SECONDS, the token's exp). Lives under the user's hash
   * tag, like the revocations.
   */
  allowAfterMark (sub: string, jti: string, markAtMs: number, keepUntil: number): Promise<void>

  /**
   * The question every token check asks, in one call (one round trip to
   * Redis, on one server or a cluster): is any of `ids` (the token's jti and
   * origin_jti) revoked for `sub`, or was `sub` signed out after `issuedAt`
   * (epoch SECONDS, the token's iat) and none of `ids` allowed after that mark?
   */
  isRevoked (token: { ids: readonly string[], sub: string, issuedAt: number }): Promise<boolean>

  /**
   * Remembers which session a refresh token belongs to: `refreshHash` (a hash
   * of the refresh token, never the token itself) names the user `sub` and the
   * session's `originJti` (the origin_jti its access and ID tokens carry), so a
   * logout that presents only the refresh token can revoke the session's
   * tokens. Kept until `keepUntil` (epoch SECONDS, when the refresh token
   * expires); one already past it need not be stored. A later call for the
   * same hash replaces the entry. In Redis it lives under its own hash tag
   * (the hash), one key.
   */
  linkRefreshToken (refreshHash: string, session: RefreshSession, keepUntil: number): Promise<void>

  /** The session `linkRefreshToken` recorded for `refreshHash`, or undefined when none is kept (or it expired). */
  refreshTokenSession (refreshHash: string): Promise<RefreshSession | undefined>

  /**
   * Fixed-window counter (rate limiting). The first increment of `key` (or the
   * first after its window ended) starts a window of `windowMs` and returns
   * count 1; later increments inside the window add one and do NOT extend it.
   * Atomic: N concurrent increments return N distinct counts.
   * @returns the count in the current window, and the ms until the window
   * resets, in (0, windowMs].
   */
  increment (key: string, windowMs: number): Promise<{ count: number, resetInMs: number }>

  /**
   * Reads an `increment` counter without counting: a budget checked before an
   * attempt and spent only when the attempt fails.
   * @returns the count in the current window and the ms until it resets, or
   * count 0 and resetInMs 0 when there is no live window.
   */
  peekCount (key: string): Promise<{ count: number, resetInMs: number }>

  /**
   * Reserves one unit of a budget before an attempt: an `increment` of `key`
   * only if its count is below `limit` (the same counter `increment` and
   * `peekCount` see; the first reservation starts a window of `windowMs`).
   * Atomic: of N concurrent reservations at most `limit` minus the count are
   * granted, whatever the number of instances.
   * @returns whether granted, the count after it (or the count that refused
   * it), and the ms until the window resets, in (0, windowMs].
   */
  reserveCount (key: string, limit: number, windowMs: number): Promise<{ granted: boolean, count: number, resetInMs: number }>

  /**
   * Gives back one unit `reserveCount` took (the attempt did not fail): the
   * count goes down by one, never below zero, and the window does not move.
   * Nothing happens when the window has ended.
   */
  releaseCount (key: string): Promise<void>

  /**
   * Stores `value` under `key` for `ttlMs` only if the key is absent (or
   * expired): single-use codes, nonces, replay guards. Atomic: of N concurrent
   * puts of one key exactly one wins.
   * @returns true when stored; false when the key exists and has not expired
   * (the existing value is left untouched).
   */
  putOnce (key: string, value: string, ttlMs: number): Promise<boolean>

  /**
   * Atomically reads AND deletes `key`, so a single-use value is redeemed once
   * even under concurrency: of N concurrent takes exactly one gets the value.
   * @returns the value, or undefined when absent, expired or already taken.
   */
  takeOnce (key: string): Promise<string | undefined>

  /**
   * Reads a `putOnce` value without taking it: a result several waiters may
   * share for its short life (e.g. the tokens one refresh produced, for the
   * other tabs that asked at the same moment).
   * @returns the value, or undefined when absent, expired or taken.
   */
  peekOnce (key: string): Promise<string | undefined>

  /**
   * A short lock for single-flight work (one token refresh at a time per
   * session). Not a fencing lock: it expires by itself after `ttlMs`, so keep
   * the guarded work well under that.
   * @returns a release function, or undefined when someone else holds the lock.
   * Each acquisition carries its own random token, so releasing after the lock
   * expired and was taken by another holder does NOT release theirs; releasing
   * twice is harmless.
   */
  lock (key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>

  /** Releases the store's resources (connections, memory). Call once, at shutdown. */
  close (): Promise<void>
}
