/**
 * The admin audit: one log line for every request whose path starts with
 * /admin, in any case, routed or not, refused or not (a 404 included). It is
 * a hook on the whole app, not on the admin scope: a request no admin route
 * matches (/admin/, /ADMIN/users, a method or a trailing slash no route has,
 * /admin/../x) never enters that scope, and would leave no trace.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

const MAYBE_ADMIN = /admin|%|[\t\n\r]/i

/**
 * Whether a request URL is under /admin: its path as sent, percent-decoded,
 * with runs of slashes collapsed, or with its dot segments resolved.
 */
export function isAdminPath (url: string): boolean {
  const raw = url.split(/[?#]/, 1)[0] ?? ''
  // Every request passes here. Only a percent escape or a tab or newline (which the URL parser drops) can turn a path
  // without "admin" in it into one under /admin; the other forms below cost microseconds a request.
  if (!MAYBE_ADMIN.test(raw)) return false
  const forms = [raw, raw.replace(/\/{2,}/g, '/')]
  try {
    forms.push(decodeURIComponent(raw))
  } catch {
    // Not validly percent-encoded: the path as sent is judged.
  }
  for (const form of [...forms]) {
    try {
      forms.push(new URL(form.replace(/\\/g, '/'), 'http://bff.invalid').pathname)
    } catch {
      // A path no URL parser takes: judged as sent.
    }
  }
  return forms.some(form => form.toLowerCase().startsWith('/admin'))
}

export default fp(async function adminAudit (fastify: FastifyInstance) {
  // Who, what, on whom, and how it ended. Never a body (passwords travel there).
  // A callback hook: every request runs it, and almost every one returns at the first line.
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!isAdminPath(request.url)) return done()
    const params = (request.params ?? {}) as { username?: string, group?: string }
    const body = request.body as { username?: unknown, name?: unknown } | undefined
    const username = params.username ?? (typeof body?.username === 'string' && reply.statusCode < 400 ? body.username : undefined)
    // POST /admin/groups names its group in the body.
    const group = params.group ?? (request.routeOptions.config.audit === 'group.create' && typeof body?.name === 'string' ? body.name : undefined)
    request.log.info({
      audit: {
        actor: request.user === null ? null : { sub: request.user.sub, username: request.user.username, clientId: request.user.clientId },
        // No admin route matched: 'unrouted' (the result says how it ended, NOT_FOUND most often).
        action: request.routeOptions.config.audit ?? (request.is404 ? 'unrouted' : 'unknown'),
        target: {
          ...(typeof username === 'string' ? { user: username } : {}),
          ...(typeof group === 'string' ? { group } : {})
        },
        // The problem's code (set by problem-details) for a refusal.
        result: reply.statusCode < 400 ? 'ok' : request.problem?.code ?? String(reply.statusCode),
        status: reply.statusCode
      }
    }, 'admin action')
    done()
  })
}, { name: 'admin-audit', dependencies: ['authenticate'] })
