/**
 * Test apps and the asserts every test shares.
 *
 * `buildTestApp` is the service in local mode against a fresh embedded
 * emulator (own data dir, port 0), torn down with the test; logs and "sent"
 * messages are captured so tests can read codes and search the log for
 * secrets. `buildAwsApp` is the service in AWS mode over a gateway a test
 * controls (a mocked SDK client, or a real one at a fake endpoint) and a
 * small real JWKS server: no emulator is started.
 *
 * Every app built here answers `inject` under the contract check
 * (helpers/contract.ts): an answer openapi/openapi.json does not declare
 * fails the test that asked for it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { pino } from 'pino'
import type { Test } from 'tap'
import { buildApp, type AppDeps } from '../src/app.js'
import { gatewayFor, type CognitoGateway } from '../src/cognito/gateway.js'
import { loadConfig, type AwsConfig, type LocalConfig, type LocalStart } from '../src/config/index.js'
import { ERROR_CATALOG, type ErrorCode, type FieldError } from '../src/errors/catalog.js'
import { startLocalMode, type LocalCognito } from '../src/local/local-mode.js'
import { createOutbox } from '@cognito-bff/local-cognito'
import { contractChecked } from './helpers/contract.js'
import { CLIENT_ID, POOL_ID, startJwksServer, type JwksServer } from './helpers/jwks-server.js'
import { COGNITO_TIMEOUT_MS, JWKS_TIMEOUT_MS, READY_MS, REQUEST_TIMEOUT_MS, until } from './helpers/timeouts.js'

export { contractChecked }

/** Waits (up to READY_MS) until a service started on `port` answers `path` (/readyz) with 200; false if it never does. */
export async function untilReady (port: number, path = '/readyz'): Promise<boolean> {
  return await until(() => fetch(`http://127.0.0.1:${port}${path}`).then(r => r.ok, () => false), { ms: READY_MS, everyMs: 50 })
    .catch(() => false)
}

/** The timeouts of helpers/timeouts.ts as the environment variables that set them, for an app or a process a test starts. */
export const TEST_TIMEOUTS_ENV = {
  COGNITO_TIMEOUT_MS: String(COGNITO_TIMEOUT_MS),
  JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS),
  REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS)
}

export interface TestContext {
  teardown (fn: () => unknown): void
}

export interface TestApp {
  app: FastifyInstance
  config: LocalConfig
  local: LocalCognito
  /** Every log line the app wrote. */
  logs: string[]
  /** The newest code Cognito "sent" to `username`. */
  latestCode (username: string): string
  /** A new user, signed up and confirmed through the API, ready to sign in. */
  confirmedUser (prefix?: string): Promise<{ username: string, password: string }>
}

export const PASSWORD = 'Correct-Horse-9'

/**
 * Test apps send many requests from one address: the per-address budgets are lifted unless a test sets them. Load
 * shedding is off too: a busy test process may lag, and a test about something else must not see OVERLOADED.
 */
const UNLIMITED = {
  RATE_LIMIT_SIGNUP: '100000',
  RATE_LIMIT_SIGNIN: '100000',
  RATE_LIMIT_RECOVERY: '100000',
  UNIFORM_ANSWER_MS: '0',
  MAX_EVENT_LOOP_DELAY_MS: '0'
}

/** A writable that keeps every line written to it. */
export function captureLines (): { stream: NodeJS.WritableStream, lines: string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      done()
    }
  })
  return { stream, lines }
}

/**
 * The local-mode start config for a test environment (throws if the env names a pool). Its timeouts (Cognito, JWKS,
 * requests) are the tests' generous ones unless the env sets them.
 */
export function localStart (env: Record<string, string> = {}): LocalStart {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...TEST_TIMEOUTS_ENV, ...env })
  if (config.mode !== 'local') throw new Error('expected a local-mode environment')
  return config
}

/** An AWS-mode config for a test environment (a pool, client and cookie key and the tests' timeouts are filled in). */
export function awsConfig (env: Record<string, string> = {}): AwsConfig {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    ...TEST_TIMEOUTS_ENV,
    COGNITO_USER_POOL_ID: POOL_ID,
    COGNITO_CLIENT_ID: CLIENT_ID,
    COOKIE_SECRETS: 'test-cookie-secret-of-32-characters!',
    PUBLIC_URL: 'http://localhost:3000',
    ...env
  })
  if (config.mode !== 'aws') throw new Error('expected an AWS-mode environment')
  return config
}

export async function buildTestApp (
  t: TestContext,
  options: { env?: Record<string, string>, deps?: Omit<AppDeps, 'outbox' | 'logStream'> } = {}
): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-test-'))
  // Registered before anything starts, so whatever did start is stopped even when a later step throws.
  const running: { local?: LocalCognito, app?: FastifyInstance } = {}
  t.teardown(async () => {
    await running.app?.close()
    await running.local?.emulator.close()
    await rm(dataDir, { recursive: true, force: true })
  })
  const start = localStart({ LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...UNLIMITED, ...options.env })
  const { stream: logStream, lines: logs } = captureLines()
  const local = running.local = await startLocalMode(start, pino({ level: 'warn' }, logStream), createOutbox(() => {}))
  const app = running.app = contractChecked(await buildApp(local.config, {
    gateway: gatewayFor(local.config, local.sdk), outbox: local.outbox, logStream, ...options.deps
  }))
  await app.ready()
  const latestCode = (username: string): string => {
    const message = local.outbox.list(username)[0]
    if (!message) throw new Error(`no message was sent to ${username}`)
    return message.code
  }
  return {
    app,
    config: local.config,
    local,
    logs,
    latestCode,
    async confirmedUser (prefix = 'user') {
      const username = uniqueUsername(prefix)
      const signUp = await app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { username, password: PASSWORD, email: `${username}@example.com` }
      })
      if (signUp.statusCode !== 201) throw new Error(`sign-up failed: ${signUp.body}`)
      const confirm = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: latestCode(username) } })
      if (confirm.statusCode !== 200) throw new Error(`confirmation failed: ${confirm.body}`)
      return { username, password: PASSWORD }
    }
  }
}

export interface AwsTestApp {
  app: FastifyInstance
  config: AwsConfig
  logs: string[]
  /** Signs tokens the app accepts (or, with other claims, refuses). */
  jwks: JwksServer
}

/**
 * The app in AWS mode. The gateway is the test's (`gateway(config)` gets the
 * config, to build one over a mocked or redirected SDK client); tokens are
 * verified against a real JWKS server on port 0. The pool's settings are not
 * read at start unless `readPool` (the service then runs on its configured
 * values, as when IAM refuses the reads): tests that count Cognito's calls
 * see only their own.
 */
export async function buildAwsApp (
  t: TestContext,
  options: { env?: Record<string, string>, gateway?: (config: AwsConfig) => CognitoGateway, readPool?: boolean } = {}
): Promise<AwsTestApp> {
  const jwks = await startJwksServer(t)
  const config = awsConfig({ COGNITO_ISSUER: jwks.issuer, ...UNLIMITED, LOG_LEVEL: 'info', ...options.env })
  const { stream: logStream, lines: logs } = captureLines()
  const built = options.gateway?.(config) ?? gatewayFor(config)
  const gateway: CognitoGateway = options.readPool === true
    ? built
    : { ...built, describePool: async () => { throw new Error('the pool is not read in this test (buildAwsApp without readPool)') } }
  const app = contractChecked(await buildApp(config, { gateway, logStream }))
  t.teardown(() => app.close())
  await app.ready()
  return { app, config, logs, jwks }
}

/**
 * Asserts a whole RFC 9457 problem: status, content type, and the body with
 * the catalog's type and title, the request id as instance, and exactly the
 * detail and field errors given (none when not given).
 */
export function expectProblem (
  t: Test,
  response: LightMyRequestResponse,
  code: ErrorCode,
  extra: { detail?: string, errors?: FieldError[] } = {}
): void {
  const { status, title } = ERROR_CATALOG[code]
  t.equal(response.statusCode, status, `status ${status}`)
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(response.json(), {
    type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code,
    ...(extra.detail === undefined ? {} : { detail: extra.detail }),
    instance: `urn:request:${String(response.headers['x-request-id'])}`,
    ...(extra.errors === undefined ? {} : { errors: extra.errors })
  }, `the whole ${code} problem`)
}

/** The `name=value` pairs of a response's Set-Cookie headers, ready for a Cookie header. */
export function cookieHeader (response: LightMyRequestResponse): string {
  return response.cookies.filter(c => c.value !== '').map(c => `${c.name}=${c.value}`).join('; ')
}

let counter = 0
/** A username no other test in this process uses. */
export function uniqueUsername (prefix = 'user'): string {
  counter += 1
  return `${prefix}${counter}${Date.now().toString(36)}`
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
