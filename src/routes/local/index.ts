import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Outbox } from '../../local/outbox.js'
import { LocalDemoQuerySchema, LocalMessageSchema, LocalMessagesQuerySchema } from '../../schemas/local.js'
import { problems, QUERY_REFUSALS } from '../../schemas/problem.js'
import { html, json } from '../../schemas/responses.js'
import { escapeHtml } from '../html.js'

const tags = ['local mode']

/** Routes that exist only with the embedded emulator: they show what Cognito would have sent. */
const localRoutes: FastifyPluginAsyncTypebox<{ outbox: Outbox }> = async (fastify, { outbox }) => {
  fastify.get('/local/messages', {
    schema: {
      tags,
      operationId: 'localMessages',
      summary: 'Codes and temporary passwords Cognito would have sent, newest first (local mode only)',
      querystring: LocalMessagesQuerySchema,
      response: {
        200: json(Type.Array(LocalMessageSchema), { description: 'The messages, for `username` only when it is given.' }),
        ...problems(QUERY_REFUSALS)
      }
    }
  }, async (request) => outbox.list(request.query.username))

  fastify.get('/local/demo', {
    schema: {
      tags,
      operationId: 'localDemo',
      summary: 'Local landing page (the e-mail confirmation link ends here)',
      querystring: LocalDemoQuerySchema,
      response: {
        200: html({ description: 'The page: the outcome of a confirmation link (?status=, ?error=), links to /docs and /local/messages.' }),
        ...problems(QUERY_REFUSALS)
      }
    }
  }, async (request, reply) => {
    const { status, error } = request.query
    const line = error !== undefined
      ? `Confirmation failed: ${escapeHtml(error)}.`
      : status === 'confirmed' ? 'Your account is confirmed. You can sign in now.' : 'cognito-bff is running in local mode.'
    // The page may call the API on its own origin (a browser's view of the session), nothing else.
    reply.header('content-security-policy', "default-src 'none'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    return reply.type('text/html; charset=utf-8').send(
      '<!doctype html><html lang="en"><meta charset="utf-8"><title>cognito-bff local</title>' +
      `<body><h1>cognito-bff</h1><p>${line}</p>` +
      '<p>API reference: <a href="/docs">/docs</a>. Codes Cognito would have sent: <a href="/local/messages">/local/messages</a>.</p>' +
      '</body></html>'
    )
  })
}

export default localRoutes
