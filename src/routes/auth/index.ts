import type { FastifyInstance } from 'fastify'
import password from './password.js'
import session from './session.js'
import signup from './signup.js'

/** Anonymous self-service: sign-up, sign-in, session and password reset. */
export default async function authRoutes (fastify: FastifyInstance) {
  await fastify.register(signup)
  await fastify.register(session)
  await fastify.register(password)
}
