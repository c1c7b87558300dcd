import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { SharedStore } from './store.js'

/** What the plugin actually hands the constructor and `child`: its merged options. */
interface LimiterParams extends FastifyRateLimitOptions {
  continueExceeding?: boolean
  exponentialBackoff?: boolean
  groupId?: string
  /** The route, for route-level `config.rateLimit`; `{}` for `fastify.rateLimit()`/`createRateLimit()`. */
  routeInfo?: { method?: string | string[], url?: string }
}

type IncrCallback = Parameters<FastifyRateLimitStore['incr']>[1]

/**
 * A `store` for @fastify/rate-limit (v11) that keeps its counters in a
 * `SharedStore`, so every instance sharing the store (Redis) shares the limit:
 *
 *   await app.register(rateLimit, { store: rateLimitStore(sharedStore), max, timeWindow })
 *
 * Counting is `SharedStore.increment`, a fixed window, so `continueExceeding`
 * and `exponentialBackoff` are refused at registration rather than silently
 * ignored; `ban` works (it only reads the count). There is no `read`, so
 * `createRateLimit(...)(req, { increment: false })` is not supported (the
 * plugin throws a clear error). Store failures go to the callback: the plugin
 * then fails the request, or lets it through when `skipOnError: true`.
 *
 * Key prefixes: `${prefix}global:` for the global limiter; route-level
 * `config.rateLimit` gets its own counters per `METHOD:url`, or per `groupId`
 * when one is set (routes of a group share one limit, as the plugin documents).
 * Limiters made with `fastify.rateLimit(opts)`/`createRateLimit(opts)` have no
 * route, so give each a `groupId` to keep their counters apart.
 */
export function rateLimitStore (store: SharedStore, prefix = 'rate-limit:'): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    readonly #prefix: string

    constructor (params: LimiterParams, keyPrefix = `${prefix}global:`) {
      if (params.continueExceeding === true || params.exponentialBackoff === true) {
        throw new Error('rateLimitStore counts in fixed windows: continueExceeding and exponentialBackoff are not supported')
      }
      this.#prefix = keyPrefix
    }

    incr (key: string, callback: IncrCallback, timeWindow: number, _max: number): void {
      // A function `timeWindow` may return a fraction; the store wants whole positive ms.
      const windowMs = Math.max(1, Math.ceil(timeWindow))
      let pending: Promise<{ count: number, resetInMs: number }>
      try {
        pending = store.increment(this.#prefix + String(key), windowMs)
      } catch (err) { // a store that throws synchronously instead of rejecting
        callback(asError(err))
        return
      }
      // Two-argument then: an exception inside the callback must not call it twice.
      pending.then(
        ({ count, resetInMs }) => callback(null, { current: count, ttl: resetInMs }),
        (err: unknown) => callback(asError(err))
      )
    }

    child (routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const params = routeOptions as unknown as LimiterParams
      return new SharedRateLimitStore(params, prefix + childSegment(params))
    }
  }
}

function childSegment ({ groupId, routeInfo }: LimiterParams): string {
  if (typeof groupId === 'string') return `group:${groupId}:`
  if (routeInfo?.url !== undefined) {
    const method = Array.isArray(routeInfo.method) ? routeInfo.method.join(',') : routeInfo.method
    return `route:${method ?? ''}:${routeInfo.url}:`
  }
  return 'limiter:'
}

function asError (err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}
