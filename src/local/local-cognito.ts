/**
 * Local mode: the embedded emulator, a pool and app client that survive
 * restarts (recorded in LOCAL_DATA_DIR/state.json, with a generated cookie
 * key), and the demo user. Returns the same CognitoSettings a real pool gives.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { CognitoSettings } from '../cognito/gateway.js'
import { DEMO_USER, ensureLocalPool, localCredentials, type LocalPool } from '../cognito/local-pool.js'
import { startEmulator, type Emulator } from './emulator.js'
import { createOutbox, type Outbox } from './outbox.js'

interface LocalState extends LocalPool {
  cookieSecret: string
  /** The emulator's last port: reusing it keeps the token issuer, so tokens survive a restart. */
  port?: number
}

export interface LocalCognito {
  settings: CognitoSettings
  cookieSecrets: string[]
  outbox: Outbox
  emulator: Emulator
  demoUser: { username: string, email: string, password: string }
  /** True when this start created the pool (first start, or a wiped data dir). */
  created: boolean
}

export async function startLocalCognito (config: Config, logger: Logger, outbox: Outbox = createOutbox()): Promise<LocalCognito> {
  const dataDir = resolve(config.local.dataDir)
  await mkdir(dataDir, { recursive: true })
  const stateFile = join(dataDir, 'state.json')
  const previous = await readState(stateFile)

  const options = {
    dataDir: join(dataDir, 'cognito'),
    outbox,
    // The emulator logs every request at info and every refusal (a wrong code...) as a warning
    // with a stack trace; the BFF logs those itself, so keep only the emulator's own failures.
    logger: logger.child({ component: 'cognito-local' }, { level: 'error' })
  }
  const emulator = await startOnStablePort(config.local.cognitoPort, previous?.port, port => startEmulator({ ...options, port }))
  try {
    const pool = await ensureLocalPool({ endpoint: emulator.endpoint, region: config.cognito.region, known: previous, demoPassword: config.local.demoPassword })
    const state: LocalState = {
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      cookieSecret: previous?.cookieSecret ?? randomBytes(32).toString('base64url'),
      port: Number(new URL(emulator.endpoint).port)
    }
    await writeFile(stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 })

    const issuer = `${emulator.endpoint}/${pool.userPoolId}`
    return {
      settings: {
        region: config.cognito.region,
        userPoolId: pool.userPoolId,
        clientId: pool.clientId,
        endpoint: emulator.endpoint,
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        loginFlow: config.cognito.loginFlow,
        timeoutMs: config.cognito.timeoutMs,
        credentials: localCredentials()
      },
      cookieSecrets: [state.cookieSecret],
      outbox,
      emulator,
      demoUser: { ...DEMO_USER, password: config.local.demoPassword },
      created: pool.created
    }
  } catch (err) {
    await emulator.close()
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
