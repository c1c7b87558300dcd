/** GET /me/auth-factors: how the signed-in user can sign in (for a sign-in or settings page). Inside the /me scope. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuthFactorsSchema } from '../../schemas/helpdesk.js'
import { COGNITO_FAILURES, problems } from '../../schemas/problem.js'
import { json } from '../../schemas/responses.js'
import { signedIn } from '../../plugins/authenticate.js'

const authFactors: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/me/auth-factors', {
    schema: {
      tags: ['me'],
      operationId: 'getMyAuthFactors',
      summary: 'How the signed-in user can sign in',
      description: 'The sign-in factors the user has set up (PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN) and their MFA methods ' +
        '(GetUserAuthFactors): what a sign-in page can offer them.',
      security: [{ bearer: [] }, { cookie: [] }],
      response: {
        200: json(AuthFactorsSchema, { description: 'The user\'s factors.' }),
        ...problems([
          ...COGNITO_FAILURES, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'INSUFFICIENT_SCOPE', 'INVALID_PARAMETER', 'USER_NOT_CONFIRMED',
          'PASSWORD_RESET_REQUIRED'
        ], {
          notes: { TOKEN_INVALID: 'Refused by this service (with WWW-Authenticate), or by Cognito (revoked there).' },
          headers: { 401: ['WwwAuthenticate'], 403: ['WwwAuthenticate'] }
        })
      }
    }
  }, async (request) => await fastify.cognito.getAuthFactors(signedIn(request).accessToken))
}

export default authFactors
