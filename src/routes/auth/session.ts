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
import { invalidFields } from '../../errors/catalog.js'
import { ChoiceLoginBodySchema } from '../../schemas/passwordless.js'
import { challengeResponses } from './challenge-responses.js'
import { completeMfaSetup, mfaSetupAnswer, withMfaSetup } from './mfa-setup.js'
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

/** USER_AUTH: a password sent without a preference means the password is the first factor. */
const passwordFirst = (password: string | undefined) => password === undefined ? undefined : 'PASSWORD' as const

const session: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, sessions } = fastify

  // Choice-based sign-in takes a username alone, or a preferred first factor: the body's schema follows the flow.
  const choice = fastify.config.cognito.loginFlow === 'USER_AUTH'

  fastify.post('/auth/login', {
    schema: {
      tags,
      operationId: 'login',
      summary: 'Sign in with username and password',
      description: 'Answers either `status: "authenticated"` (cookies set, or tokens in the body with tokenDelivery "body") ' +
        'or `status: "challenge"` with what to send next. Wrong password and unknown user get the same INVALID_CREDENTIALS. ' +
        'With LOGIN_FLOW=USER_AUTH (choice-based sign-in) the password is optional and `preferredChallenge` ' +
        '(PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN) may name the first factor; a username alone answers the SELECT_CHALLENGE challenge.',
      body: (choice ? ChoiceLoginBodySchema : LoginBodySchema) as typeof ChoiceLoginBodySchema,
      response: {
        200: json(LoginResponseSchema, { description: SIGNED_IN, headers: ['SetSessionCookies'] }),
        ...problems([
          ...SIGN_IN_ROUTE, 'INVALID_PARAMETER', 'MFA_NOT_SET_UP', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS',
          'USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED', 'TEMPORARY_PASSWORD_EXPIRED', 'CODE_DELIVERY_FAILED', 'SIGN_IN_RESTART'
        ], { notes: { SIGN_IN_RESTART: 'MFA_SETUP: Cognito refused the new sign-in session while the authenticator was being prepared.' } })
      }
    }
  }, async (request, reply) => {
    const { username, password, preferredChallenge, tokenDelivery = 'cookie' } = request.body
    const context = userContext(request, fastify.config.publicUrl)
    if (preferredChallenge === 'PASSWORD' && password === undefined) {
      throw invalidFields([{ field: '/body/password', message: 'is required' }], 'preferredChallenge PASSWORD needs password.')
    }
    const result = await fastify.accountLimits.attempt('sign-in', { username, address: request.ip }, () => choice
      ? cognito.choiceLogin({ username, password, preferredChallenge: preferredChallenge ?? passwordFirst(password), context })
      // The schema of the other flows requires the password.
      : cognito.passwordLogin({ username, password: password as string, context }))
    // Outside the budget: a SIGN_IN_RESTART here is Cognito refusing the session it gave this request, never a caller's guess.
    const step = await withMfaSetup(fastify, result, username)
    return signInAnswer(sessions, reply, step.result, username, tokenDelivery, step.setup)
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
          'SIGN_IN_RESTART', 'USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED', 'ALIAS_EXISTS', 'CODE_DELIVERY_FAILED', 'INVALID_CREDENTIALS'
        ], { notes: { SIGN_IN_RESTART: 'The session is not this service\'s for this user and challenge, has expired, or Cognito refused it.' } })
      }
    }
  }, async (request, reply) => {
    const { username, challenge: name, session, tokenDelivery = 'cookie' } = request.body
    // MFA_SETUP is answered in steps of its own (routes/auth/mfa-setup.ts), with the first code of the new authenticator.
    const setUp = name === 'MFA_SETUP' ? mfaSetupAnswer(request.body) : undefined
    const responses = setUp === undefined ? challengeResponses(request.body, sessions.challenges.offered(session)) : {}
    const context = userContext(request, fastify.config.publicUrl)
    // A made-up session counts as a failed attempt too: it is how a takeover would be tried.
    const result = await fastify.accountLimits.attempt('sign-in', { username, address: request.ip }, async () => {
      const cognitoSession = sessions.challenges.open(session, { username, challenge: name })
      if (setUp !== undefined) return await completeMfaSetup(fastify, { username, session: cognitoSession, ...setUp, context })
      return await cognito.respondToChallenge({ username, challenge: name, session: cognitoSession, responses, context })
    })
    const step = await withMfaSetup(fastify, result, username)
    return signInAnswer(sessions, reply, step.result, username, tokenDelivery, step.setup)
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
