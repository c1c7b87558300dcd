/**
 * A hosted-UI sign-in in progress: what /oauth/login makes and the callback
 * must find again. The overloaded OAuth `state` is `<nonce>_<redirect>`: the
 * nonce (hex, so never `_`) ties the callback to the browser that started the
 * login, the redirect says where the user goes afterwards. The PKCE verifier
 * and the OIDC nonce stay in a sealed cookie, one per attempt (two tabs may
 * sign in at once), scoped to /oauth and gone after a few minutes. The cookie
 * holds only a hash of the redirect, and a browser keeps at most a few of
 * them: otherwise a page that sends a browser to /oauth/login over and over
 * could pile up cookies until its Cookie header is too large to be served.
 * The cookie's Max-Age is only advice to the browser: the attempt's start is
 * sealed inside, and an attempt older than its lifetime is refused here.
 *
 * Plain values in and out: the request's cookies and the time, the cookie
 * changes to send. The route (routes/oauth/) reads and writes the HTTP.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Config } from '../config/index.js'
import type { CookieChange, CookieOptions } from '../session/cookies.js'
import type { Sealer } from '../session/seal.js'

export interface LoginAttempt {
  /** The state's first half: 32 hex characters. */
  nonce: string
  /** PKCE: the code_challenge is its SHA-256. */
  codeVerifier: string
  /** Sent as `nonce` to the authorize endpoint; the ID token must carry it back. */
  oidcNonce: string
  /** The checked absolute redirect, as put in the state. */
  redirect: string
}

/** Long enough for a social provider's consent screens, short enough to leave little to steal. */
export const LOGIN_ATTEMPT_SECONDS = 300
const COOKIE_PATH = '/oauth'
const COOKIE_PREFIX = 'bff_oauth_'
const PURPOSE = 'oauth-login'
/** Sign-ins in progress per browser; starting another drops the oldest. */
const MAX_ATTEMPTS = 3
/**
 * A nonce a CMS made itself (OAUTH_EXTERNAL_STATE) is handed back in a URL:
 * only characters that need no escaping there, and a sane length.
 */
const NONCE = /^[A-Za-z0-9.~-]{8,128}$/

export function newLoginAttempt (redirect: string): LoginAttempt {
  return {
    nonce: randomBytes(16).toString('hex'),
    codeVerifier: randomBytes(32).toString('base64url'),
    oidcNonce: randomBytes(16).toString('base64url'),
    redirect
  }
}

/** PKCE S256 (RFC 7636): base64url(SHA-256(verifier)). */
export function codeChallenge (codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url')
}

export function stateOf (attempt: Pick<LoginAttempt, 'nonce' | 'redirect'>): string {
  return `${attempt.nonce}_${attempt.redirect}`
}

/**
 * Splits a state at its FIRST underscore: the redirect may hold underscores of
 * its own, and is taken exactly as received (it is never decoded again).
 */
export function splitState (state: string): { nonce: string, redirect: string } | undefined {
  const at = state.indexOf('_')
  if (at < 0) return undefined
  const nonce = state.slice(0, at)
  const redirect = state.slice(at + 1)
  return NONCE.test(nonce) && redirect !== '' ? { nonce, redirect } : undefined
}

/** Equal strings, compared in constant time (a nonce must not leak through timing). */
export function sameSecret (a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** What the cookie keeps: the redirect only as a hash (the state carries it), and when the attempt began. */
interface StoredAttempt {
  nonce: string
  codeVerifier: string
  oidcNonce: string
  redirectHash: string
  startedAt: number
}

function hashOf (redirect: string): string {
  return createHash('sha256').update(redirect).digest('base64url')
}

/** What the callback finds for a state (see LoginCookies.take). */
export type FoundAttempt = LoginAttempt | 'tampered' | 'expired' | undefined

export interface LoginCookies {
  /** The attempt's cookie, and the oldest ones cleared beyond the few a browser may keep. */
  start (attempt: LoginAttempt, cookies: Readonly<Record<string, string | undefined>>, now: number): CookieChange[]
  /**
   * The attempt the state names, and its cookie cleared. `attempt` is
   * undefined when there is none (never started here, dropped by the browser,
   * or already used); 'tampered' when a cookie is there but does not unseal,
   * or names another nonce or redirect; 'expired' when it is this sign-in's
   * but began LOGIN_ATTEMPT_SECONDS or more ago.
   */
  take (
    cookies: Readonly<Record<string, string | undefined>>,
    state: { nonce: string, redirect: string },
    now: number
  ): { attempt: FoundAttempt, cookies: CookieChange[] }
}

export function createLoginCookies (config: Pick<Config, 'cookies'>, sealer: Sealer): LoginCookies {
  const prefix = `${config.cookies.secure ? '__Secure-' : ''}${COOKIE_PREFIX}`
  const nameFor = (nonce: string) => `${prefix}${nonce}`
  const options: CookieOptions = {
    httpOnly: true,
    secure: config.cookies.secure,
    // The callback is a cross-site navigation from the hosted UI: a Strict cookie would not come back.
    sameSite: config.cookies.sameSite === 'none' ? 'none' : 'lax',
    path: COOKIE_PATH
  }

  return {
    start (attempt, cookies, now) {
      const stored: StoredAttempt = {
        nonce: attempt.nonce,
        codeVerifier: attempt.codeVerifier,
        oidcNonce: attempt.oidcNonce,
        redirectHash: hashOf(attempt.redirect),
        startedAt: now
      }
      const changes: CookieChange[] = [
        { name: nameFor(attempt.nonce), value: sealer.seal(PURPOSE, JSON.stringify(stored)), options: { ...options, maxAge: LOGIN_ATTEMPT_SECONDS } }
      ]
      const others = Object.entries(cookies)
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, value]) => ({ name, startedAt: open(value)?.startedAt ?? 0 }))
        .sort((a, b) => b.startedAt - a.startedAt)
      for (const old of others.slice(MAX_ATTEMPTS - 1)) changes.push({ name: old.name, value: null, options })
      return changes
    },

    take (cookies, { nonce, redirect }, now) {
      // Only a nonce of ours names a cookie: anything else cannot have one.
      if (!/^[0-9a-f]{32}$/.test(nonce)) return { attempt: undefined, cookies: [] }
      const name = nameFor(nonce)
      const sealed = cookies[name]
      if (sealed === undefined) return { attempt: undefined, cookies: [] }
      const cleared: CookieChange[] = [{ name, value: null, options }]
      const stored = open(sealed)
      if (stored === undefined || !sameSecret(stored.nonce, nonce) || !sameSecret(stored.redirectHash, hashOf(redirect))) {
        return { attempt: 'tampered', cookies: cleared }
      }
      // Over from the moment the cookie's Max-Age runs out; a client may keep the cookie longer than a browser would.
      if (now >= stored.startedAt + LOGIN_ATTEMPT_SECONDS * 1000) return { attempt: 'expired', cookies: cleared }
      return { attempt: { nonce: stored.nonce, codeVerifier: stored.codeVerifier, oidcNonce: stored.oidcNonce, redirect }, cookies: cleared }
    }
  }

  function open (sealed: string | undefined): StoredAttempt | undefined {
    const opened = sealed === undefined ? undefined : sealer.unseal(PURPOSE, sealed)
    if (opened === undefined) return undefined
    try {
      const value = JSON.parse(opened) as Partial<StoredAttempt> | null
      return typeof value?.nonce === 'string' && typeof value.codeVerifier === 'string' && typeof value.oidcNonce === 'string' &&
        typeof value.redirectHash === 'string' && typeof value.startedAt === 'number'
        ? value as StoredAttempt
        : undefined
    } catch {
      return undefined
    }
  }
}
