/**
 * "Signed out everywhere" as this service keeps it: a mark on the user in the
 * shared store, which the verifier checks for every token (every instance
 * refuses a token of the user issued before the mark). The user's own sign-out
 * everywhere and account deletion set it, and so do an admin's sign-out,
 * disable, delete, password reset and set, and group change.
 */
import type { SharedStore } from '../store/store.js'

/** Cognito access and ID tokens live at most a day: a mark or a revoked session is needed no longer. */
export const LONGEST_TOKEN_SECONDS = 24 * 3600

/**
 * Every token of user `sub` issued until now is refused from now on. JWT times
 * are whole seconds and the store refuses tokens issued strictly before the
 * mark, so the mark is the next whole second: a token another device got in
 * this same second is refused too. The mark also keeps its instant in ms: a
 * sign-in that begins after it, in that same second, has its tokens allowed
 * through the mark at issuance (the session service's `admit`).
 */
export async function signedOutEverywhere (store: SharedStore, sub: string, nowMs = instantMs()): Promise<void> {
  const at = Math.floor(nowMs / 1000) + 1
  // Whole ms in the store: a sign-in that began after the mark, even in its same ms, is later than this.
  await store.markSignedOut(sub, at, at + LONGEST_TOKEN_SECONDS, Math.floor(nowMs))
}

/**
 * Now, epoch ms with a fraction, on the clock Fastify times requests with
 * (`performance.now()`): a request's arrival (`instantMs() - reply.elapsedTime`)
 * and a sign-out mark taken on this instance then compare exactly. `Date.now()`
 * minus the elapsed time would not: it is a whole ms, so the arrival of a
 * sign-in in the mark's own ms could read up to 1 ms early, before the mark.
 */
export function instantMs (): number {
  return performance.timeOrigin + performance.now()
}
