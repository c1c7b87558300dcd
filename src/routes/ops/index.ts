import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HealthSchema, ReadySchema } from '../../schemas/ops.js'
import { problems } from '../../schemas/problem.js'
import { json } from '../../schemas/responses.js'

const tags = ['operations']

/** Liveness and readiness for orchestrators and load balancers. */
const opsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/healthz', {
    schema: {
      tags,
      operationId: 'health',
      summary: 'Liveness: the process is up',
      response: { 200: json(HealthSchema, { description: 'Up.' }), ...problems([]) }
    }
  }, async () => ({ status: 'ok' as const }))

  fastify.get('/readyz', {
    schema: {
      tags,
      operationId: 'ready',
      summary: 'Readiness: the service can verify tokens',
      response: {
        200: json(ReadySchema, { description: 'Ready: the pool\'s signing keys are loaded.' }),
        503: json(ReadySchema, { description: 'Not ready: the pool\'s signing keys could not be loaded.' }),
        ...problems([])
      }
    }
  }, async (_request, reply) => {
    // Not loaded at start (JWKS down then)? Try again now rather than stay unready.
    const jwks = fastify.tokenVerifier.isHydrated() || await fastify.tokenVerifier.hydrate().then(() => true, () => false)
    return reply.code(jwks ? 200 : 503).send({ status: jwks ? 'ready' : 'not ready', checks: { jwks } })
  })
}

export default opsRoutes
