import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

import { ForgotBodySchema, ResetBodySchema, StatusResponseSchema } from '../../schemas/auth.js'
import { problems } from '../../schemas/problem.js'
import { codeSent } from './code-sent.js'
import { userContext } from './user-context.js'

const tags = ['password']

const password: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, config } = fastify

  fastify.post('/auth/password/forgot', {
    schema: {
      tags,
      summary: 'Send a password-reset code',
      description: 'Answers 202 whether or not the user exists, unless REVEAL_USER_EXISTENCE is set.',
      body: ForgotBodySchema,
      response: { 202: StatusResponseSchema, ...problems(404, 429, 502, 503) }
    }
  }, async (request, reply) => {
    const context = userContext(request, config.publicUrl)
    const answer = await codeSent(config.revealUserExistence, request.log, async () => await cognito.forgotPassword({ ...request.body, context }))
    return reply.code(202).send(answer)
  })

  fastify.post('/auth/password/reset', {
    schema: {
      tags,
      summary: 'Set a new password with the reset code',
      body: ResetBodySchema,
      response: { 200: StatusResponseSchema, ...problems(429, 502, 503) }
    }
  }, async (request) => {
    await cognito.confirmForgotPassword({ ...request.body, context: userContext(request, config.publicUrl) })
    return { status: 'reset' as const }
  })
}

export default password
