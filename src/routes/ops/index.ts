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
        200: json(ReadySchema, {
          description: 'Ready: the pool\'s signing keys are loaded (`degraded`: cached, but the JWKS endpoint failed the last refresh).'
        }),
        503: json(ReadySchema, { description: 'Not ready: the pool\'s signing keys could not be loaded.', headers: ['RetryAfter'] }),
        ...problems([])
      }
    }
  }, async (_request, reply) => {
    const { tokenVerifier } = fastify
    // Not loaded at start (JWKS down then)? Try again now rather than stay unready.
    if (tokenVerifier.jwksStatus() === 'missing') await tokenVerifier.hydrate().catch(() => {})
    const jwks = tokenVerifier.jwksStatus()
    if (jwks === 'missing') return reply.code(503).header('retry-after', '5').send({ status: 'not ready', checks: { jwks } })
    return reply.code(200).send({ status: jwks === 'ok' ? 'ready' : 'degraded', checks: { jwks } })
  })
}

export default opsRoutes
