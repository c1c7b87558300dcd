/**
 * Security headers (helmet). The API serves JSON, so the CSP allows nothing;
 * /docs sets its own (see openapi.ts). HSTS and upgrade-insecure-requests only
 * when the public URL is https: on plain-http local mode they would send the
 * browser to an https port nobody listens on.
 */
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

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
}, { name: 'security-headers' })
