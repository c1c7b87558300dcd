import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ChallengeBodySchema,
  LoginBodySchema,
  LoginResponseSchema,
  LogoutBodySchema,
  RefreshBodySchema,
  AuthenticatedSchema
} from '../../schemas/auth.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, problems, RATE_LIMIT_REFUSALS } from '../../schemas/problem.js'
import { empty, json } from '../../schemas/responses.js'
import { challengeResponses } from './challenge-responses.js'
import { signInAnswer } from './session-response.js'
import { userContext } from './user-context.js'

const tags = ['session']

/** Every sign-in route: a body, the origin check, the rate limit and a call to Cognito. */
const SIGN_IN_ROUTE = [...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES] as const
/** Logout clears the cookies before it asks Cognito to revoke: a failure there still ends the browser's session. */
const MAYBE_CLEARED = {
  header: 'ClearSessionCookies',
  required: false,
  description: 'Clears the session cookies when the failure came after they were cleared (revoking at Cognito).'
} as const
const SIGNED_IN = 'Signed in (`status: "authenticated"`: session cookies set, or the tokens in the body with tokenDelivery "body"), ' +
  'or the next challenge (`status: "challenge"`).'

const session: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, sessions } = fastify

  fastify.post('/auth/login', {
    schema: {
      tags,
      operationId: 'login',
      summary: 'Sign in with username and password',
      description: 'Answers either `status: "authenticated"` (cookies set, or tokens in the body with tokenDelivery "body") ' +
        'or `status: "challenge"` with what to send next. Wrong password and unknown user get the same INVALID_CREDENTIALS.',
      body: LoginBodySchema,
      response: {
        200: json(LoginResponseSchema, { description: SIGNED_IN, headers: ['SetSessionCookies'] }),
        ...problems([
          ...SIGN_IN_ROUTE, 'INVALID_PARAMETER', 'MFA_NOT_SET_UP', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS',
          'USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED', 'TEMPORARY_PASSWORD_EXPIRED', 'CODE_DELIVERY_FAILED'
        ])
      }
    }
  }, async (request, reply) => {
    const { username, password, tokenDelivery = 'cookie' } = request.body
    const context = userContext(request, fastify.config.publicUrl)
    const result = await fastify.accountLimits.attempt('sign-in', username, () => cognito.passwordLogin({ username, password, context }))
    return signInAnswer(sessions, reply, result, username, tokenDelivery)
  })

  fastify.post('/auth/challenge', {
    schema: {
      tags,
      operationId: 'answerChallenge',
      summary: 'Answer a sign-in challenge',
      description: 'Send the challenge name and session from login with the fields it listed in respondWith ' +
        '(newPassword, code, mfaType, answer, attributes.<name>). Answers like login: authenticated, or the next challenge.',
      body: ChallengeBodySchema,
      response: {
        200: json(LoginResponseSchema, { description: SIGNED_IN, headers: ['SetSessionCookies'] }),
        ...problems([
          ...SIGN_IN_ROUTE, 'CODE_MISMATCH', 'CODE_EXPIRED', 'INVALID_PARAMETER', 'INVALID_PASSWORD', 'MFA_NOT_SET_UP', 'TOO_MANY_ATTEMPTS',
          'SIGN_IN_RESTART', 'USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED', 'ALIAS_EXISTS', 'CODE_DELIVERY_FAILED'
        ], { notes: { SIGN_IN_RESTART: 'The session is not this service\'s for this user and challenge, has expired, or Cognito refused it.' } })
      }
    }
  }, async (request, reply) => {
    const { username, challenge: name, session, tokenDelivery = 'cookie' } = request.body
    const responses = challengeResponses(request.body)
    const context = userContext(request, fastify.config.publicUrl)
    // A made-up session counts as a failed attempt too: it is how a takeover would be tried.
    const result = await fastify.accountLimits.attempt('sign-in', username, async () => {
      const cognitoSession = sessions.challenges.open(session, { username, challenge: name })
      return await cognito.respondToChallenge({ username, challenge: name, session: cognitoSession, responses, context })
    })
    return signInAnswer(sessions, reply, result, username, tokenDelivery)
  })

  fastify.post('/auth/refresh', {
    schema: {
      tags,
      operationId: 'refresh',
      summary: 'New access and ID tokens from the refresh token',
      description: 'Browsers send no body: the refresh cookie is used and cookies are renewed ' +
        '(never tokens in the body, whatever tokenDelivery says). Other clients send { refreshToken } and get tokens in the body.',
      body: RefreshBodySchema,
      response: {
        200: json(AuthenticatedSchema, {
          description: 'New tokens: in renewed session cookies, or in the body.',
          headers: [{ header: 'SetSessionCookies', description: 'The renewed session cookies, when the refresh token came from the cookie.' }]
        }),
        ...problems([
          ...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES,
          'UNAUTHENTICATED', 'SESSION_EXPIRED', 'INVALID_PARAMETER', 'USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED', 'CODE_DELIVERY_FAILED'
        ], {
          notes: { UNAUTHENTICATED: 'No refresh token: neither in the body nor in the cookie.' },
          headers: {
            401: [{
              header: 'ClearSessionCookies',
              required: false,
              description: 'Clears the session cookies when Cognito refused the refresh cookie\'s token.'
            }]
          }
        })
      }
    }
  }, async (request, reply) => await sessions.refresh(request, reply, request.body))

  fastify.post('/auth/logout', {
    schema: {
      tags,
      operationId: 'logout',
      summary: 'Sign out: revoke the refresh token and clear the cookies',
      description: 'Revokes the refresh token (cookie or body) at Cognito, so it cannot mint new tokens, ' +
        'and refuses the presented access token from now on. Idempotent: answers 204 even when there was no session.',
      body: LogoutBodySchema,
      response: {
        204: empty({ description: 'Signed out; session cookies cleared.', headers: ['ClearSessionCookies'] }),
        ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES], {
          headers: Object.fromEntries([429, 500, 502, 503].map(status => [status, [MAYBE_CLEARED]]))
        })
      }
    }
  }, async (request, reply) => {
    await sessions.end(request, reply, request.body)
    return reply.code(204).send(null)
  })
}

export default session
