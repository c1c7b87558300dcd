/**
 * Security headers, as helmet sets them. The API serves JSON, so the CSP
 * allows nothing; /docs and the HTML pages set their own. HSTS and
 * upgrade-insecure-requests only when the public URL is https: on plain-http
 * local mode they would send the browser to an https port nobody listens on.
 *
 * The headers are the same for every response, so helmet computes them once
 * at start and each response gets the finished set: @fastify/helmet runs
 * helmet's eleven middlewares (CSP string building included) on every
 * request, which cost as much as the token check itself (bench/RESULTS.md).
 * Service-to-service routes get a short set of their own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

/**
 * Routes other services and reverse proxies call (`config.serviceToService`: /tokens/*) answer JSON or
 * nothing, never a page: of the browser headers they keep what still applies to a JSON answer that must
 * not be sniffed, framed or cached. Half a kilobyte less on each of thousands of answers a second.
 */
const SERVICE_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'x-content-type-options': 'nosniff'
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Called by other services and proxies, not browsers: no CORS, only the security headers a JSON answer needs. */
    serviceToService?: boolean
  }
}

function isReference (url: string): boolean {
  return url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/')
}

/** The headers helmet would set with these options, collected from one run of its middleware. */
export function helmetHeaders (options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const collector = {
    setHeader (name: string, value: unknown) { headers[name.toLowerCase()] = String(value) },
    removeHeader (name: string) { delete headers[name.toLowerCase()] }
  }
  let done = false
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err
    done = true
  })
  // helmet's middleware is synchronous; if a version ever is not, fail at start rather than send no headers.
  if (!done) throw new Error('helmet did not finish synchronously: security headers cannot be precomputed')
  return headers
}

export default fp(async function securityHeaders (fastify: FastifyInstance) {
  const { config } = fastify
  const https = config.publicUrl.protocol === 'https:'
  const headers = helmetHeaders({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], upgradeInsecureRequests: https ? [] : null }
    },
    hsts: https,
    crossOriginResourcePolicy: { policy: 'same-site' }
  })
  // Answers carry identities, tokens and codes: no cache, shared or private, may keep one.
  // Only the API reference is static enough to cache.
  const apiHeaders = { ...headers, 'cache-control': 'no-store' }
  fastify.addHook('onRequest', (request, reply, done) => {
    const { config } = request.routeOptions
    reply.headers(config.serviceToService === true ? SERVICE_HEADERS : isReference(request.url) ? headers : apiHeaders)
    done()
  })
}, { name: 'security-headers' })
