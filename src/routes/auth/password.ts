import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

import { ForgotBodySchema, ResetBodySchema, StatusResponseSchema } from '../../schemas/auth.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, problems, RATE_LIMIT_REFUSALS } from '../../schemas/problem.js'
import { json } from '../../schemas/responses.js'
import resetLink from './reset-link.js'
import { codeSent } from './code-sent.js'
import { triggerContext } from '../trigger-context.js'
import { userContext } from './user-context.js'

const tags = ['password']

/** Every password route: a body, the origin check, the rate limit and a call to Cognito. */
const PASSWORD_ROUTE = [...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES] as const
/** Refusals about the account that, without REVEAL_USER_EXISTENCE, answer like a success (code-sent.ts). */
const REVEALED = 'Only with REVEAL_USER_EXISTENCE; otherwise answered as sent.'

const password: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, config } = fastify

  fastify.post('/auth/password/forgot', {
    schema: {
      tags,
      operationId: 'forgotPassword',
      summary: 'Send a password-reset code',
      description: 'Answers 202 whether or not the user exists, unless REVEAL_USER_EXISTENCE is set.',
      body: ForgotBodySchema,
      response: {
        202: json(StatusResponseSchema, { description: 'Sent (`status: "sent"`); `codeDelivery` only with REVEAL_USER_EXISTENCE.' }),
        ...problems([
          ...PASSWORD_ROUTE, 'TOO_MANY_ATTEMPTS', 'CODE_DELIVERY_FAILED', 'INVALID_PARAMETER', 'NOT_PERMITTED', 'USER_NOT_FOUND',
          'REDIRECT_NOT_ALLOWED'
        ], { notes: { INVALID_PARAMETER: REVEALED, NOT_PERMITTED: REVEALED, USER_NOT_FOUND: REVEALED } })
      }
    }
  }, async (request, reply) => {
    const context = userContext(request, config.publicUrl)
    const uniform = { reveal: config.revealUserExistence, floorMs: config.uniformAnswerMs, log: request.log }
    const { username, redirect } = request.body
    const metadata = triggerContext(request, config, redirect)
    const answer = await codeSent(uniform, async () => await cognito.forgotPassword({ username, context, metadata }))
    return reply.code(202).send(answer)
  })

  fastify.post('/auth/password/reset', {
    schema: {
      tags,
      operationId: 'resetPassword',
      summary: 'Set a new password with the reset code',
      description: 'The second step of a forgotten password: the username, the code POST /auth/password/forgot sent and the new password. An ' +
        'unknown user gets CODE_MISMATCH, as a wrong code does.',
      body: ResetBodySchema,
      response: {
        200: json(StatusResponseSchema, { description: 'The new password is set (`status: "reset"`).' }),
        ...problems([
          ...PASSWORD_ROUTE, 'CODE_MISMATCH', 'CODE_EXPIRED', 'INVALID_PARAMETER', 'INVALID_PASSWORD', 'USER_NOT_CONFIRMED', 'TOO_MANY_ATTEMPTS'
        ], { notes: { CODE_MISMATCH: 'Also for an unknown user, so the answer does not tell which usernames exist.' } })
      }
    }
  }, async (request) => {
    const context = userContext(request, config.publicUrl)
    const who = { username: request.body.username, address: request.ip }
    await fastify.accountLimits.attempt('code', who, () => cognito.confirmForgotPassword({ ...request.body, context }))
    return { status: 'reset' as const }
  })

  await fastify.register(resetLink)
}

export default password
