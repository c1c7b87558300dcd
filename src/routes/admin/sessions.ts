/**
 * /admin/users/{username}/sessions: a user's sessions as Cognito tracks them,
 * and revoking one (a lost device, a session that is not theirs). Registered
 * inside the admin scope: the caller is a verified admin; the audit names the
 * action and the user. A revoked session's tokens are refused by every
 * instance when this service knows them (session/session-links.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ADMIN_CHANGE, adminRoute, USER_OPERATION, UsernameParamsSchema } from '../../schemas/admin.js'
import { json } from '../../schemas/responses.js'
import { SessionListSchema, SessionRevokedSchema, UserSessionParamsSchema } from '../../schemas/sessions.js'
import { createSessionLinks } from '../../session/session-links.js'

/** What AdminListUserSessions and AdminRevokeUserSession can answer (error-table.ts, AdminSessions). */
const SESSION_OPERATION = ['USER_NOT_FOUND', 'INVALID_PARAMETER', 'NOT_PERMITTED', 'SESSION_TRACKING_OFF'] as const
const NOTES = { SESSION_TRACKING_OFF: 'The user pool does not track sessions; the detail says how to turn it on.' }

const sessions: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito } = fastify
  const links = createSessionLinks(fastify.store, () => fastify.userPool.settings.refreshLifetimeSeconds)

  fastify.get('/admin/users/:username/sessions', {
    config: { audit: 'user.sessions' },
    schema: adminRoute({
      operationId: 'adminListSessions',
      summary: 'A user\'s sessions',
      description: 'Every active session of the user (AdminListUserSessions, every page): device, last activity, IP address and ' +
        'location as Cognito gives them. Needs session tracking on for the pool.',
      params: UsernameParamsSchema,
      response: { 200: json(SessionListSchema, { description: 'The sessions (none is `current`).' }) },
      refusals: [...SESSION_OPERATION],
      notes: NOTES
    })
  }, async (request) => ({ sessions: await cognito.adminListSessions(request.params.username) }))

  fastify.delete('/admin/users/:username/sessions/:sessionId', {
    config: { audit: 'user.session-revoke' },
    schema: adminRoute({
      operationId: 'adminRevokeSession',
      summary: 'Revoke one of a user\'s sessions',
      description: 'The session\'s refresh and access tokens stop working at Cognito (AdminRevokeUserSession), and this service ' +
        'refuses its tokens on every instance when it knows them (`tokensRevoked`: a token of the session listed its sessions here). ' +
        'The user\'s other sessions go on; POST /admin/users/{username}/signout ends them all.',
      params: UserSessionParamsSchema,
      response: { 200: json(SessionRevokedSchema, { description: 'Revoked.' }) },
      refusals: [...ADMIN_CHANGE, ...USER_OPERATION, ...SESSION_OPERATION, 'SESSION_NOT_FOUND'],
      notes: NOTES
    })
  }, async (request) => {
    const { username, sessionId } = request.params
    await cognito.adminRevokeSession(username, sessionId)
    return { status: 'revoked' as const, tokensRevoked: await links.revoke(await cognito.adminUserSub(username), sessionId) }
  })
}

export default sessions
