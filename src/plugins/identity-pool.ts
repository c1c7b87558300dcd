/**
 * The identity pool gateway (cognito/identity-pool.ts), when IDENTITY_POOL_ID
 * is set: decorated as `identityPool`, null otherwise (local mode always).
 * The identity id of each user is kept in the shared store, so every instance
 * asks GetId once per user.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createIdentityPoolGateway, type IdentityIdCache, type IdentityPoolGateway } from '../cognito/identity-pool.js'
import type { Config } from '../config/index.js'
import type { SharedStore } from '../store/store.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Temporary AWS credentials from the identity pool; null without IDENTITY_POOL_ID. */
    identityPool: IdentityPoolGateway | null
  }
}

/** An identity id never changes for its user; kept a week, then asked again (one GetId). */
const IDENTITY_ID_MS = 7 * 24 * 3600 * 1000

/** The store's single-value entries: the first instance to learn a user's identity id keeps it; a deleted identity is taken out. */
export function storedIdentityIds (store: SharedStore, identityPoolId: string): IdentityIdCache {
  const key = (sub: string) => `identity-id:${identityPoolId}:${sub}`
  return {
    get: async sub => await store.peekOnce(key(sub)),
    set: async (sub, identityId) => { await store.putOnce(key(sub), identityId, IDENTITY_ID_MS) },
    forget: async sub => { await store.takeOnce(key(sub)) }
  }
}

export default fp(async function identityPool (fastify: FastifyInstance, options: { config: Config }) {
  const settings = options.config.identityPool
  const gateway = settings === undefined
    ? null
    : createIdentityPoolGateway({
      identityPoolId: settings.id,
      region: settings.region,
      pool: options.config.pool,
      timeoutMs: options.config.cognito.timeoutMs,
      cache: storedIdentityIds(fastify.store, settings.id)
    })
  fastify.decorate('identityPool', gateway)
  fastify.addHook('onClose', async () => gateway?.close())
}, { name: 'identity-pool', dependencies: ['store'] })
