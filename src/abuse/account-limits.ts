/**
 * Per-account failure budgets. A password spray at one account from many
 * addresses gets past any per-address limit; so failed sign-ins, challenge
 * answers and codes are counted per username (normalised), in the shared
 * store, whatever the address. Each attempt reserves a unit of the budget
 * before Cognito is asked (atomically, so parallel guesses cannot overdraw
 * it); once it is spent for the window, the next attempt is refused with 429.
 * Unknown usernames are counted exactly like real ones, so the refusal tells
 * nothing about whether the account exists.
 */
import { createHash } from 'node:crypto'
import { ApiError, type ErrorCode } from '../errors/catalog.js'
import type { SharedStore } from '../store/store.js'

/** What a failure is counted against: signing in (passwords, MFA codes, challenge sessions) or one-time codes. */
export type AttemptKind = 'sign-in' | 'code'

/** The answers that mean "wrong guess"; anything else (our outage, throttling) costs the account nothing. */
const FAILURES: Record<AttemptKind, ReadonlySet<ErrorCode>> = {
  // A wrong current password at a password change (POST /me/password) is a password guess too.
  'sign-in': new Set(['INVALID_CREDENTIALS', 'CURRENT_PASSWORD_INCORRECT', 'CODE_MISMATCH', 'CODE_EXPIRED', 'SIGN_IN_RESTART']),
  code: new Set(['CODE_MISMATCH', 'CODE_EXPIRED'])
}

export interface AccountLimits {
  /**
   * Runs one attempt for `username`: a unit of the budget is reserved first
   * (refused with 429 when it is spent), kept when the attempt fails and given
   * back otherwise.
   */
  attempt<T> (kind: AttemptKind, username: string, run: () => Promise<T>): Promise<T>
}

export interface AccountBudgets {
  /** Failures allowed per account and kind within the window. */
  signInFailures: number
  codeFailures: number
  windowMs: number
}

export function createAccountLimits (store: SharedStore, budgets: AccountBudgets): AccountLimits {
  const budget = (kind: AttemptKind) => kind === 'sign-in' ? budgets.signInFailures : budgets.codeFailures

  return {
    async attempt (kind, username, run) {
      const key = accountKey(kind, username)
      // Reserved before Cognito is asked, atomically: concurrent attempts cannot all pass one check and overdraw the budget.
      const reserved = await store.reserveCount(key, budget(kind), budgets.windowMs)
      if (!reserved.granted) {
        throw new ApiError('TOO_MANY_ATTEMPTS', { retryAfter: Math.max(1, Math.ceil(reserved.resetInMs / 1000)) })
      }
      let failed = false
      try {
        return await run()
      } catch (err) {
        failed = err instanceof ApiError && FAILURES[kind].has(err.code)
        throw err
      } finally {
        // Anything but a wrong guess (success, our outage, throttling) gives the unit back; a give-back the store
        // cannot take costs the account one unit for the window, never the answer.
        if (!failed) await store.releaseCount(key).catch(() => undefined)
      }
    }
  }
}

/**
 * One key per account whatever its spelling: Cognito usernames are
 * case-insensitive in most pools, and Unicode has several spellings of one
 * name. Hashed, so the store never holds usernames.
 */
export function accountKey (kind: AttemptKind, username: string): string {
  const normalised = username.normalize('NFKC').trim().toLowerCase()
  return `account:${kind}:${createHash('sha256').update(normalised).digest('base64url')}`
}
