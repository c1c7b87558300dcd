import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { PoolDescription } from '../cognito/gateway.js'
import { ASSUMED, settingsFrom, type PoolSettings } from '../session/pool-settings.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The user pool's settings as Cognito last described them. */
    userPool: UserPool
  }
}

export interface UserPool {
  /** The pool as last read; undefined until a read succeeds (the service then runs on its configured values). */
  readonly description: PoolDescription | undefined
  /** Why the last read failed (an IAM refusal, an outage); undefined after a success. */
  readonly failure: string | undefined
  /** What the service runs on, derived from the last description (the assumed values until a read succeeds). */
  readonly settings: PoolSettings
  /** Reads the pool again now; never throws (a failure keeps the last description). */
  refresh (): Promise<void>
  /** Calls `listener` after every successful read; returns the function that stops it. */
  onRead (listener: (description: PoolDescription) => void): () => void
}

/**
 * Reads the pool's settings before the server listens, then every
 * POOL_REFRESH_SECONDS, so a setting changed in the console is followed
 * without a restart. A read that fails (no IAM permission for the Describe
 * calls, Cognito unreachable) never stops the service: it keeps what it last
 * read, or its configured values, and says so once per change of state.
 */
export default fp(async function userPool (fastify: FastifyInstance) {
  const { cognito, config } = fastify
  let description: PoolDescription | undefined
  let failure: string | undefined
  let settings = ASSUMED
  const listeners = new Set<(description: PoolDescription) => void>()

  async function refresh (): Promise<void> {
    try {
      description = await cognito.describePool()
    } catch (err) {
      const reason = (err as Error).message
      if (failure === undefined) {
        fastify.log.warn({ err }, description === undefined
          ? 'could not read the user pool\'s settings; running on the configured values (allow cognito-idp:DescribeUserPool, ' +
            'DescribeUserPoolClient and GetUserPoolMfaConfig: npm run iam-policy)'
          : 'could not read the user pool\'s settings again; keeping those read before')
      }
      failure = reason
      return
    }
    if (failure !== undefined) fastify.log.info('read the user pool\'s settings again')
    failure = undefined
    settings = settingsFrom(description)
    for (const listener of listeners) listener(description)
  }

  fastify.decorate<UserPool>('userPool', {
    get description () { return description },
    get failure () { return failure },
    get settings () { return settings },
    refresh,
    onRead (listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  })

  let timer: NodeJS.Timeout | undefined
  fastify.addHook('onReady', async () => {
    await refresh()
    const every = config.cognito.poolRefreshSeconds
    if (every > 0) timer = setInterval(refresh, every * 1000).unref()
  })
  fastify.addHook('onClose', async () => clearInterval(timer))
}, { name: 'user-pool', dependencies: ['cognito'] })
