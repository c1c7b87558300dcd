/**
 * Local mode: the embedded emulator, a pool and app client that survive
 * restarts (recorded in LOCAL_DATA_DIR/state.json, with a generated cookie
 * key and the client's secret when LOCAL_CLIENT_SECRET asks for one; the
 * client's hosted-UI URLs follow PUBLIC_URL on every start), the demo user,
 * and the outbox of "sent" messages (LOCAL_DATA_DIR/messages.json). Returns
 * the completed config (the pool the emulator made) and the SDK client that
 * set it up, for the gateway to reuse.
 *
 * The emulator (the `cognito-local` package) is a development dependency,
 * loaded only here: a production install has none, and says so in one line.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import { completeLocalConfig, type LocalConfig, type LocalStart } from '../config/index.js'
import { createSdkClient, localCredentials, type SdkClient } from '../cognito/client.js'
import { DEMO_ADMIN, DEMO_USER, ensureLocalAdmin, ensureLocalPool, type LocalOAuthUrls, type LocalPool } from '../cognito/local-pool.js'
import { applyLocalMfa } from '../cognito/local-pool.js'
import type { Emulator } from './emulator.js'
import { createOutbox, type Outbox } from './outbox.js'
import { quietSdkNotices } from './quiet-sdk-notices.js'

interface LocalState extends LocalPool {
  cookieSecret: string
  /** The emulator's last port: reusing it keeps the token issuer, so tokens survive a restart. */
  port?: number
}

export interface LocalCognito {
  config: LocalConfig
  /** The SDK client pointed at the emulator; the gateway serves with it. */
  sdk: SdkClient
  outbox: Outbox
  emulator: Emulator
  demoUser: { username: string, email: string, password: string }
  /** A member of the admin group (ADMIN_GROUP), with the demo user's password. */
  demoAdmin: { username: string, email: string, password: string, group: string }
  /** True when this start created the pool (first start, or a wiped data dir). */
  created: boolean
}

/** Local mode was asked for, but the emulator is not installed (a production install). */
export class EmulatorMissingError extends Error {
  constructor () {
    super('local mode needs the cognito-local emulator, which a production install leaves out: ' +
      'run `npm install` (with dev dependencies), or set COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID to use a real pool.')
    this.name = 'EmulatorMissingError'
  }
}

/**
 * Starts local mode. Messages go to `given` (tests pass their own), else to
 * an outbox kept in the data dir and printed to stdout.
 */
export async function startLocalCognito (start: LocalStart, logger: Logger, given?: Outbox): Promise<LocalCognito> {
  const { startEmulator } = await loadEmulator()
  const dataDir = resolve(start.local.dataDir)
  await mkdir(dataDir, { recursive: true })
  const stateFile = join(dataDir, 'state.json')
  const previous = await readState(stateFile)
  const outbox = given ?? createOutbox(undefined, { file: join(dataDir, 'messages.json') })

  const options = {
    dataDir: join(dataDir, 'cognito'),
    outbox,
    // The emulator logs every request at info and every refusal (a wrong code...) as a warning
    // with a stack trace; the BFF logs those itself, so keep only the emulator's own failures.
    logger: logger.child({ component: 'cognito-local' }, { level: 'error' })
  }
  const emulator = await startOnStablePort(start.local.cognitoPort, previous?.port, port => startEmulator({ ...options, port }))
  const sdk = createSdkClient({
    region: start.region,
    endpoint: emulator.endpoint,
    timeoutMs: start.cognito.timeoutMs,
    credentials: localCredentials()
  })
  try {
    const pool = await ensureLocalPool(sdk, {
      known: previous,
      demoPassword: start.local.demoPassword,
      clientSecret: start.local.clientSecret,
      oauth: hostedUiUrls(start)
    })
    await applyLocalMfa(sdk, pool.userPoolId, start.local.mfa)
    await ensureLocalAdmin(sdk, pool.userPoolId, start.admin.group, start.local.demoPassword)
    const state: LocalState = {
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      ...(pool.clientSecret === undefined ? {} : { clientSecret: pool.clientSecret }),
      cookieSecret: previous?.cookieSecret ?? randomBytes(32).toString('base64url'),
      port: Number(new URL(emulator.endpoint).port)
    }
    await writeFile(stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 })
    return {
      config: completeLocalConfig(start, {
        endpoint: emulator.endpoint,
        userPoolId: pool.userPoolId,
        clientId: pool.clientId,
        clientSecret: pool.clientSecret,
        cookieSecret: state.cookieSecret
      }),
      sdk,
      outbox,
      // Closing waits for the last messages to reach messages.json.
      emulator: { ...emulator, close: async () => { await outbox.flush(); await emulator.close() } },
      demoUser: { ...DEMO_USER, password: start.local.demoPassword },
      demoAdmin: { ...DEMO_ADMIN, password: start.local.demoPassword, group: start.admin.group },
      created: pool.created
    }
  } catch (err) {
    sdk.destroy()
    await emulator.close()
    throw err
  }
}

/** The app client's hosted-UI URLs: this service's callback, and the pages a sign-out may land on. */
function hostedUiUrls (start: LocalStart): LocalOAuthUrls {
  const origin = start.publicUrl.origin
  return { callbackUrls: [start.oauth.callbackUrl], logoutUrls: [`${origin}/local/demo`, `${origin}/`] }
}

/** The emulator module, loaded on demand (after the SDK notices are quieted). */
async function loadEmulator (): Promise<typeof import('./emulator.js')> {
  quietSdkNotices()
  try {
    return await import('./emulator.js')
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes('cognito-local')) throw new EmulatorMissingError()
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
