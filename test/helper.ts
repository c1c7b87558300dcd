/**
 * Builds the app against a fresh embedded emulator (own data dir, port 0) and
 * tears both down with the test. Logs and "sent" messages are captured so
 * tests can read codes and search the log for secrets.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { pino } from 'pino'
import { buildApp, type AppDeps } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { startLocalCognito, type LocalCognito } from '../src/local/local-cognito.js'
import { createOutbox } from '../src/local/outbox.js'

export interface TestContext {
  teardown (fn: () => unknown): void
}

export interface TestApp {
  app: FastifyInstance
  config: Config
  local: LocalCognito
  /** Every log line the app wrote, parsed. */
  logs: string[]
  /** The newest code Cognito "sent" to `username`. */
  latestCode (username: string): string
}

export async function buildTestApp (t: TestContext, options: { env?: Record<string, string>, deps?: Partial<AppDeps> } = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-test-'))
  const config = loadConfig({ LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...options.env })
  const logs: string[] = []
  const logStream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      done()
    }
  })
  const local = await startLocalCognito(config, pino({ level: 'warn' }, logStream), createOutbox(() => {}))
  const app = await buildApp(config, {
    cognito: local.settings,
    cookieSecrets: local.cookieSecrets,
    outbox: local.outbox,
    logStream,
    authRateLimit: 10_000,
    ...options.deps
  })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await local.emulator.close()
    await rm(dataDir, { recursive: true, force: true })
  })
  return {
    app,
    config,
    local,
    logs,
    latestCode (username) {
      const message = local.outbox.list(username)[0]
      if (!message) throw new Error(`no message was sent to ${username}`)
      return message.code
    }
  }
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

export const PASSWORD = 'Correct-Horse-9'

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
