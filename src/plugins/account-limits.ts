import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createAccountLimits, type AccountLimits } from '../abuse/account-limits.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-account failure budgets for sign-ins and codes, in the shared store. */
    accountLimits: AccountLimits
  }
}

export default fp(async function accountLimits (fastify: FastifyInstance) {
  fastify.decorate('accountLimits', createAccountLimits(fastify.store, fastify.config.accountLimits))
}, { name: 'account-limits', dependencies: ['store'] })
