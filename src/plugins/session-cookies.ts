import cookie from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { createSessionCookies, type SessionCookies } from '../tokens/cookies.js'
import { createSealer } from '../tokens/seal.js'

declare module 'fastify' {
  interface FastifyInstance {
    sessionCookies: SessionCookies
  }
}

/** Cookie parsing plus the sealed session cookies. */
export default fp(async function sessionCookies (fastify: FastifyInstance, options: { config: Config, secrets: readonly string[] }) {
  await fastify.register(cookie)
  fastify.decorate('sessionCookies', createSessionCookies(options.config, createSealer(options.secrets)))
}, { name: 'session-cookies' })
