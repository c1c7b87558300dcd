import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { ApiError } from '../../errors/catalog.js'
import { rateLimitStore } from '../../store/rate-limit-store.js'
import password from './password.js'
import session from './session.js'
import signup from './signup.js'

/**
 * Anonymous self-service: sign-up, sign-in, session and password reset. Each
 * group has its own budget per client address, counted in the shared store
 * (so instances sharing one share the budget) under its own prefix.
 */
export default async function authRoutes (fastify: FastifyInstance) {
  const { rateLimits } = fastify.config
  await fastify.register(limited('sign-up', rateLimits.signUp, signup))
  await fastify.register(limited('sign-in', rateLimits.signIn, session))
  await fastify.register(limited('recovery', rateLimits.recovery, password))
}

/** Routes under a budget of `perMinute` requests per client address, counted in the shared store under `group`. */
export function limited (group: string, perMinute: number, routes: FastifyPluginAsync): FastifyPluginAsync {
  return async function rateLimited (scope) {
    await scope.register(rateLimit, {
      store: rateLimitStore(scope.store, `rate-limit:${group}:`),
      max: perMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) => new ApiError('RATE_LIMITED', { retryAfter: Math.ceil(context.ttl / 1000) })
    })
    await scope.register(routes)
  }
}
