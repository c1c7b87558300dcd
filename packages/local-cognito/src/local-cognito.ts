/**
 * The local Cognito, started from plain options: the emulator, a pool and app
 * client that survive restarts (recorded in <dataDir>/state.json, with a
 * generated secret the caller may use as a key, and the client's secret when
 * one is asked for; the client's hosted-UI URLs are set again on every start),
 * the demo user and administrator, and the outbox of "sent" messages
 * (<dataDir>/messages.json).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import type { Emulator } from './emulator.ts'
import { applyLocalMfa, DEMO_ADMIN, DEMO_USER, ensureLocalAdmin, ensureLocalPool, type LocalOAuthUrls, type LocalPool } from './local-pool.ts'
import { createOutbox, type Outbox } from './outbox.ts'
import { quietSdkNotices } from './quiet-sdk-notices.ts'
import type { LocalTriggerOptions } from './triggers.ts'
import { emulatorSdk, type SdkClient } from './sdk.ts'

interface LocalState extends LocalPool {
  /** Generated on the first start, kept afterwards (the service's cookie key). */
  cookieSecret: string
  /** The emulator's last port: reusing it keeps the token issuer, so tokens survive a restart. */
  port?: number
}

export interface LocalCognitoOptions {
  /** Where the pool, users, state.json and messages.json are kept (created when missing). */
  dataDir: string
  /** The emulator's port; 0: the previous run's port if free (tokens name it as their issuer), else any free one. */
  port: number
  /** The demo user's and administrator's password, set again on every start. */
  demoPassword: string
  /** The administrators' group, created with the demo administrator in it. */
  adminGroup: string
  /** Where the hosted UI may send users back to (after sign-in, after /logout). */
  oauth: LocalOAuthUrls
  /** Give the app client a secret (SECRET_HASH then checked on every call). Default false. */
  clientSecret?: boolean
  /** The pool's MFA setting, applied on every start. Default optional. */
  mfa?: 'off' | 'optional' | 'required'
  /** The emulator's own failures are logged here (as errors only). */
  logger: Logger
  /** Where messages go; default an outbox kept in dataDir and printed to stdout. */
  outbox?: Outbox
  /**
   * The SDK client to set the pool up with, given the endpoint (the service passes its own, which it then serves
   * with); default emulatorSdk. It is returned as `sdk` and left open: the caller destroys it.
   */
  createSdk?: (endpoint: string) => SdkClient
  /**
   * Run the pool's Lambda triggers (triggers/src) in process with these settings (triggers.ts): the e-mails with
   * their links, the legacy users' migration. None: the emulator's plain codes, no migration.
   */
  triggers?: LocalTriggerOptions
}

export interface LocalCognito {
  /** http://127.0.0.1:PORT: the SDK endpoint, the hosted UI's domain, and the base of the token issuer. */
  endpoint: string
  /** `<endpoint>/<userPoolId>`: the tokens' iss; the JWKS is at `<issuer>/.well-known/jwks.json`. */
  issuer: string
  userPoolId: string
  clientId: string
  /** Set when the app client has a secret. */
  clientSecret?: string
  /** A random secret generated on the first start and kept in state.json. */
  cookieSecret: string
  /** The SDK client that set the pool up (createSdk's, or emulatorSdk's). */
  sdk: SdkClient
  outbox: Outbox
  /** The emulator; its close() waits for the last messages to reach messages.json. */
  emulator: Emulator
  demoUser: { username: string, email: string, password: string }
  /** A member of the admin group, with the demo user's password. */
  demoAdmin: { username: string, email: string, password: string, group: string }
  /** True when this start created the pool (first start, or a wiped data dir). */
  created: boolean
}

/** Starts the local Cognito; on a failure, whatever did start is stopped again. */
export async function startLocalCognito (options: LocalCognitoOptions): Promise<LocalCognito> {
  quietSdkNotices()
  const { startEmulator } = await import('./emulator.ts')
  const dataDir = resolve(options.dataDir)
  await mkdir(dataDir, { recursive: true })
  const stateFile = join(dataDir, 'state.json')
  const previous = await readState(stateFile)
  const outbox = options.outbox ?? createOutbox(undefined, { file: join(dataDir, 'messages.json') })

  const triggers = options.triggers === undefined ? undefined : await (await import('./triggers.ts')).startLocalTriggers(options.triggers)
  const emulatorOptions = {
    dataDir: join(dataDir, 'cognito'),
    outbox,
    ...(triggers === undefined ? {} : { triggers }),
    // The emulator logs every request at info and every refusal (a wrong code...) as a warning
    // with a stack trace; the caller logs those itself, so keep only the emulator's own failures.
    logger: options.logger.child({ component: 'cognito-local' }, { level: 'error' })
  }
  let emulator: Emulator
  try {
    emulator = await startOnStablePort(options.port, previous?.port, port => startEmulator({ ...emulatorOptions, port }))
  } catch (err) {
    await triggers?.close()
    throw err
  }
  const sdk = (options.createSdk ?? emulatorSdk)(emulator.endpoint)
  try {
    const pool = await ensureLocalPool(sdk, {
      known: previous,
      demoPassword: options.demoPassword,
      clientSecret: options.clientSecret ?? false,
      oauth: options.oauth
    })
    await applyLocalMfa(sdk, pool.userPoolId, options.mfa ?? 'optional')
    const defaultGroup = options.triggers?.defaultGroup
    await ensureLocalAdmin(sdk, pool.userPoolId, options.adminGroup, options.demoPassword, defaultGroup === undefined ? [] : [defaultGroup])
    triggers?.connect(sdk)
    const state: LocalState = {
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      ...(pool.clientSecret === undefined ? {} : { clientSecret: pool.clientSecret }),
      cookieSecret: previous?.cookieSecret ?? randomBytes(32).toString('base64url'),
      port: Number(new URL(emulator.endpoint).port)
    }
    await writeFile(stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 })
    return {
      endpoint: emulator.endpoint,
      issuer: `${emulator.endpoint}/${pool.userPoolId}`,
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      ...(pool.clientSecret === undefined ? {} : { clientSecret: pool.clientSecret }),
      cookieSecret: state.cookieSecret,
      sdk,
      outbox,
      emulator: { ...emulator, close: async () => { await outbox.flush(); await emulator.close(); await triggers?.close() } },
      demoUser: { ...DEMO_USER, password: options.demoPassword },
      demoAdmin: { ...DEMO_ADMIN, password: options.demoPassword, group: options.adminGroup },
      created: pool.created
    }
  } catch (err) {
    sdk.destroy()
    await emulator.close()
    await triggers?.close()
    throw err
  }
}

/**
 * A configured port is used as is. Otherwise the previous run's port is tried
 * first (tokens name the emulator's address as their issuer, so a new port
 * would invalidate every access token out there), then any free port.
 */
async function startOnStablePort (configured: number, previous: number | undefined, start: (port: number) => Promise<Emulator>): Promise<Emulator> {
  if (configured !== 0 || previous === undefined) return await start(configured)
  try {
    return await start(previous)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    return await start(0)
  }
}

async function readState (file: string): Promise<LocalState | undefined> {
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalState>
    return typeof state.userPoolId === 'string' && typeof state.clientId === 'string' && typeof state.cookieSecret === 'string'
      ? state as LocalState
      : undefined
  } catch {
    return undefined
  }
}
