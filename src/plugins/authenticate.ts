/**
 * The signed-in guard. Route groups that need a user register `requireUser`
 * as an onRequest hook on their own scope. The access token comes from
 * `Authorization: Bearer` or the session cookie, and the verifier's answer
 * (signature, claims, client, token use, revocation) decides before any
 * handler can pass the token on to Cognito. Handlers take the caller with
 * `signedIn(request)`: typed, no assertion, and refused (never trusted) in a
 * scope that forgot the guard.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError } from '../errors/catalog.js'
import type { VerifiedToken } from '../verify/verifier.js'
import { guard, type SecurityRequirement } from './openapi-security.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by requireUser. */
    user: VerifiedToken | null
    /** The raw access token the caller presented; set by requireUser. */
    accessToken: string | null
  }
  interface FastifyInstance {
    requireUser: (request: FastifyRequest) => Promise<void>
    /** A hook (after requireUser) refusing a token without `scope`, before anything is asked of Cognito. */
    requireScope: (scope: string) => (request: FastifyRequest) => Promise<void>
  }
}

/** The caller requireUser verified, and the access token it presented (for Cognito's user-self calls). */
export interface SignedIn {
  user: VerifiedToken
  accessToken: string
}

const SIGN_IN = 'Sign in, or send Authorization: Bearer <access token>.'

/** What requireUser lets in (the document's security): an access token as a Bearer header, or the session cookie. */
export const SIGNED_IN_SECURITY: SecurityRequirement[] = [{ bearer: [] }, { cookie: [] }]

/** The caller requireUser verified on this route's scope; UNAUTHENTICATED when no guard ran (nobody was verified). */
export function signedIn (request: FastifyRequest): SignedIn {
  const { user, accessToken } = request
  if (user === null || accessToken === null) {
    throw new ApiError('UNAUTHENTICATED', { detail: SIGN_IN, headers: { 'www-authenticate': 'Bearer' } })
  }
  return { user, accessToken }
}

/** RFC 6750: a refused Bearer token says so in WWW-Authenticate (what to fix is in the problem, not here). */
const INVALID_TOKEN = { 'www-authenticate': 'Bearer error="invalid_token"' }
const insufficientScope = (scope: string) => ({ 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` })

export default fp(async function authenticate (fastify: FastifyInstance) {
  fastify.decorateRequest('user', null)
  fastify.decorateRequest('accessToken', null)

  fastify.decorate('requireUser', guard(async function requireUser (request: FastifyRequest) {
    const token = fastify.sessions.presentedAccessToken(request)
    if (token === undefined) {
      throw new ApiError('UNAUTHENTICATED', { detail: SIGN_IN, headers: { 'www-authenticate': 'Bearer' } })
    }
    const verification = await fastify.tokenVerifier.verify(token, 'access')
    if (!verification.ok) {
      // An outage is not the caller's fault; which check failed is for the log only.
      if (verification.refusal === 'unavailable') throw new ApiError('UPSTREAM_UNAVAILABLE', { cause: verification.cause, retryAfter: 1 })
      request.log.debug({ reason: verification.refusal }, 'access token refused')
      throw new ApiError('TOKEN_INVALID', { headers: INVALID_TOKEN })
    }
    request.user = verification.token
    request.accessToken = token
  }, SIGNED_IN_SECURITY))

  fastify.decorate('requireScope', (scope: string) => async function requireScope (request: FastifyRequest) {
    // A 403, not a 401: signing in again the same way gives the same token, and an SPA would loop.
    if (request.user?.scope.includes(scope) !== true) {
      throw new ApiError('INSUFFICIENT_SCOPE', {
        detail: `The access token lacks the ${scope} scope; request it at sign-in.`,
        headers: insufficientScope(scope)
      })
    }
  })
}, { name: 'authenticate', dependencies: ['sessions', 'token-verifier'] })
