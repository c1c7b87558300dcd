/**
 * CSRF defence for cookie sessions: a state-changing request that carries
 * cookies and an Origin header must come from the BFF's own origin or an
 * allowed browser origin. (SameSite cookies stop cross-site requests; this
 * also stops sibling subdomains, which count as same-site.)
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError } from '../errors/catalog.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export default fp(async function originCheck (fastify: FastifyInstance) {
  const { config } = fastify
  const allowed = new Set([config.publicUrl.origin, ...config.corsOrigins.map(o => new URL(o).origin)])
  // A callback hook: every request runs it, most return at the first line.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const origin = request.headers.origin
    if (origin === undefined || SAFE_METHODS.has(request.method) || request.headers.cookie === undefined) return done()
    let parsed: string
    try {
      parsed = new URL(origin).origin
    } catch {
      parsed = 'null'
    }
    if (allowed.has(parsed)) return done()
    done(new ApiError('ORIGIN_NOT_ALLOWED', { detail: 'Cookie-authenticated requests must come from an allowed origin (CORS_ORIGINS).' }))
  })
}, { name: 'origin-check' })
