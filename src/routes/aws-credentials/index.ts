/**
 * Temporary AWS credentials from the identity pool (IDENTITY_POOL_ID): for the
 * signed-in user (`POST /me/aws-credentials`, their ID token under the user
 * pool's provider name) and, with IDENTITY_POOL_GUEST, for anyone
 * (`POST /aws-credentials/guest`). Without an identity pool (local mode
 * always) the user's route answers IDENTITY_POOL_NOT_CONFIGURED: no made-up
 * credentials. The credentials are only ever in this answer's body
 * (Cache-Control: no-store, as every answer): never a cookie, never a log line.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { AwsCredentials } from '../../cognito/identity-pool.js'
import { ApiError } from '../../errors/catalog.js'
import { signedIn } from '../../plugins/authenticate.js'
import { AwsCredentialsBodySchema, AwsCredentialsSchema } from '../../schemas/aws-credentials.js'
import { BODY_REFUSALS, ORIGIN_REFUSALS, problems, RATE_LIMIT_REFUSALS } from '../../schemas/problem.js'
import { json } from '../../schemas/responses.js'
import { limited } from '../auth/index.js'

const tags = ['aws-credentials']

/** What the identity pool's calls can answer, beyond the route's own refusals (cognito/identity-errors.ts). */
const IDENTITY_FAILURES = [
  'IDENTITY_POOL_MISCONFIGURED', 'UPSTREAM_THROTTLED', 'UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'INVALID_PARAMETER'
] as const

const NOT_CONFIGURED = 'No identity pool is configured (IDENTITY_POOL_ID), so no AWS credentials are handed out. Local mode has none: ' +
  'run against a real user pool (COGNITO_USER_POOL_ID) with an identity pool that lists it as a provider, and set IDENTITY_POOL_ID.'

const INVALID_TOKEN = { 'www-authenticate': 'Bearer error="invalid_token"' }

const answer = (credentials: AwsCredentials) => ({ ...credentials, expiration: credentials.expiration.toISOString() })

const awsCredentialsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { identityPool, tokenVerifier, sessions, config } = fastify

  const user: FastifyPluginAsyncTypebox = async (scope) => {
    // Before the guard: a deployment without an identity pool says so to anyone, signed in or not.
    scope.addHook('onRequest', async () => {
      if (identityPool === null) throw new ApiError('IDENTITY_POOL_NOT_CONFIGURED', { detail: NOT_CONFIGURED, publicDetail: true })
    })
    scope.addHook('onRequest', scope.requireUser)

    scope.post('/me/aws-credentials', {
      schema: {
        tags,
        operationId: 'getAwsCredentials',
        summary: 'Temporary AWS credentials for the signed-in user (identity pool)',
        description: 'The identity pool\'s enhanced flow (GetId, then GetCredentialsForIdentity) with the user\'s ID token: from the ' +
          'session cookie, or `idToken` in the body (token-in-body clients, with the access token as Bearer). `role`, one of the token\'s ' +
          '`cognito:roles`, picks the role. The credentials are in this body only (never a cookie, never logged); ask again before ' +
          '`expiration`. Without IDENTITY_POOL_ID (always in local mode): 501 IDENTITY_POOL_NOT_CONFIGURED.',
        security: [{ bearer: [] }, { cookie: [] }],
        body: AwsCredentialsBodySchema,
        response: {
          200: json(AwsCredentialsSchema, { description: 'The user\'s credentials.' }),
          ...problems([
            ...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...IDENTITY_FAILURES, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'NOT_PERMITTED', 'ROLE_NOT_ALLOWED',
            'IDENTITY_POOL_NOT_CONFIGURED'
          ], {
            notes: {
              TOKEN_INVALID: 'The access or ID token refused by this service (with WWW-Authenticate), or the ID token by the identity pool.',
              NOT_PERMITTED: 'The identity pool refused this user (e.g. the role asked for).'
            },
            headers: { 401: ['WwwAuthenticate'] }
          })
        }
      }
    }, async (request) => {
      const caller = signedIn(request).user
      const idToken = await verifiedIdToken(request, caller.sub, request.body?.idToken)
      const role = request.body?.role
      if (role !== undefined) {
        const roles = idToken.claims['cognito:roles']
        if (!Array.isArray(roles) || !roles.includes(role)) {
          throw new ApiError('ROLE_NOT_ALLOWED', { detail: 'The ID token\'s cognito:roles does not list that role.' })
        }
      }
      return answer(await identityPool!.credentialsForUser({ sub: caller.sub, idToken: idToken.raw }, role))
    })
  }
  await fastify.register(user)

  // Always in the contract; without IDENTITY_POOL_GUEST=true it answers 404 like an unknown route, before any call.
  const guestOn = identityPool !== null && config.identityPool?.guest === true
  // Anonymous, and a new identity each time: under the sign-up budget per client address.
  await fastify.register(limited('aws-guest', config.rateLimits.signUp, async function guest (scope) {
    scope.post('/aws-credentials/guest', {
      schema: {
        tags,
        operationId: 'getGuestAwsCredentials',
        summary: 'Temporary AWS credentials for a guest (identity pool)',
        description: 'The identity pool\'s unauthenticated (guest) role, by the enhanced flow without a login: a new identity each call. ' +
          'Only with IDENTITY_POOL_GUEST=true; otherwise 404 NOT_FOUND. Rate-limited per client address like sign-up.',
        response: {
          200: json(AwsCredentialsSchema, { description: 'A guest\'s credentials.' }),
          // No body is needed, but one sent is parsed: a malformed or non-JSON one is refused.
          ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...IDENTITY_FAILURES, 'NOT_FOUND'], {
            notes: { NOT_FOUND: 'Guest credentials are off (IDENTITY_POOL_GUEST).' }
          })
        }
      }
    }, async () => {
      if (!guestOn) throw new ApiError('NOT_FOUND')
      return answer(await identityPool!.guestCredentials())
    })
  }))

  /** The caller's ID token (body, else the session cookie), verified as every ID token is, and the same user as the access token. */
  async function verifiedIdToken (request: FastifyRequest, sub: string, fromBody: string | undefined) {
    const raw = fromBody ?? sessions.presentedIdToken(request)
    if (raw === undefined) {
      throw new ApiError('UNAUTHENTICATED', {
        detail: 'Send the ID token as idToken in the body, or sign in with the session cookie.', headers: { 'www-authenticate': 'Bearer' }
      })
    }
    const verification = await tokenVerifier.verify(raw, 'id')
    if (!verification.ok) {
      if (verification.refusal === 'unavailable') throw new ApiError('UPSTREAM_UNAVAILABLE', { cause: verification.cause, retryAfter: 1 })
      request.log.debug({ reason: verification.refusal }, 'ID token refused')
      throw new ApiError('TOKEN_INVALID', { detail: 'The ID token is refused; sign in again.', headers: INVALID_TOKEN })
    }
    if (verification.token.sub !== sub) {
      throw new ApiError('TOKEN_INVALID', { detail: 'The ID token is not the signed-in user\'s.', headers: INVALID_TOKEN })
    }
    return { raw, claims: verification.token.claims }
  }
}

export default awsCredentialsRoutes
