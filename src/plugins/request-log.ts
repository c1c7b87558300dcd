/**
 * One log line per request, written when the response is sent: method, URL
 * without query values, status, time, and the problem code of a refused
 * request. The request id goes back in x-request-id.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ErrorCode } from '../errors/catalog.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The catalog code this request was answered with, if it failed; set by problem-details. */
    problemCode: ErrorCode | null
  }
}

export default fp(async function requestLog (fastify: FastifyInstance) {
  fastify.decorateRequest('problemCode', null)
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  fastify.addHook('onResponse', async (request, reply) => {
    const code = request.problemCode
    request.log.info({ req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime), ...(code ? { code } : {}) }, 'request')
  })
}, { name: 'request-log' })
