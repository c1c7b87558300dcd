/**
 * GET /metrics in the Prometheus text format (prom-client), only when
 * METRICS_TOKEN is set, and then only for `Authorization: Bearer <token>`.
 * One registry per app, never prom-client's global one.
 *
 * Where each metric is observed:
 * - requests: one histogram observation per response (onResponse), labelled
 *   by the route pattern (never the raw URL), method and status;
 * - Cognito calls: the gateway's `observe` (an SDK middleware on its client,
 *   and the hosted UI's token endpoint), the daily e-mail limit among them;
 * - token verifications: the verifier's `observe`;
 * - JWKS fetches: read from the verifier when scraped;
 * - store errors: the responses answered STORE_UNAVAILABLE, by route;
 * - process and Node.js metrics: prom-client's defaults.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import { ApiError } from '../errors/catalog.js'
import { problems } from '../schemas/problem.js'
import { text } from '../schemas/responses.js'

const PREFIX = 'cognito_bff_'
/** Seconds; Cognito calls may take up to COGNITO_TIMEOUT_MS (16 s by default). */
const COGNITO_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 16]

const digest = (value: string) => createHash('sha256').update(value).digest()

export default fp(async function metrics (fastify: FastifyInstance) {
  const { metricsToken } = fastify.config
  if (metricsToken === undefined) return
  const register = new Registry()
  collectDefaultMetrics({ register })

  const requests = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'Time to answer a request, by method, route pattern and status (its _count is the request count).',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [register]
  })
  const cognitoCalls = new Counter({
    name: `${PREFIX}cognito_requests_total`,
    help: 'Calls to Cognito (each SDK attempt, and OAuthToken for the hosted UI\'s token endpoint), by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [register]
  })
  const cognitoSeconds = new Histogram({
    name: `${PREFIX}cognito_request_duration_seconds`,
    help: 'Duration of calls to Cognito, by operation.',
    labelNames: ['operation'] as const,
    buckets: COGNITO_BUCKETS,
    registers: [register]
  })
  const emailQuota = new Counter({
    name: `${PREFIX}email_quota_exceeded_total`,
    help: 'Calls to Cognito refused because its own e-mail sender reached its daily limit (no code was sent), by operation. ' +
      'Configure the pool to send with Amazon SES.',
    labelNames: ['operation'] as const,
    registers: [register]
  })
  const verifications = new Counter({
    name: `${PREFIX}token_verifications_total`,
    help: 'Token verifications, by result: ok, expired, invalid, revoked or unavailable (no signing keys).',
    labelNames: ['result'] as const,
    registers: [register]
  })
  const storeErrors = new Counter({
    name: `${PREFIX}store_errors_total`,
    help: 'Requests answered STORE_UNAVAILABLE (shared state unreachable), by route.',
    labelNames: ['route'] as const,
    registers: [register]
  })
  const quotaDecisions = new Counter({
    name: `${PREFIX}cognito_quota_decisions_total`,
    help: 'Calls of a COGNITO_QUOTAS category, by category and outcome: admitted (sent to Cognito) or refused (429 COGNITO_QUOTA_REACHED).',
    labelNames: ['category', 'outcome'] as const,
    registers: [register]
  })
  const { tokenVerifier } = fastify
  const counterOf = (name: string, help: string, read: () => number) => new Counter({
    name: `${PREFIX}${name}`,
    help,
    registers: [register],
    collect () {
      this.reset()
      this.inc(read())
    }
  })
  counterOf('jwks_fetches_total', 'Fetches of the pool\'s JWKS.', () => tokenVerifier.jwksStats().fetches)
  counterOf('jwks_fetch_failures_total', 'Failed fetches of the pool\'s JWKS.', () => tokenVerifier.jwksStats().failures)

  const stopCognito = fastify.cognito.observe?.(call => {
    cognitoCalls.inc({ operation: call.operation, outcome: call.outcome })
    cognitoSeconds.observe({ operation: call.operation }, call.seconds)
    if (call.dailyEmailQuota === true) emailQuota.inc({ operation: call.operation })
  })
  const stopVerifier = tokenVerifier.observe(result => verifications.inc({ result }))
  const stopQuotas = fastify.cognitoQuotas.observe(decision => quotaDecisions.inc(decision))
  fastify.addHook('onClose', async () => {
    stopCognito?.()
    stopVerifier()
    stopQuotas()
  })

  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    requests.observe({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000)
    if (request.problem?.code === 'STORE_UNAVAILABLE') storeErrors.inc({ route })
  })

  const expected = digest(`Bearer ${metricsToken}`)
  fastify.get('/metrics', {
    schema: {
      tags: ['operations'],
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description: 'Only when METRICS_TOKEN is set (otherwise 404), and only for `Authorization: Bearer <METRICS_TOKEN>`.',
      security: [{ metricsToken: [] }],
      response: {
        200: text({ description: 'The Prometheus text exposition format (version 0.0.4).' }),
        ...problems(['UNAUTHENTICATED'], { noSharedState: true, notShed: true })
      }
    }
  }, async (request, reply) => {
    // Compared as digests: the same length whatever was sent, so the comparison takes constant time.
    if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      throw new ApiError('UNAUTHENTICATED', { detail: 'Send Authorization: Bearer <METRICS_TOKEN>.' })
    }
    return reply.type(register.contentType).send(await register.metrics())
  })
}, { name: 'metrics', dependencies: ['cognito', 'cognito-quotas', 'token-verifier', 'request-log'] })
