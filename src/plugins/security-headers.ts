/**
 * Security headers (helmet). The API serves JSON, so the CSP allows nothing;
 * /docs sets its own (see openapi.ts). HSTS and upgrade-insecure-requests only
 * when the public URL is https: on plain-http local mode they would send the
 * browser to an https port nobody listens on.
 */
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

function isReference (url: string): boolean {
  return url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/')
}

export default fp(async function securityHeaders (fastify: FastifyInstance) {
  const { config } = fastify
  const https = config.publicUrl.protocol === 'https:'
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], upgradeInsecureRequests: https ? [] : null }
    },
    hsts: https,
    crossOriginResourcePolicy: { policy: 'same-site' }
  })
  // Answers carry identities, tokens and codes: no cache, shared or private, may keep one.
  // Only the API reference is static enough to cache.
  fastify.addHook('onRequest', async (request, reply) => {
    if (!isReference(request.url)) reply.header('cache-control', 'no-store')
  })
}, { name: 'security-headers' })
