/**
 * The package's tests share: a local Cognito started on a fresh data dir and
 * port 0 (stopped with the test), its pool by the names a service's config
 * would use, users made the way a client would make them, and small waits.
 * Nothing here uses the service: the package's tests run on the package alone.
 */
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { secretHash } from '../src/guards/secret-hash.ts'
import { createOutbox, startLocalCognito, type LocalCognito, type LocalCognitoOptions } from '../src/index.ts'

export interface TestContext {
  teardown (fn: () => unknown): void
}

export const PASSWORD = 'Correct-Horse-9'
export const PUBLIC = 'http://localhost:3000'

let counter = 0
export function uniqueUsername (prefix = 'user'): string {
  counter += 1
  return `${prefix}${counter}${Date.now().toString(36)}`
}

/** The local Cognito with its pool as a service's config names it (config.pool). */
export interface TestCognito extends LocalCognito {
  config: { pool: { endpoint: string, userPoolId: string, clientId: string, clientSecret?: string }, local: { dataDir: string } }
}

export function withPool (local: LocalCognito, dataDir: string): TestCognito {
  const { endpoint, userPoolId, clientId, clientSecret } = local
  const pool = { endpoint, userPoolId, clientId, ...(clientSecret === undefined ? {} : { clientSecret }) }
  return Object.assign(local, { config: { pool, local: { dataDir } } })
}

/** A fresh directory, removed with the test. */
export async function tempDir (t: TestContext, prefix = 'local-cognito-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Options as a service at `publicUrl` passes them (its callback, its demo page and root as logout URLs); quiet, memory outbox. */
export function testOptions (dataDir: string, extra: Partial<LocalCognitoOptions> & { publicUrl?: string } = {}): LocalCognitoOptions {
  const { publicUrl = PUBLIC, ...rest } = extra
  const origin = new URL(publicUrl).origin
  return {
    dataDir,
    port: 0,
    demoPassword: 'Passw0rd!demo',
    adminGroup: 'admins',
    oauth: { callbackUrls: [`${origin}/oauth/callback`], logoutUrls: [`${origin}/local/demo`, `${origin}/`] },
    logger: pino({ level: 'silent' }),
    outbox: createOutbox(() => {}),
    ...rest
  }
}

/** Starts a local Cognito stopped (and its data dir removed) with the test. */
export async function startLocal (t: TestContext, extra: Parameters<typeof testOptions>[1] = {}): Promise<TestCognito> {
  const dataDir = await tempDir(t)
  const running: { local?: LocalCognito } = {}
  t.teardown(async () => {
    running.local?.sdk.destroy()
    await running.local?.emulator.close()
  })
  running.local = await startLocalCognito(testOptions(dataDir, extra))
  return withPool(running.local, dataDir)
}

export interface TestPool {
  local: TestCognito
  config: TestCognito['config']
  /** The newest code "sent" to `username`. */
  latestCode (username: string): string
  /** A new user, signed up and confirmed with the code sent, ready to sign in with PASSWORD. */
  confirmedUser (prefix?: string): Promise<{ username: string, password: string }>
}

export async function startTestCognito (t: TestContext, extra: Parameters<typeof testOptions>[1] = {}): Promise<TestPool> {
  const local = await startLocal(t, extra)
  const { clientId, clientSecret } = local.config.pool
  const latestCode = (username: string): string => {
    const message = local.outbox.list(username)[0]
    if (!message) throw new Error(`no message was sent to ${username}`)
    return message.code
  }
  const hash = (username: string) => clientSecret === undefined ? {} : { SecretHash: secretHash(username, clientId, clientSecret) }
  return {
    local,
    config: local.config,
    latestCode,
    async confirmedUser (prefix = 'user') {
      const username = uniqueUsername(prefix)
      const email = [{ Name: 'email', Value: `${username}@example.com` }]
      const signUp = { ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: email }
      await local.sdk.send(new SignUpCommand({ ...signUp, ...hash(username) }))
      const code = latestCode(username)
      await local.sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code, ...hash(username) }))
      return { username, password: PASSWORD }
    }
  }
}

/** Resolves once the clock has passed into the next whole second (JWT times are whole seconds). */
export async function nextWholeSecond (): Promise<void> {
  const second = Math.floor(Date.now() / 1000)
  while (Math.floor(Date.now() / 1000) <= second) await new Promise(resolve => setTimeout(resolve, 10))
}
