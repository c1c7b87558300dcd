import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ApiError } from '../../errors/catalog.js'
import { ChallengeBodySchema, LoginBodySchema, LoginResponseSchema, LogoutBodySchema, RefreshBodySchema, AuthenticatedSchema } from '../../schemas/auth.js'
import { problems } from '../../schemas/problem.js'
import { challengeResponses } from './challenge-responses.js'
import { authenticated, signInAnswer } from './session-response.js'

const tags = ['session']

const session: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, sessionCookies, tokenVerifier, store } = fastify

  fastify.post('/auth/login', {
    schema: {
      tags,
      summary: 'Sign in with username and password',
      description: 'Answers either `status: "authenticated"` (cookies set, or tokens in the body with tokenDelivery "body") or `status: "challenge"` with what to send next. Wrong password and unknown user get the same INVALID_CREDENTIALS.',
      body: LoginBodySchema,
      response: { 200: LoginResponseSchema, ...problems(401, 403, 429, 502, 503) }
    }
  }, async (request, reply) => {
    const { username, password, tokenDelivery = 'cookie' } = request.body
    return signInAnswer(fastify, reply, await cognito.passwordLogin({ username, password }), username, tokenDelivery)
  })

  fastify.post('/auth/challenge', {
    schema: {
      tags,
      summary: 'Answer a sign-in challenge',
      description: 'Send the challenge name and session from login with the fields it listed in respondWith (newPassword, code, mfaType, answer, attributes.<name>). Answers like login: authenticated, or the next challenge.',
      body: ChallengeBodySchema,
      response: { 200: LoginResponseSchema, ...problems(401, 403, 429, 502, 503) }
    }
  }, async (request, reply) => {
    const { username, challenge: name, session, tokenDelivery = 'cookie' } = request.body
    const result = await cognito.respondToChallenge({ username, challenge: name, session, responses: challengeResponses(request.body) })
    return signInAnswer(fastify, reply, result, username, tokenDelivery)
  })

  fastify.post('/auth/refresh', {
    schema: {
      tags,
      summary: 'New access and ID tokens from the refresh token',
      description: 'Browsers send no body: the refresh cookie is used and cookies are renewed (never tokens in the body, whatever tokenDelivery says). Other clients send { refreshToken } and get tokens in the body.',
      body: RefreshBodySchema,
      response: { 200: AuthenticatedSchema, ...problems(401, 429, 502, 503) }
    }
  }, async (request, reply) => {
    const body = request.body
    const fromCookie = body.refreshToken === undefined ? sessionCookies.refresh(request) : undefined
    const refreshToken = body.refreshToken ?? fromCookie?.refreshToken
    if (refreshToken === undefined) throw new ApiError('UNAUTHENTICATED', { detail: 'No refresh token: sign in, or send { "refreshToken": "..." }.' })
    if (body.refreshToken !== undefined && body.username === undefined && cognito.hasClientSecret) {
      throw new ApiError('VALIDATION_FAILED', { detail: 'username is required with refreshToken (the app client has a secret).', errors: [{ field: '/body/username', message: 'is required' }] })
    }
    // A cookie session stays a cookie session: page script must never be able to read its tokens.
    const delivery = fromCookie ? 'cookie' : body.tokenDelivery ?? 'body'
    try {
      const tokens = await cognito.refresh({ refreshToken, username: body.username ?? fromCookie?.username })
      // The refresh token stays the same: the cookie gets it again with the new tokens.
      return authenticated(fastify, reply, { ...tokens, refreshToken: tokens.refreshToken ?? (delivery === 'cookie' ? refreshToken : undefined) }, delivery)
    } catch (err) {
      // A refresh token Cognito refuses is a dead session: drop its cookies too.
      if (fromCookie && err instanceof ApiError && err.code === 'SESSION_EXPIRED') sessionCookies.clear(reply)
      throw err
    }
  })

  fastify.post('/auth/logout', {
    schema: {
      tags,
      summary: 'Sign out: revoke the refresh token and clear the cookies',
      description: 'Revokes the refresh token (cookie or body) at Cognito, so it cannot mint new tokens, and refuses the presented access token from now on. Idempotent: answers 204 even when there was no session.',
      body: LogoutBodySchema,
      response: { 204: Type.Null({ description: 'Signed out; session cookies cleared.' }), ...problems(502, 503) }
    }
  }, async (request, reply) => {
    const refreshToken = request.body.refreshToken ?? sessionCookies.refresh(request)?.refreshToken
    let accessToken: string | undefined
    try {
      accessToken = fastify.presentedAccessToken(request)
    } catch {
      // A malformed Authorization header has nothing to revoke.
    }
    sessionCookies.clear(reply)

    if (accessToken !== undefined) {
      const user = await tokenVerifier.verify(accessToken, 'access').catch(() => undefined)
      if (user?.jti !== undefined) await store.revokeToken(user.jti, user.exp)
    }
    if (refreshToken !== undefined) {
      try {
        await cognito.revokeRefreshToken(refreshToken)
      } catch (err) {
        // An already revoked or foreign token leaves nothing to do; an outage must be reported.
        if (!(err instanceof ApiError) || err.statusCode >= 500) throw err
        request.log.debug({ code: err.code }, 'refresh token not revoked')
      }
    }
    return reply.code(204).send(null)
  })
}

export default session
