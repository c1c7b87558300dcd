import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  ChallengeBodySchema,
  LoginBodySchema,
  LoginResponseSchema,
  LogoutBodySchema,
  RefreshBodySchema,
  AuthenticatedSchema
} from '../../schemas/auth.js'
import { problems } from '../../schemas/problem.js'
import { challengeResponses } from './challenge-responses.js'
import { signInAnswer } from './session-response.js'
import { userContext } from './user-context.js'

const tags = ['session']

const session: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, sessions } = fastify

  fastify.post('/auth/login', {
    schema: {
      tags,
      summary: 'Sign in with username and password',
      description: 'Answers either `status: "authenticated"` (cookies set, or tokens in the body with tokenDelivery "body") ' +
        'or `status: "challenge"` with what to send next. Wrong password and unknown user get the same INVALID_CREDENTIALS.',
      body: LoginBodySchema,
      response: { 200: LoginResponseSchema, ...problems(401, 403, 429, 502, 503) }
    }
  }, async (request, reply) => {
    const { username, password, tokenDelivery = 'cookie' } = request.body
    const result = await cognito.passwordLogin({ username, password, context: userContext(request, fastify.config.publicUrl) })
    return signInAnswer(sessions, reply, result, username, tokenDelivery)
  })

  fastify.post('/auth/challenge', {
    schema: {
      tags,
      summary: 'Answer a sign-in challenge',
      description: 'Send the challenge name and session from login with the fields it listed in respondWith ' +
        '(newPassword, code, mfaType, answer, attributes.<name>). Answers like login: authenticated, or the next challenge.',
      body: ChallengeBodySchema,
      response: { 200: LoginResponseSchema, ...problems(401, 403, 429, 502, 503) }
    }
  }, async (request, reply) => {
    const { username, challenge: name, session, tokenDelivery = 'cookie' } = request.body
    const responses = challengeResponses(request.body)
    const cognitoSession = sessions.challenges.open(session, { username, challenge: name })
    const context = userContext(request, fastify.config.publicUrl)
    const result = await cognito.respondToChallenge({ username, challenge: name, session: cognitoSession, responses, context })
    return signInAnswer(sessions, reply, result, username, tokenDelivery)
  })

  fastify.post('/auth/refresh', {
    schema: {
      tags,
      summary: 'New access and ID tokens from the refresh token',
      description: 'Browsers send no body: the refresh cookie is used and cookies are renewed ' +
        '(never tokens in the body, whatever tokenDelivery says). Other clients send { refreshToken } and get tokens in the body.',
      body: RefreshBodySchema,
      response: { 200: AuthenticatedSchema, ...problems(401, 429, 502, 503) }
    }
  }, async (request, reply) => await sessions.refresh(request, reply, request.body))

  fastify.post('/auth/logout', {
    schema: {
      tags,
      summary: 'Sign out: revoke the refresh token and clear the cookies',
      description: 'Revokes the refresh token (cookie or body) at Cognito, so it cannot mint new tokens, ' +
        'and refuses the presented access token from now on. Idempotent: answers 204 even when there was no session.',
      body: LogoutBodySchema,
      response: { 204: Type.Null({ description: 'Signed out; session cookies cleared.' }), ...problems(502, 503) }
    }
  }, async (request, reply) => {
    await sessions.end(request, reply, request.body)
    return reply.code(204).send(null)
  })
}

export default session
