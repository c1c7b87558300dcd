/**
 * The session service: how a signed-in session is issued, refreshed and
 * ended, and where its tokens travel. Browsers get sealed httpOnly cookies;
 * other clients that ask for it get the tokens in the body. A session that
 * began in cookies stays in cookies: page script never sees its tokens.
 * Routes (and the hosted-UI callback) call this through the Fastify adapter
 * in plugins/sessions.ts; none handles tokens itself. Plain values in (the
 * Authorization header, the request's cookies), plain results out (the answer
 * and the cookie changes the response carries).
 */
import { createHash } from 'node:crypto'
import type { CognitoGateway, Tokens } from '../cognito/gateway.js'
import { ApiError, isClientFault } from '../errors/catalog.js'
import type { Authenticated } from '../schemas/auth.js'
import { secondsLeft, unverifiedClaims } from '../verify/claims.js'
import type { ChallengeSessions } from './challenge-session.js'
import { ASSUMED, type PoolSettings } from './pool-settings.js'
import { type CookieChange, type RequestCookies, type ServiceLog, type SessionCookies } from './cookies.js'
import type { Sealer } from './seal.js'
import type { SharedStore } from '../store/store.js'
import type { TokenVerifier } from '../verify/verifier.js'
import { LONGEST_TOKEN_SECONDS, signedOutEverywhere } from './signed-out.js'

export type Delivery = 'cookie' | 'body'

/** What the session service reads from a request, copied out of it by the adapter. */
export interface Presented {
  /** The Authorization header, as received. */
  authorization: string | undefined
  cookies: RequestCookies
}

/**
 * A session step's answer: the cookie changes the response carries either way
 * (a failed refresh or logout may still clear cookies), then the value, or the
 * error to answer with.
 */
export type Outcome<T> =
  | { ok: true, value: T, cookies: CookieChange[] }
  | { ok: false, error: unknown, cookies: CookieChange[] }

export interface SessionService {
  /**
   * A session begins (login, a challenge answered, the hosted-UI callback, a hand-off): cookies set, or tokens for
   * the body. The store remembers the refresh token's session, so a logout with the refresh token alone ends it.
   * `present`: the cookies the request brought, so chunks of an earlier, larger cookie are cleared.
   */
  issue (
    tokens: Tokens, delivery: Delivery, obtainedAfterMs: number, present?: RequestCookies
  ): Promise<Extract<Outcome<Authenticated>, { ok: true }>>
  /**
   * Tokens a sign-in obtained from Cognito after `obtainedAfterMs` (epoch ms, taken before the call): when the user
   * has a sign-out mark whose second they share (so the mark would refuse them) and the mark's instant is before
   * `obtainedAfterMs`, they are allowed through that mark (a sign-in racing the mark is not). `issue` does this too.
   */
  admit (tokens: Tokens, obtainedAfterMs: number): Promise<void>
  /** New tokens from the refresh cookie or a refresh token in the body. */
  refresh (
    presented: Presented,
    body: { refreshToken?: string, username?: string, tokenDelivery?: Delivery },
    log: ServiceLog,
    obtainedAfterMs: number
  ): Promise<Outcome<Authenticated>>
  /**
   * Logout: cookies cleared, the session's tokens refused from now on (the presented access token's, and the refresh
   * token's session as issuance recorded it), the refresh token revoked at Cognito.
   */
  end (presented: Presented, body: { refreshToken?: string }, log: ServiceLog): Promise<Outcome<undefined>>
  /** The access token the caller presented (Bearer first, then the cookie), not yet verified; TOKEN_INVALID for a malformed header. */
  presentedAccessToken (presented: Presented, log: ServiceLog): string | undefined
  /** The session's ID token from its cookie, not yet verified. */
  presentedIdToken (presented: Presented, log: ServiceLog): string | undefined
  /** A sign-in in progress: challenge sessions sealed for the client, opened when it answers. */
  challenges: ChallengeSessions
}

const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/i
/** Longest wait for another caller's refresh of the same token (and the lock's life). */
const REFRESH_WAIT_MS = 10_000
/** How long a refresh result is shared with callers that presented the same token at the same moment. */
const REFRESH_SHARE_MS = 2_000
const REFRESH_RESULT = 'refresh-result'

/** Refresh tokens are never store keys themselves. */
function refreshKey (refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url')
}

export function createSessionService (deps: {
  cookies: SessionCookies
  challenges: ChallengeSessions
  cognito: CognitoGateway
  verifier: TokenVerifier
  store: SharedStore
  /** Seals what the store keeps for a moment (a shared refresh result): tokens never sit there in the clear. */
  sealer: Sealer
  /** The pool's settings as last read (refresh-token validity, revocation); what the service assumed before, by default. */
  pool?: () => Pick<PoolSettings, 'refreshLifetimeSeconds' | 'revocation'>
}): SessionService {
  const { cookies, challenges, cognito, verifier, store, sealer, pool = () => ASSUMED } = deps

  // The refresh token's session, by a hash of the token, for as long as a refresh token may live: a logout that
  // presents only the refresh token then ends the session's access and ID tokens too (they carry its origin_jti).
  // The tokens come straight from Cognito, so their claims are read without verifying them again.
  async function remember (refreshToken: string, accessToken: string): Promise<void> {
    const claims = unverifiedClaims(accessToken)
    if (typeof claims?.sub !== 'string' || typeof claims.origin_jti !== 'string') return
    const keepUntil = Math.floor(Date.now() / 1000) + pool().refreshLifetimeSeconds
    await store.linkRefreshToken(refreshKey(refreshToken), { sub: claims.sub, originJti: claims.origin_jti }, keepUntil)
  }

  async function admit (tokens: Tokens, obtainedAfterMs: number): Promise<void> {
    const sub = unverifiedClaims(tokens.accessToken)?.sub
    if (typeof sub !== 'string') return
    const mark = await store.signedOutMark(sub)
    if (mark === undefined || obtainedAfterMs <= mark.atMs) return
    for (const token of [tokens.accessToken, tokens.idToken]) {
      const claims = unverifiedClaims(token)
      if (claims?.sub !== sub || typeof claims.jti !== 'string' || typeof claims.iat !== 'number' || typeof claims.exp !== 'number') continue
      if (claims.iat < mark.at) await store.allowAfterMark(sub, claims.jti, mark.atMs, claims.exp)
    }
  }

  async function issue (
    tokens: Tokens, delivery: Delivery, obtainedAfterMs: number, present?: RequestCookies
  ): Promise<Extract<Outcome<Authenticated>, { ok: true }>> {
    await admit(tokens, obtainedAfterMs)
    if (tokens.refreshToken !== undefined) await remember(tokens.refreshToken, tokens.accessToken)
    const claims = unverifiedClaims(tokens.accessToken) ?? {}
    const username = String(claims.username ?? claims.sub ?? '')
    const expiresIn = secondsLeft(tokens.accessToken)
    const exp = typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000) + expiresIn
    const body = { status: 'authenticated' as const, username, expiresAt: new Date(exp * 1000).toISOString() }
    if (delivery === 'body') return { ok: true, value: { ...body, tokens: { ...tokens, tokenType: 'Bearer' as const, expiresIn } }, cookies: [] }
    return { ok: true, value: body, cookies: cookies.set(tokens, username, present) }
  }

  function presentedAccessToken ({ authorization, cookies: presented }: Presented, log: ServiceLog): string | undefined {
    if (authorization !== undefined) {
      const match = BEARER.exec(authorization.trim())
      if (!match) {
        throw new ApiError('TOKEN_INVALID', {
          detail: 'The Authorization header must be "Bearer <access token>".',
          headers: { 'www-authenticate': 'Bearer error="invalid_request"' }
        })
      }
      return match[1]
    }
    return cookies.accessToken(presented, log)
  }

  // A refresh result shared a moment ago, unless its session ended since: a sign-out everywhere (the user's
  // or an admin's) leaves Cognito's refresh token dead, and the shared tokens must not outlive it either.
  // A value that does not open (sealed under a key this instance lacks, or altered in the store) is no
  // session either: the refresh token behind it is spent, so the caller signs in again.
  async function replay (sealed: string): Promise<Tokens> {
    const tokens = parseTokens(sealer.unseal(REFRESH_RESULT, sealed))
    if (tokens === undefined) throw new ApiError('SESSION_EXPIRED')
    const verification = await verifier.verify(tokens.accessToken, 'access')
    if (!verification.ok && verification.refusal === 'revoked') throw new ApiError('SESSION_EXPIRED')
    return tokens
  }

  // One Cognito refresh per refresh token at a time, across instances: two tabs refreshing together would
  // otherwise present a rotated (spent) token and trip RefreshTokenReuseException. The first caller refreshes
  // and leaves the result, sealed, for a few seconds; the others wait for it and share it.
  async function singleFlightRefresh (refreshToken: string, log: ServiceLog): Promise<Tokens> {
    const key = refreshKey(refreshToken)
    const deadline = Date.now() + REFRESH_WAIT_MS
    for (;;) {
      const shared = await store.peekOnce(`refresh-result:${key}`)
      if (shared !== undefined) return await replay(shared)
      const release = await store.lock(`refresh:${key}`, REFRESH_WAIT_MS)
      if (release !== undefined) {
        try {
          // It may have finished between the look and the lock.
          const justDone = await store.peekOnce(`refresh-result:${key}`)
          if (justDone !== undefined) return await replay(justDone)
          const tokens = await cognito.refresh({ refreshToken })
          await store.putOnce(`refresh-result:${key}`, sealer.seal(REFRESH_RESULT, JSON.stringify(tokens)), REFRESH_SHARE_MS)
          return tokens
        } catch (err) {
          if (err instanceof ApiError && err.cause instanceof Error && err.cause.name === 'RefreshTokenReuseException') {
            log.warn('a rotated refresh token was presented again (another client of this session, or a replay); the session is over')
          }
          throw err
        } finally {
          await release()
        }
      }
      if (Date.now() > deadline) throw new ApiError('UPSTREAM_UNAVAILABLE', { retryAfter: 1 })
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }

  return {
    issue,
    admit,
    presentedAccessToken,
    presentedIdToken: (presented, log) => cookies.idToken(presented.cookies, log),
    challenges,

    async refresh (presented, body, log, obtainedAfterMs) {
      const fromCookie = body.refreshToken === undefined ? cookies.refresh(presented.cookies, log) : undefined
      const refreshToken = body.refreshToken ?? fromCookie?.refreshToken
      if (refreshToken === undefined) {
        const error = new ApiError('UNAUTHENTICATED', { detail: 'No refresh token: sign in, or send { "refreshToken": "..." }.' })
        return { ok: false, error, cookies: [] }
      }
      // A cookie session stays a cookie session: page script must never be able to read its tokens.
      const delivery = fromCookie ? 'cookie' : body.tokenDelivery ?? 'body'
      try {
        const tokens = await singleFlightRefresh(refreshToken, log)
        // Without rotation the refresh token stays the same: the cookie gets it again with the new tokens.
        // With rotation it is the new one, in the cookie or the body; the old one is spent.
        if (tokens.refreshToken === undefined && delivery === 'body') await remember(refreshToken, tokens.accessToken)
        const issued = { ...tokens, refreshToken: tokens.refreshToken ?? (delivery === 'cookie' ? refreshToken : undefined) }
        return await issue(issued, delivery, obtainedAfterMs, presented.cookies)
      } catch (error) {
        // A refresh token Cognito refuses is a dead session: drop its cookies too.
        const dead = fromCookie !== undefined && error instanceof ApiError && error.code === 'SESSION_EXPIRED'
        return { ok: false, error, cookies: dead ? cookies.clear(presented.cookies) : [] }
      }
    },

    async end (presented, body, log) {
      const refreshToken = body.refreshToken ?? cookies.refresh(presented.cookies, log)?.refreshToken
      let accessToken: string | undefined
      try {
        accessToken = presentedAccessToken(presented, log)
      } catch {
        // A malformed Authorization header has nothing to revoke.
      }
      // Cleared whatever happens next: a failure to revoke at Cognito still ends the browser's session.
      const cleared = cookies.clear(presented.cookies)
      try {
        if (accessToken !== undefined) {
          const verification = await verifier.verify(accessToken, 'access')
          // Only a token that is still good needs refusing; an expired or foreign one already is. A token without
          // jti or origin_jti (a client without token revocation) can only be refused by a sign-out mark on its user.
          if (verification.ok && verification.token.revocationIds.length > 0) await verifier.revoke(verification.token)
          else if (verification.ok) await signedOutEverywhere(store, verification.token.sub)
        }
        if (refreshToken !== undefined) {
          const key = refreshKey(refreshToken)
          // The session's tokens, whoever holds them (a logout may present the refresh token alone).
          const session = await store.refreshTokenSession(key)
          if (session !== undefined) {
            await store.revokeToken(session.sub, session.originJti, Math.floor(Date.now() / 1000) + LONGEST_TOKEN_SECONDS)
          }
          // A refresh result still shared from a moment ago must not outlive the session.
          await store.takeOnce(`refresh-result:${key}`)
          // Without token revocation on the client, Cognito answers RevokeToken with UnsupportedOperationException:
          // the refresh token lives on there (its life is the client's refresh validity); the marks above are all there is.
          if (!pool().revocation) {
            log.debug('token revocation is off for the app client: refresh token not revoked at Cognito')
            return { ok: true, value: undefined, cookies: cleared }
          }
          try {
            await cognito.revokeRefreshToken(refreshToken)
          } catch (err) {
            // An already revoked or foreign token leaves nothing to do; an outage or throttling must be reported.
            if (!isClientFault(err)) throw err
            log.debug({ code: err.code }, 'refresh token not revoked')
          }
        }
        return { ok: true, value: undefined, cookies: cleared }
      } catch (error) {
        return { ok: false, error, cookies: cleared }
      }
    }
  }
}

/** Tokens as a shared refresh result holds them, or undefined when the text is not that. */
function parseTokens (text: string | undefined): Tokens | undefined {
  if (text === undefined) return undefined
  try {
    const value = JSON.parse(text) as Partial<Tokens> | null
    return typeof value?.accessToken === 'string' && typeof value.idToken === 'string' ? value as Tokens : undefined
  } catch {
    return undefined
  }
}
