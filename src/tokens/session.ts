/**
 * The session service: how a signed-in session is issued, refreshed and
 * ended, and where its tokens travel. Browsers get sealed httpOnly cookies;
 * other clients that ask for it get the tokens in the body. A session that
 * began in cookies stays in cookies: page script never sees its tokens.
 * Routes (and the hosted-UI callback) call this; none handles tokens itself.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CognitoGateway, Tokens } from '../cognito/gateway.js'
import { ApiError, invalidFields, isClientFault } from '../errors/catalog.js'
import type { Authenticated } from '../schemas/auth.js'
import { secondsLeft, unverifiedClaims } from './claims.js'
import type { ChallengeSessions } from './challenge-session.js'
import type { SessionCookies } from './cookies.js'
import type { TokenVerifier } from './verifier.js'

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
  /** A sign-in in progress: challenge sessions sealed for the client, opened when it answers. */
  challenges: ChallengeSessions
}

const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/i

export function createSessionService (deps: {
  cookies: SessionCookies
  challenges: ChallengeSessions
  cognito: CognitoGateway
  verifier: TokenVerifier
}): SessionService {
  const { cookies, challenges, cognito, verifier } = deps

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

  return {
    issue,
    presentedAccessToken,
    challenges,

    async refresh (request, reply, body) {
      const fromCookie = body.refreshToken === undefined ? cookies.refresh(request) : undefined
      const refreshToken = body.refreshToken ?? fromCookie?.refreshToken
      if (refreshToken === undefined) {
        throw new ApiError('UNAUTHENTICATED', { detail: 'No refresh token: sign in, or send { "refreshToken": "..." }.' })
      }
      if (body.refreshToken !== undefined && body.username === undefined && cognito.hasClientSecret) {
        throw invalidFields(
          [{ field: '/body/username', message: 'is required' }],
          'username is required with refreshToken (the app client has a secret).'
        )
      }
      // A cookie session stays a cookie session: page script must never be able to read its tokens.
      const delivery = fromCookie ? 'cookie' : body.tokenDelivery ?? 'body'
      try {
        const tokens = await cognito.refresh({ refreshToken, username: body.username ?? fromCookie?.username })
        // The refresh token stays the same: the cookie gets it again with the new tokens.
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
