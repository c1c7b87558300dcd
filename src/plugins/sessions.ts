import cookie from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createChallengeSessions } from '../session/challenge-session.js'
import { createSessionCookies } from '../session/cookies.js'
import { createSealer } from '../session/seal.js'
import { createSessionService, type SessionService } from '../session/session.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Issues, refreshes and ends sessions; decides where tokens travel. */
    sessions: SessionService
  }
}

/** Cookie parsing, the sealed session cookies, and the session service over them. */
export default fp(async function sessions (fastify: FastifyInstance) {
  await fastify.register(cookie)
  const { config } = fastify
  const sealer = createSealer(config.cookies.secrets)
  fastify.decorate('sessions', createSessionService({
    cookies: createSessionCookies(config, sealer),
    challenges: createChallengeSessions(sealer, config.pool.clientId),
    cognito: fastify.cognito,
    verifier: fastify.tokenVerifier,
    store: fastify.store,
    sealer
  }))
}, { name: 'sessions', dependencies: ['cognito', 'token-verifier', 'store'] })
