/**
 * The per-category limiter in front of Cognito (COGNITO_QUOTAS): before a
 * call is sent, one unit of its category's budget for the current second is
 * reserved in the shared store (an atomic counter, so every instance sharing
 * the store shares the rate); past the rate the call is not sent and the
 * request answers 429 COGNITO_QUOTA_REACHED with Retry-After at once, instead
 * of sending Cognito a burst it would throttle. Categories not configured are
 * not counted. When the store does not answer, the call goes (the limiter
 * protects the quota; it is no security check) and a warning is logged.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { quotaCategoryOf } from '../cognito/quota-categories.js'
import type { QuotaCategory } from '../config/variables/cognito.js'
import { ApiError } from '../errors/catalog.js'

declare module 'fastify' {
  interface FastifyInstance {
    cognitoQuotas: CognitoQuotas
  }
}

/** One admission decision, as metrics see it. */
export interface QuotaDecision {
  category: QuotaCategory
  outcome: 'admitted' | 'refused'
}

export interface CognitoQuotas {
  /** Calls `listener` after every decision of a configured category; returns the function that stops it. */
  observe (listener: (decision: QuotaDecision) => void): () => void
}

const WINDOW_MS = 1000

export default fp(async function cognitoQuotas (fastify: FastifyInstance) {
  const { cognito, store } = fastify
  const rates = fastify.config.cognito.quotas as Partial<Record<QuotaCategory, number>>
  const listeners = new Set<(decision: QuotaDecision) => void>()
  const tell = (decision: QuotaDecision) => { for (const listener of listeners) listener(decision) }

  if (Object.keys(rates).length > 0) {
    cognito.admitWith?.(async operation => {
      const category = quotaCategoryOf(operation)
      const rate = category === undefined ? undefined : rates[category]
      if (category === undefined || rate === undefined) return
      let reserved: { granted: boolean, resetInMs: number }
      try {
        reserved = await store.reserveCount(`cognito-quota:${category}`, rate, WINDOW_MS)
      } catch (err) {
        fastify.log.warn({ err, category }, 'Cognito quota limiter: the store did not answer; the call goes unlimited')
        return
      }
      tell({ category, outcome: reserved.granted ? 'admitted' : 'refused' })
      if (!reserved.granted) {
        throw new ApiError('COGNITO_QUOTA_REACHED', {
          retryAfter: Math.max(1, Math.ceil(reserved.resetInMs / 1000)),
          detail: `This service sends Cognito at most ${rate} ${category} requests per second (COGNITO_QUOTAS), and was at it.`
        })
      }
    })
  }

  fastify.decorate('cognitoQuotas', {
    observe (listener: (decision: QuotaDecision) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  })
}, { name: 'cognito-quotas', dependencies: ['cognito', 'store'] })
