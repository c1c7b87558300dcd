/**
 * Refusing a user's tokens from an admin action: a "signed out" mark on the
 * user's sub in the shared store, which the verifier checks for every token
 * (on every instance). Cognito revokes too where it does (sign-out, disable),
 * but this service checks tokens itself, so it must know.
 */
import type { SharedStore } from '../../store/store.js'

/** Cognito access and ID tokens live at most a day: the mark is needed no longer. */
const LONGEST_TOKEN_SECONDS = 24 * 3600

/**
 * Every token of `sub` issued until now is refused from now on. JWT times are
 * whole seconds and the store refuses tokens issued strictly before the mark,
 * so the mark is the next whole second (a sign-in in this same second is
 * refused too, for under a second).
 */
export async function refuseTokensIssuedUntilNow (store: SharedStore, sub: string, nowMs = Date.now()): Promise<void> {
  const at = Math.floor(nowMs / 1000) + 1
  await store.markSignedOut(sub, at, at + LONGEST_TOKEN_SECONDS)
}
