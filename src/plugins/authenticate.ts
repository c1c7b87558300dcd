/**
 * The signed-in guard. Route groups that need a user register `requireUser`
 * as an onRequest hook on their own scope. The access token comes from
 * `Authorization: Bearer` or the session cookie and is verified locally
 * (signature, issuer, expiry, client, token use, revocation) before any
 * handler can pass it on to Cognito.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError } from '../errors/catalog.js'
import type { VerifiedToken } from '../tokens/verifier.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by requireUser. */
    user: VerifiedToken | null
    /** The raw access token the caller presented; set by requireUser. */
    accessToken: string | null
  }
  interface FastifyInstance {
    requireUser: (request: FastifyRequest) => Promise<void>
    /** The presented access token (Bearer first, then cookie), unverified. */
    presentedAccessToken: (request: FastifyRequest) => string | undefined
  }
}

export default fp(async function authenticate (fastify: FastifyInstance) {
  fastify.decorateRequest('user', null)
  fastify.decorateRequest('accessToken', null)

  const presentedAccessToken = (request: FastifyRequest): string | undefined => {
    const header = request.headers.authorization
    if (header !== undefined) {
      const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/i.exec(header.trim())
      if (!match) throw new ApiError('TOKEN_INVALID', { detail: 'The Authorization header must be "Bearer <access token>".' })
      return match[1]
    }
    return fastify.sessionCookies.accessToken(request)
  }
  fastify.decorate('presentedAccessToken', presentedAccessToken)

  fastify.decorate('requireUser', async function requireUser (request: FastifyRequest) {
    const token = presentedAccessToken(request)
    if (token === undefined) throw new ApiError('UNAUTHENTICATED', { detail: 'Sign in, or send Authorization: Bearer <access token>.' })
    let user: VerifiedToken
    try {
      user = await fastify.tokenVerifier.verify(token, 'access')
    } catch (err) {
      if (err instanceof ApiError) throw err
      // The reason (expired, wrong issuer, bad signature) is for the log only.
      request.log.debug({ reason: (err as Error).name }, 'access token refused')
      throw new ApiError('TOKEN_INVALID')
    }
    if (user.jti !== undefined && await fastify.store.isTokenRevoked(user.jti)) {
      request.log.debug({ reason: 'revoked' }, 'access token refused')
      throw new ApiError('TOKEN_INVALID')
    }
    request.user = user
    request.accessToken = token
  })
}, { name: 'authenticate', dependencies: ['session-cookies', 'token-verifier', 'store'] })
