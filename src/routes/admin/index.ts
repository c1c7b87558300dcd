/**
 * The admin API. Everything here sits in one encapsulated scope whose
 * onRequest hooks are the guard: requireUser (a verified access token), then
 * requireAdmin (ADMIN_GROUP, or an admin service client's scope). Every
 * request under /admin, refused, unrouted or not, writes one audit line
 * (./audit.ts, a hook on the whole app: an unrouted request never enters
 * this scope).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireAdmin } from '../../plugins/admin-guard.js'
import groupChanges from './group-changes.js'
import groups from './groups.js'
import helpdesk from './helpdesk.js'
import sessions from './sessions.js'
import users from './users.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The admin action a route performs, as the audit line names it (user.invite, group.add...). */
    audit?: string
  }
}

const adminRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  // An empty username (/admin/users//disable) is refused before anyone's token is looked at: problem-details' hook.
  fastify.addHook('onRequest', fastify.requireUser)
  fastify.addHook('onRequest', requireAdmin(fastify.config.admin))

  await fastify.register(users)
  await fastify.register(groups)
  await fastify.register(sessions)
  await fastify.register(groupChanges)
  await fastify.register(helpdesk)
}

export default adminRoutes
