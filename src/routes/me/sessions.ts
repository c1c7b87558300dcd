/**
 * The signed-in user's sessions as Cognito tracks them (session tracking on
 * for the pool): the list, every device's sign-in with the current one marked,
 * and revoking one of the others ("sign that device out"). Registered inside
 * the /me scope: requireUser and the aws.cognito.signin.user.admin scope have
 * run. Listing records which session the caller's tokens belong to
 * (session/session-links.ts): that is how a later revocation of it, from
 * another device, makes every instance refuse its tokens.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { UserSession } from '../../cognito/gateway.js'
import { ApiError } from '../../errors/catalog.js'
import { signedIn, type SignedIn } from '../../plugins/authenticate.js'
import { COGNITO_FAILURES, ORIGIN_REFUSALS, problems, QUERY_REFUSALS } from '../../schemas/problem.js'
import { json } from '../../schemas/responses.js'
import { SessionListSchema, SessionParamsSchema, SessionRevokedSchema } from '../../schemas/sessions.js'
import { createSessionLinks } from '../../session/session-links.js'

const tags = ['me']
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }]

/** What both routes can answer: the guard's refusals, Cognito's account state, and a pool without session tracking. */
const SESSION_ROUTE = [
  ...COGNITO_FAILURES, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'INSUFFICIENT_SCOPE', 'PASSWORD_RESET_REQUIRED', 'USER_NOT_CONFIRMED',
  'INVALID_PARAMETER', 'USER_NOT_FOUND', 'NOT_PERMITTED', 'TOO_MANY_ATTEMPTS', 'SESSION_TRACKING_OFF'
] as const
const OPTIONS = {
  notes: {
    TOKEN_INVALID: 'Refused by this service (with WWW-Authenticate), or by Cognito (revoked there).',
    SESSION_TRACKING_OFF: 'The user pool does not track sessions; the detail says how to turn it on.'
  },
  headers: { 401: ['WwwAuthenticate' as const], 403: ['WwwAuthenticate' as const] }
}

const sessions: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito } = fastify
  const links = createSessionLinks(fastify.store, () => fastify.userPool.settings.refreshLifetimeSeconds)

  /** Every session of the caller; the current one is recorded against the caller's tokens' origin_jti. */
  async function listed (caller: SignedIn): Promise<UserSession[]> {
    const list = await cognito.listSessions(caller.accessToken)
    const current = list.find(s => s.current)
    if (current !== undefined && caller.user.originJti !== undefined) await links.record(caller.user.sub, current.sessionId, caller.user.originJti)
    return list
  }

  fastify.get('/me/sessions', {
    schema: {
      tags,
      operationId: 'listSessions',
      summary: 'The signed-in user\'s sessions',
      description: 'Every active session of the user, across the pool\'s app clients, as Cognito tracks them (ListUserSessions, ' +
        'every page): device, last activity, IP address and location as Cognito gives them; `current` marks this one. ' +
        'Needs session tracking on for the pool.',
      security,
      response: {
        200: json(SessionListSchema, { description: 'The sessions.' }),
        ...problems([...SESSION_ROUTE], OPTIONS)
      }
    }
  }, async (request) => ({ sessions: await listed(signedIn(request)) }))

  fastify.delete('/me/sessions/:sessionId', {
    schema: {
      tags,
      operationId: 'revokeSession',
      summary: 'Sign another device out',
      description: 'Revokes one of the user\'s other sessions (RevokeUserSession): its refresh and access tokens stop working at ' +
        'Cognito, and this service refuses its tokens on every instance when it knows them (`tokensRevoked`). ' +
        'The current session is not revoked here: that is a sign-out (POST /auth/logout).',
      security,
      params: SessionParamsSchema,
      response: {
        200: json(SessionRevokedSchema, { description: 'Revoked.' }),
        ...problems([...QUERY_REFUSALS, ...ORIGIN_REFUSALS, ...SESSION_ROUTE, 'SESSION_NOT_FOUND', 'CURRENT_SESSION'], OPTIONS)
      }
    }
  }, async (request) => {
    const caller = signedIn(request)
    const { sessionId } = request.params
    const target = (await listed(caller)).find(s => s.sessionId === sessionId)
    if (target === undefined) throw new ApiError('SESSION_NOT_FOUND')
    if (target.current) {
      throw new ApiError('CURRENT_SESSION', { detail: 'This is the session the request was made with: sign out instead (POST /auth/logout).' })
    }
    await cognito.revokeSession(caller.accessToken, sessionId)
    return { status: 'revoked' as const, tokensRevoked: await links.revoke(caller.user.sub, sessionId) }
  })
}

export default sessions
