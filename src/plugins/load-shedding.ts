/**
 * Load shedding (@fastify/under-pressure): while the event loop lags behind
 * (its mean delay over the last sample above MAX_EVENT_LOOP_DELAY_MS), new
 * requests are refused at once with 503 OVERLOADED and Retry-After, rather
 * than queued to time out; a load balancer can send them elsewhere. Health
 * and metrics keep answering, so the instance is not taken for dead and its
 * lag can be seen. Off when MAX_EVENT_LOOP_DELAY_MS is 0.
 */
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError } from '../errors/catalog.js'

/** Routes never shed; their schemas say so with problems(..., { notShed: true }). */
export const NOT_SHED: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics'])

const RETRY_AFTER_SECONDS = 5
/** The delay is the mean over each sample: one second, so a single slow tick does not shed a burst of requests. */
const SAMPLE_INTERVAL_MS = 1000

export default fp(async function loadShedding (fastify: FastifyInstance) {
  const { maxEventLoopDelayMs } = fastify.config
  if (maxEventLoopDelayMs <= 0) return
  // Start-up (module loading, the JWKS warm-up) blocks the loop, which is not load: nothing is shed until two
  // samples after the app is ready. (A sample with no tick at all counts as an infinite delay.)
  let armed = false
  fastify.addHook('onReady', async () => {
    setTimeout(() => { armed = true }, 2 * SAMPLE_INTERVAL_MS).unref()
  })
  await fastify.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    sampleInterval: SAMPLE_INTERVAL_MS,
    // A rejected promise: under-pressure hands it to the error handler, a problem like every other refusal.
    pressureHandler: async (request) => {
      if (!armed || NOT_SHED.has(request.routeOptions.url ?? '')) return
      throw new ApiError('OVERLOADED', { retryAfter: RETRY_AFTER_SECONDS })
    }
  })
}, { name: 'load-shedding', dependencies: ['problem-details'] })
