import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createMemoryStore } from '../store/memory-store.js'
import { createRedisStore } from '../store/redis-store.js'
import type { SharedStore } from '../store/store.js'

declare module 'fastify' {
  interface FastifyInstance {
    store: SharedStore
    /** Whether the store can be used now ('memory' is always there). */
    storeStatus: () => Promise<'memory' | 'ok' | 'unavailable'>
  }
}

/**
 * The shared-state store: Redis when REDIS_URL is set (several instances
 * behave as one; one server or, with REDIS_CLUSTER, a cluster), else in memory. A Redis that is down at start does not stop
 * the start: readiness says so, and requests that need it answer 503.
 */
export default fp(async function store (fastify: FastifyInstance, options: { store?: SharedStore }) {
  const { redis } = fastify.config
  if (options.store !== undefined || redis === undefined) {
    const store = options.store ?? createMemoryStore()
    fastify.decorate('store', store)
    fastify.decorate('storeStatus', async () => 'memory' as const)
    fastify.addHook('onClose', async () => store.close())
    return
  }
  const store = createRedisStore({
    url: redis.url,
    keyPrefix: redis.keyPrefix,
    cluster: redis.cluster,
    ...(redis.tlsCa === undefined ? {} : { tlsCa: redis.tlsCa }),
    logger: fastify.log
  })
  fastify.decorate('store', store)
  fastify.decorate('storeStatus', async () => await store.ping() ? 'ok' as const : 'unavailable' as const)
  fastify.addHook('onReady', async () => {
    if (!await store.ping()) fastify.log.error('Redis (REDIS_URL) is not reachable; requests that need shared state answer 503 until it is')
  })
  fastify.addHook('onClose', async () => store.close())
}, { name: 'store' })
