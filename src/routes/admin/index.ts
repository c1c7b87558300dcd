/**
 * The admin API. Everything here sits in one encapsulated scope whose
 * onRequest hooks are the guard: requireUser (a verified access token), then
 * requireAdmin (ADMIN_GROUP, or an admin service client's scope). Every
 * request in the scope, refused or not, writes one audit line.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { invalidFields } from '../../errors/catalog.js'
import { requireAdmin } from '../../plugins/admin-guard.js'
import groups from './groups.js'
import users from './users.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The admin action a route performs, as the audit line names it (user.invite, group.add...). */
    audit?: string
  }
}

const adminRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  // /admin/users/ (an empty username) is no user's URL: refused as the schema would, before anyone's token is looked at.
  fastify.addHook('onRequest', async (request) => {
    const empty = Object.entries(request.params as Record<string, string>).filter(([, value]) => value === '')
    if (empty.length > 0) throw invalidFields(empty.map(([name]) => ({ field: `/params/${name}`, message: 'must NOT have fewer than 1 characters' })))
  })
  fastify.addHook('onRequest', fastify.requireUser)
  fastify.addHook('onRequest', requireAdmin(fastify.config.admin))

  // One line per admin request: who, what, on whom, and how it ended. Never a body (passwords travel there).
  fastify.addHook('onResponse', async (request, reply) => {
    const params = (request.params ?? {}) as { username?: string, group?: string }
    const body = request.body as { username?: unknown } | undefined
    const username = params.username ?? (typeof body?.username === 'string' && reply.statusCode < 400 ? body.username : undefined)
    request.log.info({
      audit: {
        actor: request.user === null ? null : { sub: request.user.sub, username: request.user.username, clientId: request.user.clientId },
        action: request.routeOptions.config.audit ?? 'unknown',
        target: {
          ...(username === undefined ? {} : { user: username }),
          ...(params.group === undefined ? {} : { group: params.group })
        },
        // The problem's code (set by problem-details) for a refusal.
        result: reply.statusCode < 400 ? 'ok' : request.problem?.code ?? String(reply.statusCode),
        status: reply.statusCode
      }
    }, 'admin action')
  })

  await fastify.register(users)
  await fastify.register(groups)
}

export default adminRoutes
