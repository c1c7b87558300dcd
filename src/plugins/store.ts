import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createMemoryStore } from '../store/memory-store.js'
import type { SharedStore } from '../store/store.js'

declare module 'fastify' {
  interface FastifyInstance {
    store: SharedStore
  }
}

/** The shared-state store (revoked tokens); in memory until Redis is configured. */
export default fp(async function store (fastify: FastifyInstance, options: { store?: SharedStore }) {
  const store = options.store ?? createMemoryStore()
  fastify.decorate('store', store)
  fastify.addHook('onClose', async () => store.close())
}, { name: 'store' })
