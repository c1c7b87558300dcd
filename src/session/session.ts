/**
 * The session service: how a signed-in session is issued, refreshed and
 * ended, and where its tokens travel. Browsers get sealed httpOnly cookies;
 * other clients that ask for it get the tokens in the body. A session that
 * began in cookies stays in cookies: page script never sees its tokens.
 * Routes (and the hosted-UI callback) call this; none handles tokens itself.
 */
import { createHash } from 'node:crypto'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import type { CognitoGateway, Tokens } from '../cognito/gateway.js'
import { ApiError, isClientFault } from '../errors/catalog.js'
import type { Authenticated } from '../schemas/auth.js'
import { secondsLeft, unverifiedClaims } from '../verify/claims.js'
import type { ChallengeSessions } from './challenge-session.js'
import type { SessionCookies } from './cookies.js'
import type { Sealer } from './seal.js'
import type { SharedStore } from '../store/store.js'
import type { TokenVerifier } from '../verify/verifier.js'

export type Delivery = 'cookie' | 'body'

export interface SessionService {
  /** A session begins (login, a challenge answered, the hosted-UI callback): cookies set, or tokens for the body. */
  issue (reply: FastifyReply, tokens: Tokens, delivery: Delivery): Authenticated
  /** New tokens from the refresh cookie or a refresh token in the body. */
  refresh (
    request: FastifyRequest,
    reply: FastifyReply,
    body: { refreshToken?: string, username?: string, tokenDelivery?: Delivery }
  ): Promise<Authenticated>
  /** Logout: cookies cleared, the presented access token refused from now on, the refresh token revoked at Cognito. */
  end (request: FastifyRequest, reply: FastifyReply, body: { refreshToken?: string }): Promise<void>
  /** The access token the caller presented (Bearer first, then the cookie), not yet verified. */
  presentedAccessToken (request: FastifyRequest): string | undefined
  /** The session's ID token from its cookie, not yet verified. */
  presentedIdToken (request: FastifyRequest): string | undefined
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
}): SessionService {
  const { cookies, challenges, cognito, verifier, store, sealer } = deps

  function issue (reply: FastifyReply, tokens: Tokens, delivery: Delivery): Authenticated {
    const claims = unverifiedClaims(tokens.accessToken) ?? {}
    const username = String(claims.username ?? claims.sub ?? '')
    const expiresIn = secondsLeft(tokens.accessToken)
    const exp = typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000) + expiresIn
    const body = { status: 'authenticated' as const, username, expiresAt: new Date(exp * 1000).toISOString() }
    if (delivery === 'body') return { ...body, tokens: { ...tokens, tokenType: 'Bearer' as const, expiresIn } }
    cookies.set(reply, tokens, username)
    return body
  }

  function presentedAccessToken (request: FastifyRequest): string | undefined {
    const header = request.headers.authorization
    if (header !== undefined) {
      const match = BEARER.exec(header.trim())
      if (!match) {
        throw new ApiError('TOKEN_INVALID', {
          detail: 'The Authorization header must be "Bearer <access token>".',
          headers: { 'www-authenticate': 'Bearer error="invalid_request"' }
        })
      }
      return match[1]
    }
    return cookies.accessToken(request)
  }

  /**
   * One Cognito refresh per refresh token at a time, across instances: two
   * tabs refreshing together would otherwise present a rotated (spent) token
   * and trip RefreshTokenReuseException. The first caller refreshes and leaves
   * the result, sealed, for a few seconds; the others wait for it and share it.
   */
  /**
   * A refresh result shared a moment ago, unless its session ended since: a sign-out everywhere (the user's
   * or an admin's) leaves Cognito's refresh token dead, and the shared tokens must not outlive it either.
   */
  async function replay (sealed: string): Promise<Tokens> {
    const tokens = JSON.parse(sealer.unseal(REFRESH_RESULT, sealed) ?? 'null') as Tokens
    const verification = await verifier.verify(tokens.accessToken, 'access')
    if (!verification.ok && verification.refusal === 'revoked') throw new ApiError('SESSION_EXPIRED')
    return tokens
  }

  async function singleFlightRefresh (refreshToken: string, log: FastifyBaseLogger): Promise<Tokens> {
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
    presentedAccessToken,
    presentedIdToken: request => cookies.idToken(request),
    challenges,

    async refresh (request, reply, body) {
      const fromCookie = body.refreshToken === undefined ? cookies.refresh(request) : undefined
      const refreshToken = body.refreshToken ?? fromCookie?.refreshToken
      if (refreshToken === undefined) {
        throw new ApiError('UNAUTHENTICATED', { detail: 'No refresh token: sign in, or send { "refreshToken": "..." }.' })
      }
      // A cookie session stays a cookie session: page script must never be able to read its tokens.
      const delivery = fromCookie ? 'cookie' : body.tokenDelivery ?? 'body'
      try {
        const tokens = await singleFlightRefresh(refreshToken, request.log)
        // Without rotation the refresh token stays the same: the cookie gets it again with the new tokens.
        // With rotation it is the new one, in the cookie or the body; the old one is spent.
        return issue(reply, { ...tokens, refreshToken: tokens.refreshToken ?? (delivery === 'cookie' ? refreshToken : undefined) }, delivery)
      } catch (err) {
        // A refresh token Cognito refuses is a dead session: drop its cookies too.
        if (fromCookie && err instanceof ApiError && err.code === 'SESSION_EXPIRED') cookies.clear(reply)
        throw err
      }
    },

    async end (request, reply, body) {
      const refreshToken = body.refreshToken ?? cookies.refresh(request)?.refreshToken
      let accessToken: string | undefined
      try {
        accessToken = presentedAccessToken(request)
      } catch {
        // A malformed Authorization header has nothing to revoke.
      }
      cookies.clear(reply)

      if (accessToken !== undefined) {
        const verification = await verifier.verify(accessToken, 'access')
        // Only a token that is still good needs refusing; an expired or foreign one already is.
        if (verification.ok) await verifier.revoke(verification.token)
      }
      if (refreshToken !== undefined) {
        // A refresh result still shared from a moment ago must not outlive the session.
        await store.takeOnce(`refresh-result:${refreshKey(refreshToken)}`)
        try {
          await cognito.revokeRefreshToken(refreshToken)
        } catch (err) {
          // An already revoked or foreign token leaves nothing to do; an outage or throttling must be reported.
          if (!isClientFault(err)) throw err
          request.log.debug({ code: err.code }, 'refresh token not revoked')
        }
      }
    }
  }
}
