/**
 * Per-account failure budgets. A password spray at one account from many
 * addresses gets past any per-address limit; so failed sign-ins, challenge
 * answers and codes are counted per username (normalised), in the shared
 * store: per account and client address (ACCOUNT_SIGNIN_FAILURES,
 * ACCOUNT_CODE_FAILURES), and per account from all addresses together with a
 * higher budget (ACCOUNT_FAILURE_LIMIT_TOTAL). A stranger's failures spend
 * their own address's budget and the total, so the owner, from an address
 * with no failures, still gets in until a whole spray has spent the total.
 * Each attempt reserves a unit of both before Cognito is asked (atomically,
 * so parallel guesses cannot overdraw them); once either is spent for the
 * window, the next attempt is refused with 429.
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

/** Who is trying: the account (as typed) and the client address it comes from (see TRUST_PROXY). */
export interface Attempter {
  username: string
  address: string
}

export interface AccountLimits {
  /**
   * Runs one attempt for `who.username` from `who.address`: a unit of both
   * budgets (the account's from this address, and the account's in all) is
   * reserved first (refused with 429 when either is spent), kept when the
   * attempt fails and given back otherwise.
   */
  attempt<T> (kind: AttemptKind, who: Attempter, run: () => Promise<T>): Promise<T>
}

export interface AccountBudgets {
  /** Failures allowed per account, client address and kind within the window. */
  signInFailures: number
  codeFailures: number
  /** Failures allowed per account and kind within the window, from all addresses together. */
  totalFailures: number
  windowMs: number
}

export function createAccountLimits (store: SharedStore, budgets: AccountBudgets): AccountLimits {
  const perAddress = (kind: AttemptKind) => kind === 'sign-in' ? budgets.signInFailures : budgets.codeFailures
  const refused = (resetInMs: number) => new ApiError('TOO_MANY_ATTEMPTS', { retryAfter: Math.max(1, Math.ceil(resetInMs / 1000)) })
  // A give-back the store cannot take costs the account one unit for the window, never the answer.
  const release = async (key: string) => await store.releaseCount(key).catch(() => undefined)

  return {
    async attempt (kind, who, run) {
      const account = accountKey(kind, who.username)
      const fromAddress = `${account}:${digest(who.address)}`
      // Reserved before Cognito is asked, atomically: concurrent attempts cannot all pass one check and overdraw a budget.
      // The address's budget first: a stranger's spray spends its own and the account's total, never the owner's address.
      const own = await store.reserveCount(fromAddress, perAddress(kind), budgets.windowMs)
      if (!own.granted) throw refused(own.resetInMs)
      const total = await store.reserveCount(account, budgets.totalFailures, budgets.windowMs).catch(async (err: unknown) => {
        await release(fromAddress)
        throw err
      })
      if (!total.granted) {
        await release(fromAddress)
        throw refused(total.resetInMs)
      }
      let failed = false
      try {
        return await run()
      } catch (err) {
        failed = err instanceof ApiError && FAILURES[kind].has(err.code)
        throw err
      } finally {
        // Anything but a wrong guess (success, our outage, throttling) gives both units back.
        if (!failed) await Promise.all([release(fromAddress), release(account)])
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
  return `account:${kind}:${digest(normalised)}`
}

function digest (text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}
