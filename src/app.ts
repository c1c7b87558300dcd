/**
 * The application as a function of its config and dependencies. `server.ts`
 * and the tests both build it here; listening and shutdown live elsewhere.
 */
import { randomUUID } from 'node:crypto'
import cors from '@fastify/cors'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import { gatewayFor, type CognitoGateway } from './cognito/gateway.js'
import type { Config } from './config/index.js'
import { emptyOutbox, type Outbox } from './local/outbox.js'
import { logDestination } from './log-destination.js'
import { lazyRequestLogger, loggerOptions, requestLineLogger } from './logger.js'
import accountLimits from './plugins/account-limits.js'
import authenticate from './plugins/authenticate.js'
import cognito from './plugins/cognito.js'
import cognitoQuotas from './plugins/cognito-quotas.js'
import identityPool from './plugins/identity-pool.js'
import loadShedding from './plugins/load-shedding.js'
import metrics from './plugins/metrics.js'
import userProfiles from './plugins/user-profiles.js'
import openapi from './plugins/openapi.js'
import originCheck from './plugins/origin-check.js'
import poolChecks from './plugins/pool-checks.js'
import problemDetails, { clientErrorHandler, frameworkErrors } from './plugins/problem-details.js'
import requestLog from './plugins/request-log.js'
import securityHeaders from './plugins/security-headers.js'
import sessions from './plugins/sessions.js'
import store from './plugins/store.js'
import tokenVerifier from './plugins/token-verifier.js'
import userPool from './plugins/user-pool.js'
import adminAudit from './routes/admin/audit.js'
import adminRoutes from './routes/admin/index.js'
import authRoutes from './routes/auth/index.js'
import awsCredentialsRoutes from './routes/aws-credentials/index.js'
import localRoutes from './routes/local/index.js'
import meRoutes from './routes/me/index.js'
import oauthRoutes from './routes/oauth/index.js'
import opsRoutes from './routes/ops/index.js'
import problemPages from './routes/problems/index.js'
import tokenRoutes from './routes/tokens/index.js'
import { ProblemSchema } from './schemas/problem.js'
import type { SharedStore } from './store/store.js'

/** What the app talks to. Everything else, tests included, is said by the config. */
export interface AppDeps {
  /** The Cognito gateway; default: one built from config.pool. */
  gateway?: CognitoGateway
  /** Shared state; default: in memory (one instance). */
  store?: SharedStore
  /** Where logs go (tests capture them); default stdout. */
  logStream?: NodeJS.WritableStream
  /** Local mode: where the emulator puts what Cognito would have sent; default an empty one. */
  outbox?: Outbox
}

const REQUEST_ID = /^[\w.:-]{1,64}$/

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  // One stream for every log line (the request lines have a logger of their own, see logger.ts), written
  // asynchronously, a turn of the event loop's lines at a time (log-destination.ts).
  const logStream = deps.logStream ?? logDestination()
  const app = Fastify({
    logger: loggerOptions(config, logStream),
    bodyLimit: config.bodyLimit,
    // Fastify's default is no limit: a client trickling its body would hold the socket for minutes.
    requestTimeout: config.requestTimeoutMs,
    // Node checks these deadlines on an interval (default 30 s), and its headers deadline (default
    // 60 s) otherwise outlasts the request deadline for a body that never finishes.
    http: { connectionsCheckingInterval: 500, headersTimeout: config.requestTimeoutMs },
    // Honour a caller's request id when it is a plain token; otherwise make one.
    genReqId: request => {
      const incoming = request.headers['x-request-id']
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    },
    trustProxy: config.trustProxy,
    // Failures before routing, and before Fastify has a request at all, are problems too.
    frameworkErrors,
    clientErrorHandler,
    // One line per request, written by plugins/request-log.ts.
    logController: new LogController({ disableRequestLogging: true }),
    // The per-request child logger is made only if a route logs (see logger.ts).
    childLoggerFactory: lazyRequestLogger,
    ajv: {
      customOptions: {
        // Unknown fields are refused, never silently dropped; "123" is not a number.
        removeAdditional: false,
        coerceTypes: false,
        allErrors: true
      }
    }
  }).withTypeProvider<TypeBoxTypeProvider>()

  // JSON only. Fastify's default text/plain parser would hand routes a string, and text/plain is what a
  // cross-site form may send without a CORS preflight; refused here, it answers 415 like any other type.
  app.removeContentTypeParser('text/plain')
  // An empty body sent as JSON means "no body" (browsers' fetch often labels bodiless POSTs so); the
  // schema then decides whether that is acceptable. Anything else goes to Fastify's safe JSON parser.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined)
    parseJson(request, body as string, done)
  })
  app.decorate<Config>('config', config)
  app.addSchema(ProblemSchema)
  // Routes whose body is all optional (refresh, logout) may be called with no body at all.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined) request.body = {}
    done()
  })

  await app.register(requestLog, { logger: requestLineLogger(config, logStream) })
  await app.register(problemDetails)
  await app.register(securityHeaders)
  await app.register(cors, {
    origin: [...config.corsOrigins],
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // So an SPA can show the request id of a failure and honour Retry-After.
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600
  })
  await app.register(openapi)
  // After the plugins that put x-request-id and the security headers on every answer: a shed request carries them too.
  await app.register(loadShedding)

  await app.register(cognito, { gateway: deps.gateway ?? gatewayFor(config) })
  await app.register(userPool)
  // Before listening: a pool setting that makes the service unusable stops the start (PoolMisconfiguredError).
  await app.register(poolChecks)
  await app.register(store, { store: deps.store })
  await app.register(userProfiles)
  await app.register(identityPool, { config })
  await app.register(cognitoQuotas)
  await app.register(tokenVerifier)
  await app.register(sessions)
  await app.register(authenticate)
  await app.register(originCheck)
  // Before the routes: its onResponse hook times every one. Nothing unless METRICS_TOKEN is set.
  await app.register(metrics)

  await app.register(opsRoutes)
  await app.register(problemPages)
  await app.register(accountLimits)
  await app.register(authRoutes)
  await app.register(meRoutes)
  await app.register(awsCredentialsRoutes)
  // A hook on the whole app: requests under /admin that no admin route matches are audited too.
  await app.register(adminAudit)
  // ADMIN_API: off, /admin/... is an unknown route (a 404, audited all the same).
  if (config.admin.enabled) await app.register(adminRoutes)
  await app.register(tokenRoutes)
  // Hosted-UI sign-in exists where there is a hosted UI: COGNITO_DOMAIN, or the emulator's stand-in.
  if (config.hostedUiDomain !== undefined) await app.register(oauthRoutes)
  // The config decides: local routes exist exactly when the emulator stands in for Cognito.
  if (config.mode === 'local') await app.register(localRoutes, { outbox: deps.outbox ?? emptyOutbox })

  return app
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}
