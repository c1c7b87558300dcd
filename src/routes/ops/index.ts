import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HealthSchema, ReadySchema } from '../../schemas/ops.js'

const tags = ['operations']

/** Liveness and readiness for orchestrators and load balancers. */
const opsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/healthz', {
    schema: { tags, summary: 'Liveness: the process is up', response: { 200: HealthSchema } }
  }, async () => ({ status: 'ok' as const }))

  fastify.get('/readyz', {
    schema: { tags, summary: 'Readiness: the service can verify tokens', response: { 200: ReadySchema, 503: ReadySchema } }
  }, async (_request, reply) => {
    // Not loaded at start (JWKS down then)? Try again now rather than stay unready.
    const jwks = fastify.tokenVerifier.isHydrated() || await fastify.tokenVerifier.hydrate().then(() => true, () => false)
    return reply.code(jwks ? 200 : 503).send({ status: jwks ? 'ready' : 'not ready', checks: { jwks } })
  })
}

export default opsRoutes
