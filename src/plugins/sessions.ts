/**
 * Sessions in Fastify: cookie parsing, the one cookie sealer, and the thin
 * adapter over the session service (src/session/), which takes plain values
 * and answers plain results. The adapter copies what the service reads out
 * of the request and writes the cookie changes it answers onto the reply.
 */
import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Tokens } from '../cognito/types.js'
import type { Authenticated } from '../schemas/auth.js'
import { createChallengeSessions, type ChallengeSessions } from '../session/challenge-session.js'
import { createSessionCookies, type CookieChange, type RequestCookies } from '../session/cookies.js'
import { createSealer, type Sealer } from '../session/seal.js'
import { createSessionService, type Delivery, type Outcome, type Presented } from '../session/session.js'
import { instantMs } from '../session/signed-out.js'

/** The session service, request and reply in hand. */
export interface Sessions {
  /**
   * A session begins: cookies set, or the tokens for the body. `obtainedAfterMs` (epoch ms): an instant before the
   * Cognito call that produced `tokens`; default the request's arrival. 0 for tokens another request obtained (a
   * hand-off): they get no allowance through a sign-out mark of their second here.
   */
  issue (reply: FastifyReply, tokens: Tokens, delivery: Delivery, obtainedAfterMs?: number): Promise<Authenticated>
  /** Tokens this request just obtained, to be verified before `issue` (the hosted-UI callback): see SessionService.admit. */
  admit (reply: FastifyReply, tokens: Tokens): Promise<void>
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
  /** The one sealer of this service's cookies and shared values (the OAuth routes use it too). */
  sealer: Sealer
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Issues, refreshes and ends sessions; decides where tokens travel. */
    sessions: Sessions
  }
}

/** The request's cookies as plain values. */
export function requestCookies (request: FastifyRequest): RequestCookies {
  return { values: request.cookies, header: request.headers.cookie }
}

/** Writes a service's cookie changes onto the reply. */
export function applyCookies (reply: FastifyReply, changes: readonly CookieChange[]): void {
  for (const { name, value, options } of changes) {
    if (value === null) reply.clearCookie(name, options)
    else reply.setCookie(name, value, options)
  }
}

/** The cookie changes onto the reply, then the value, or the error thrown for the error handler. */
function settle<T> (reply: FastifyReply, outcome: Outcome<T>): T {
  applyCookies(reply, outcome.cookies)
  if (!outcome.ok) throw outcome.error
  return outcome.value
}

/** When the request arrived (epoch ms, with a fraction): before any Cognito call it makes. */
export function arrival (reply: FastifyReply): number {
  return instantMs() - reply.elapsedTime
}

function presented (request: FastifyRequest): Presented {
  return { authorization: request.headers.authorization, cookies: requestCookies(request) }
}

export default fp(async function sessions (fastify: FastifyInstance) {
  await fastify.register(cookie)
  const { config } = fastify
  const sealer = createSealer(config.cookies.secrets)
  // The pool's settings as last read (POOL_REFRESH_SECONDS): a change in the console is followed without a restart.
  const pool = () => fastify.userPool.settings
  const challenges = createChallengeSessions(sealer, config.pool.clientId, Date.now, () => pool().challengeLifetimeMs)
  const service = createSessionService({
    cookies: createSessionCookies(config, sealer, () => pool().refreshLifetimeSeconds),
    pool,
    challenges,
    cognito: fastify.cognito,
    verifier: fastify.tokenVerifier,
    store: fastify.store,
    sealer
  })
  fastify.decorate('sessions', {
    issue: async (reply, tokens, delivery, obtainedAfterMs = arrival(reply)) =>
      settle(reply, await service.issue(tokens, delivery, obtainedAfterMs, requestCookies(reply.request))),
    admit: async (reply, tokens) => await service.admit(tokens, arrival(reply)),
    refresh: async (request, reply, body) => settle(reply, await service.refresh(presented(request), body, request.log, arrival(reply))),
    end: async (request, reply, body) => settle(reply, await service.end(presented(request), body, request.log)),
    presentedAccessToken: request => service.presentedAccessToken(presented(request), request.log),
    presentedIdToken: request => service.presentedIdToken(presented(request), request.log),
    challenges,
    sealer
  } satisfies Sessions)
}, { name: 'sessions', dependencies: ['cognito', 'user-pool', 'token-verifier', 'store'] })
