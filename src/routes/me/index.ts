import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { MeResponseSchema } from '../../schemas/me.js'
import { COGNITO_FAILURES, problems } from '../../schemas/problem.js'
import { json } from '../../schemas/responses.js'
import account from './account.js'
import authFactors from './auth-factors.js'
import passkeys from './passkeys.js'
import sessions from './sessions.js'
import mfa from './mfa.js'
import { signedIn } from '../../plugins/authenticate.js'
import { readableOnly } from '../../session/pool-settings.js'

const tags = ['me']
const USER_ADMIN_SCOPE = 'aws.cognito.signin.user.admin'

/** Signed-in self-service. Every route here sits behind requireUser. */
const meRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('onRequest', fastify.requireUser)
  // Every user-self operation at Cognito (GetUser, UpdateUserAttributes...) needs this scope; hosted-UI
  // and social sign-ins often lack it, and Cognito's refusal would look like an expired session.
  fastify.addHook('onRequest', fastify.requireScope(USER_ADMIN_SCOPE))
  await fastify.register(account)
  await fastify.register(passkeys)
  await fastify.register(sessions)
  await fastify.register(mfa)
  await fastify.register(authFactors)

  fastify.get('/me', {
    schema: {
      tags,
      operationId: 'getMe',
      summary: 'Who is signed in: verified identity plus current attributes',
      description: 'The verified identity from the access token (sub, username, groups, scopes) with the user\'s current attributes from ' +
        'Cognito; needs the aws.cognito.signin.user.admin scope, as every /me route does.',
      response: {
        200: json(MeResponseSchema, { description: 'The signed-in user.' }),
        ...problems([
          ...COGNITO_FAILURES, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'INSUFFICIENT_SCOPE',
          'INVALID_PARAMETER', 'USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED'
        ], {
          notes: {
            TOKEN_INVALID: 'Refused by this service (with WWW-Authenticate), or by Cognito (revoked there).',
            UPSTREAM_UNAVAILABLE: 'Cognito, or the pool\'s signing keys (JWKS), cannot be reached.'
          },
          headers: { 401: ['WwwAuthenticate'], 403: ['WwwAuthenticate'] }
        })
      }
    }
  }, async (request) => {
    const caller = signedIn(request)
    const { user } = caller
    const profile = await fastify.userProfiles.read(caller)
    return {
      username: profile.username || user.username,
      sub: user.sub,
      groups: user.groups,
      scope: user.scope,
      // Only what the app client may read (its ReadAttributes), as Cognito's own answer to the client would be.
      attributes: readableOnly(fastify.userPool.settings, profile.attributes),
      mfa: profile.mfa,
      tokenExpiresAt: new Date(user.exp * 1000).toISOString()
    }
  })
}

export default meRoutes
