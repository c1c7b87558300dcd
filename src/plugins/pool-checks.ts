import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { checkPool, describeCheck, PoolMisconfiguredError, worstStatus, type Check } from '../cognito/pool-checks.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The pool's settings checked against what the service does with them (see cognito/pool-checks.ts). */
    poolChecks: PoolChecks
  }
}

export interface PoolChecks {
  /** The checks of the last pool read; undefined while the pool was never read. */
  readonly checks: readonly Check[] | undefined
  /** The worst check, or `unread` when the pool could not be read (the service runs on its configured values). */
  status (): 'ok' | 'warn' | 'fail' | 'unread'
}

/**
 * Checks the pool each time it is read. Before the server listens, a failing
 * check stops the start (PoolMisconfiguredError, which server.ts prints as
 * one line); warnings are logged once each. A check that starts failing on a
 * later read (a setting changed in the console) is logged at error level: the
 * service keeps running, since every instance reads the same pool.
 */
export default fp(async function poolChecks (fastify: FastifyInstance) {
  const { config, userPool } = fastify
  let checks: readonly Check[] | undefined
  const logged = new Set<string>()
  // Until the start is over, a failure is the start's to report (one line, by server.ts), not the log's.
  let started = false

  userPool.onRead(description => {
    checks = checkPool(config, description)
    for (const check of checks) {
      if (check.status === 'ok' || (check.status === 'fail' && !started)) continue
      const key = `${check.setting}\n${check.status}\n${check.poolValue}`
      if (logged.has(key)) continue
      logged.add(key)
      const line = `the user pool's settings: ${describeCheck(check)}`
      if (check.status === 'warn') fastify.log.warn({ setting: check.setting }, line)
      else fastify.log.error({ setting: check.setting }, line)
    }
  })

  fastify.decorate<PoolChecks>('poolChecks', {
    get checks () { return checks },
    status: () => checks === undefined ? 'unread' : worstStatus(checks)
  })

  // After user-pool's own onReady hook (registered first), which has read the pool by now.
  fastify.addHook('onReady', async () => {
    const failures = (checks ?? []).filter(check => check.status === 'fail')
    if (failures.length > 0) throw new PoolMisconfiguredError(failures)
    started = true
  })
}, { name: 'pool-checks', dependencies: ['user-pool'] })
