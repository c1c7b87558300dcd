/**
 * A hosted-UI sign-in in progress: what /oauth/login makes and the callback
 * must find again. The overloaded OAuth `state` is `<nonce>_<redirect>`: the
 * nonce (hex, so never `_`) ties the callback to the browser that started the
 * login, the redirect says where the user goes afterwards. The PKCE verifier
 * and the OIDC nonce stay in a sealed cookie, one per attempt (two tabs may
 * sign in at once), scoped to /oauth and gone after a few minutes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Sealer } from '../tokens/seal.js'

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

export interface LoginCookies {
  set (reply: FastifyReply, attempt: LoginAttempt): void
  /**
   * The attempt the state's nonce names, read and cleared: undefined when
   * there is none (never started here, expired, or already used); 'tampered'
   * when a cookie is there but does not unseal or does not match.
   */
  take (request: FastifyRequest, reply: FastifyReply, nonce: string): LoginAttempt | 'tampered' | undefined
}

export function createLoginCookies (config: Pick<Config, 'cookies'>, sealer: Sealer): LoginCookies {
  const prefix = config.cookies.secure ? '__Secure-' : ''
  const nameFor = (nonce: string) => `${prefix}bff_oauth_${nonce}`
  const options = {
    httpOnly: true,
    secure: config.cookies.secure,
    // The callback is a cross-site navigation from the hosted UI: a Strict cookie would not come back.
    sameSite: config.cookies.sameSite === 'none' ? 'none' as const : 'lax' as const,
    path: COOKIE_PATH
  }

  return {
    set (reply, attempt) {
      reply.setCookie(nameFor(attempt.nonce), sealer.seal('oauth-login', JSON.stringify(attempt)), { ...options, maxAge: LOGIN_ATTEMPT_SECONDS })
    },

    take (request, reply, nonce) {
      // Only a nonce of ours names a cookie: anything else cannot have one.
      if (!/^[0-9a-f]{32}$/.test(nonce)) return undefined
      const name = nameFor(nonce)
      const sealed = request.cookies[name]
      if (sealed === undefined) return undefined
      reply.clearCookie(name, options)
      const opened = sealer.unseal('oauth-login', sealed)
      if (opened === undefined) return 'tampered'
      try {
        const attempt = JSON.parse(opened) as LoginAttempt
        return sameSecret(attempt.nonce, nonce) ? attempt : 'tampered'
      } catch {
        return 'tampered'
      }
    }
  }
}
