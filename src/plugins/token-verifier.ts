import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createTokenVerifier, type TokenVerifier } from '../verify/verifier.js'

declare module 'fastify' {
  interface FastifyInstance {
    tokenVerifier: TokenVerifier
  }
}

/**
 * One verifier for the app's life. The JWKS is fetched before the server
 * listens; if that fails the service still starts (readiness says not ready)
 * and the first verification fetches it again.
 */
export default fp(async function tokenVerifier (fastify: FastifyInstance) {
  const { pool, tokens } = fastify.config
  const verifier = createTokenVerifier({
    pool,
    otherClientIds: tokens.otherClientIds,
    timeoutMs: tokens.jwksTimeoutMs,
    store: fastify.store,
    clockSkewSeconds: tokens.clockSkewSeconds,
    maxTokenBytes: tokens.maxBytes,
    log: fastify.log
  })
  fastify.decorate('tokenVerifier', verifier)
  fastify.addHook('onReady', async () => {
    try {
      await verifier.hydrate()
    } catch (err) {
      fastify.log.error({ err, jwksUri: pool.jwksUri }, 'could not fetch the JWKS; tokens cannot be verified until it is reachable')
    }
  })
}, { name: 'token-verifier', dependencies: ['store'] })
