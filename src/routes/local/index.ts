import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Outbox } from '../../local/outbox.js'
import { LocalDemoQuerySchema, LocalMessageSchema, LocalMessagesQuerySchema } from '../../schemas/local.js'
import { problems, QUERY_REFUSALS } from '../../schemas/problem.js'
import { html, json } from '../../schemas/responses.js'
import { demoPage, demoCsp } from './demo-page.js'

const tags = ['local mode']

/** Routes that exist only with the embedded emulator: they show what Cognito would have sent. */
const localRoutes: FastifyPluginAsyncTypebox<{ outbox: Outbox }> = async (fastify, { outbox }) => {
  fastify.get('/local/messages', {
    schema: {
      tags,
      operationId: 'localMessages',
      summary: 'Codes and temporary passwords Cognito would have sent, newest first (local mode only)',
      description: 'What the local Cognito would have e-mailed or texted (confirmation and reset codes, temporary passwords), newest first, ' +
        'optionally for one username. Only in local mode.',
      querystring: LocalMessagesQuerySchema,
      response: {
        200: json(Type.Array(LocalMessageSchema), { description: 'The messages, for `username` only when it is given.' }),
        ...problems(QUERY_REFUSALS, { noSharedState: true })
      }
    }
  }, async (request) => outbox.list(request.query.username))

  fastify.get('/local/demo', {
    schema: {
      tags,
      operationId: 'localDemo',
      summary: 'Local demo page: sign up, confirm, sign in (form or hosted UI), /me, sign out; the confirmation link ends here',
      description: 'A small page to try the service by hand in local mode: sign up, confirm, sign in with the form or the hosted UI, see /me, ' +
        'sign out. The confirmation link of local mode ends here.',
      querystring: LocalDemoQuerySchema,
      response: {
        200: html({ description: 'The page: the outcome of a confirmation link (?status=, ?error=), links to /docs and /local/messages.' }),
        ...problems(QUERY_REFUSALS, { noSharedState: true })
      }
    }
  }, async (request, reply) => {
    const { status, error } = request.query
    const line = error !== undefined
      ? `That did not work: ${error}.`
      : status === 'confirmed' ? 'Your account is confirmed. You can sign in now.' : 'cognito-bff is running in local mode.'
    const { demoBundle } = await import('../../local/demo-bundle.js')
    const script = await demoBundle()
    reply.header('content-security-policy', demoCsp(script))
    return reply.type('text/html; charset=utf-8').send(demoPage(line, script))
  })
}

export default localRoutes
