/**
 * One log line per request, written when the response is sent: method, URL
 * without query values, status, time, and for a refused request its problem
 * code and what Cognito said (exception name and message: Cognito's messages
 * carry no secrets, and an operator needs them to tell a wrong password from
 * a wrong client secret). The request id goes back in x-request-id.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Logger } from 'pino'
import type { ErrorCode } from '../errors/catalog.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The problem this request was answered with, if it failed; set by problem-details. */
    problem: { code: ErrorCode, upstream?: string } | null
  }
}

export default fp(async function requestLog (fastify: FastifyInstance, options: { logger: Logger }) {
  const { logger } = options
  fastify.decorateRequest('problem', null)
  // Callback hooks, not async ones: every request runs them, and a promise each is measurable (bench/RESULTS.md).
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  fastify.addHook('onResponse', (request, reply, done) => {
    logger.info({ reqId: request.id, req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime), ...request.problem }, 'request')
    done()
  })
}, { name: 'request-log' })
