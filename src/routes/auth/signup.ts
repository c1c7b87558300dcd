import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ApiError, invalidFields } from '../../errors/catalog.js'
import {
  ConfirmBodySchema, ConfirmQuerySchema, SignUpBodySchema, SignUpResponseSchema,
  StatusResponseSchema, UsernameBodySchema
} from '../../schemas/auth.js'
import { problems } from '../../schemas/problem.js'
import { codeSent } from './code-sent.js'
import { userContext } from './user-context.js'

const tags = ['sign-up']

const signup: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, config } = fastify

  /**
   * Confirms; an account that is already confirmed answers like a wrong code
   * (an unknown username does too), so confirmation cannot tell which
   * usernames exist, unless REVEAL_USER_EXISTENCE.
   */
  async function confirm (request: FastifyRequest, input: { username: string, code: string }): Promise<void> {
    try {
      await cognito.confirmSignUp({ ...input, context: userContext(request, config.publicUrl) })
    } catch (err) {
      if (!config.revealUserExistence && err instanceof ApiError && err.code === 'ALREADY_CONFIRMED') {
        throw new ApiError('CODE_MISMATCH', { cause: err })
      }
      throw err
    }
  }

  fastify.post('/auth/signup', {
    schema: {
      tags,
      summary: 'Create an account',
      description: 'Registers the user; Cognito sends a confirmation code to the e-mail (local mode: GET /local/messages).',
      body: SignUpBodySchema,
      response: { 201: SignUpResponseSchema, ...problems(409, 429, 502, 503) }
    }
  }, async (request, reply) => {
    const { username, password, email, attributes = {} } = request.body
    if (email !== undefined && attributes.email !== undefined && attributes.email !== email) {
      throw invalidFields([{ field: '/body/email', message: 'differs from attributes.email' }], 'email and attributes.email differ; send one.')
    }
    const result = await cognito.signUp({
      username,
      password,
      attributes: email === undefined ? attributes : { ...attributes, email },
      context: userContext(request, config.publicUrl)
    })
    return reply.code(201).send({ username, userSub: result.userSub, confirmed: result.confirmed, codeDelivery: result.codeDelivery })
  })

  fastify.post('/auth/signup/confirm', {
    schema: {
      tags,
      summary: 'Confirm an account with the code Cognito sent',
      body: ConfirmBodySchema,
      response: { 200: StatusResponseSchema, ...problems(409, 429, 502, 503) }
    }
  }, async (request) => {
    await confirm(request, request.body)
    return { status: 'confirmed' as const }
  })

  fastify.get('/auth/signup/confirm', {
    schema: {
      tags,
      summary: 'Confirm from the link in the confirmation e-mail',
      description: 'Confirms, then answers 303 to the configured page with ?status=confirmed, ' +
        'or ?error=<code> (e.g. CODE_MISMATCH, CODE_EXPIRED, ALREADY_CONFIRMED). Without a configured page it answers JSON.',
      querystring: ConfirmQuerySchema,
      response: { 200: StatusResponseSchema, 303: Type.Null({ description: 'Redirect to the confirmation page.' }), ...problems(409, 429, 502, 503) }
    }
  }, async (request, reply) => {
    const target = config.signupConfirmedUrl
    if (target === undefined) {
      await confirm(request, request.query)
      return { status: 'confirmed' as const }
    }
    const url = new URL(target)
    try {
      await confirm(request, request.query)
      url.searchParams.set('status', 'confirmed')
    } catch (err) {
      // A person followed the link: any 4xx (throttling included) is shown on the page; our failures stay 5xx.
      if (!(err instanceof ApiError) || err.statusCode >= 500) throw err
      url.searchParams.set('error', err.code)
    }
    return reply.redirect(url.href, 303)
  })

  fastify.post('/auth/signup/resend', {
    schema: {
      tags,
      summary: 'Send the confirmation code again',
      description: 'Answers 202 whether or not the user exists, unless REVEAL_USER_EXISTENCE is set.',
      body: UsernameBodySchema,
      response: { 202: StatusResponseSchema, ...problems(409, 429, 502, 503) }
    }
  }, async (request, reply) => {
    return reply.code(202).send(await codeSent(
      config.revealUserExistence,
      request.log,
      async () => await cognito.resendConfirmationCode({ ...request.body, context: userContext(request, config.publicUrl) })
    ))
  })
}

export default signup
