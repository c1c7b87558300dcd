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
      description: 'For a liveness probe: answers 200 while the process can answer at all; it checks nothing else (no Cognito, no store) and is ' +
        'never shed.',
      response: { 200: json(HealthSchema, { description: 'Up.' }), ...problems([], { noSharedState: true, notShed: true }) }
    }
  }, async () => ({ status: 'ok' as const }))

  fastify.get('/readyz', {
    schema: {
      tags,
      operationId: 'ready',
      summary: 'Readiness: the service can verify tokens',
      description: 'For a readiness probe or a load balancer: 200 once the pool\'s signing keys are loaded and the shared store answers; 503 (a ' +
        'JSON status, with Retry-After) until then.',
      response: {
        // First: its own 503 (a JSON status, not a problem) replaces the generic one.
        ...problems([], { notShed: true }),
        200: json(ReadySchema, {
          description: 'Ready: the pool\'s signing keys are loaded (`degraded`: cached, but the JWKS endpoint failed the last refresh).'
        }),
        503: json(ReadySchema, {
          description: 'Not ready: the pool\'s signing keys could not be loaded, or Redis is unreachable.',
          headers: ['RetryAfter']
        })
      }
    }
  }, async (_request, reply) => {
    const { tokenVerifier } = fastify
    // Not loaded at start (JWKS down then)? Try again now rather than stay unready.
    if (tokenVerifier.jwksStatus() === 'missing') await tokenVerifier.hydrate().catch(() => {})
    const jwks = tokenVerifier.jwksStatus()
    const store = await fastify.storeStatus()
    const checks = { jwks, store, pool: fastify.poolChecks.status() }
    if (jwks === 'missing' || store === 'unavailable') return reply.code(503).header('retry-after', '5').send({ status: 'not ready', checks })
    return reply.code(200).send({ status: jwks === 'ok' ? 'ready' : 'degraded', checks })
  })
}

export default opsRoutes
