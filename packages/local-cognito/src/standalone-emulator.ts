/**
 * Only the embedded emulator, as a process of its own: the `cognito`
 * container of docker-compose.yml (the Dockerfile's `cognito-local` target).
 * The BFF then runs in aws mode against it, configured as against a real
 * pool: pool id, client id, endpoint, issuer and JWKS URL by environment.
 *
 * It serves what local mode's emulator serves (the local layer's guards, the
 * hosted-UI stand-in, codes printed on stdout and kept in messages.json) and
 * sets up the same pool, app client and demo user (local-pool.ts),
 * but with FIXED ids, so the BFF's environment can name them before anything
 * has run. cognito-local generates ids itself (`local_XXXXXXXX`, 26-character
 * client ids), so on the first start (no pool file for the fixed id) the pool
 * is made on a private loopback port with generated ids, the emulator is
 * closed, and its two files are renamed: `db/<generated>.json` becomes
 * `db/<fixed pool id>.json` and the client's entry in `db/clients.json` gets
 * the fixed client id, every occurrence of the generated ids replaced. Then
 * the emulator starts on its public address, and every start (the first
 * included) applies today's client settings and demo password. When that is
 * done the ready file is written: the container's healthcheck looks for it.
 *
 * Tokens name `<COGNITO_LOCAL_ISSUER>/<pool id>` as their issuer: the address
 * the BFF reaches the emulator at (http://cognito:9229 in compose).
 *
 * A development tool: it runs from the sources through tsx, with the emulator
 * (a development dependency) installed. Never expose it beyond a dev machine:
 * it serves a demo user with a known password and accepts any AWS credentials.
 *
 * Environment (all optional):
 *   COGNITO_LOCAL_HOST       interface to bind (0.0.0.0)
 *   COGNITO_LOCAL_PORT       port (9229)
 *   COGNITO_LOCAL_DATA_DIR   where the pool, users and messages are kept (/data)
 *   COGNITO_LOCAL_ISSUER     base of the token issuer (http://localhost:<port>)
 *   COGNITO_LOCAL_POOL_ID    the pool's id (us-east-1_LocalPool1)
 *   COGNITO_LOCAL_CLIENT_ID  the app client's id (cognitobfflocalclient00001)
 *   COGNITO_LOCAL_BFF_URLS   the BFF's public origins, comma-separated (http://localhost:3000):
 *                            each gets <url>/oauth/callback, <url>/local/demo and <url>/ on the app client
 *   COGNITO_LOCAL_READY_FILE written once the pool is set up, removed on stop (/tmp/cognito-local-ready)
 *   LOCAL_DEMO_PASSWORD      the demo user's password (Passw0rd!demo), set again on every start
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import { pino, type Logger } from 'pino'
import { exists } from './files.ts'
import { DEMO_USER, ensureLocalPool, type LocalOAuthUrls, type LocalPool } from './local-pool.ts'
import { createOutbox } from './outbox.ts'
import { quietSdkNotices } from './quiet-sdk-notices.ts'
import { emulatorSdk, type SdkClient } from './sdk.ts'

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/
const CLIENT_ID = /^[\w+]+$/
const REGION = 'us-east-1'

export interface StandaloneSettings {
  host: string
  port: number
  /** Holds `cognito/` (the emulator's config.json and db/) and messages.json. */
  dataDir: string
  issuer: string
  ids: { userPoolId: string, clientId: string }
  oauth: LocalOAuthUrls
  demoPassword: string
  readyFile: string
}

/** The settings from the environment; throws one error listing every bad value. */
export function standaloneSettings (env: NodeJS.ProcessEnv = process.env): StandaloneSettings {
  const problems: string[] = []
  const value = (name: string, fallback: string): string => env[name] === undefined || env[name] === '' ? fallback : env[name]!
  const port = Number(value('COGNITO_LOCAL_PORT', '9229'))
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`COGNITO_LOCAL_PORT: not a port (got ${env.COGNITO_LOCAL_PORT})`)
  const userPoolId = value('COGNITO_LOCAL_POOL_ID', `${REGION}_LocalPool1`)
  if (!POOL_ID.test(userPoolId)) problems.push(`COGNITO_LOCAL_POOL_ID: must look like us-east-1_AbC123 (got ${userPoolId})`)
  const clientId = value('COGNITO_LOCAL_CLIENT_ID', 'cognitobfflocalclient00001')
  if (!CLIENT_ID.test(clientId)) problems.push(`COGNITO_LOCAL_CLIENT_ID: letters, digits and _ only (got ${clientId})`)
  const issuer = value('COGNITO_LOCAL_ISSUER', `http://localhost:${port}`).replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]+$/.test(issuer)) problems.push(`COGNITO_LOCAL_ISSUER: an origin like http://cognito:9229 (got ${issuer})`)
  const bffUrls = value('COGNITO_LOCAL_BFF_URLS', 'http://localhost:3000').split(',').map(s => s.trim()).filter(Boolean)
  const origins: string[] = []
  for (const url of bffUrls) {
    if (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) origins.push(new URL(url).origin)
    else problems.push(`COGNITO_LOCAL_BFF_URLS: "${url}" is not an http(s) URL`)
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
  return {
    host: value('COGNITO_LOCAL_HOST', '0.0.0.0'),
    port,
    dataDir: resolve(value('COGNITO_LOCAL_DATA_DIR', '/data')),
    issuer,
    ids: { userPoolId, clientId },
    // What the service's local mode registers for its PUBLIC_URL, for each of the BFF's origins.
    oauth: {
      callbackUrls: origins.map(origin => `${origin}/oauth/callback`),
      logoutUrls: origins.flatMap(origin => [`${origin}/local/demo`, `${origin}/`])
    },
    demoPassword: value('LOCAL_DEMO_PASSWORD', 'Passw0rd!demo'),
    readyFile: value('COGNITO_LOCAL_READY_FILE', '/tmp/cognito-local-ready')
  }
}

export interface StandaloneEmulator {
  /** The address bound, for this process's own SDK calls. */
  endpoint: string
  close (): Promise<void>
}

/** Starts the emulator on its public address with the pool, client and demo user set up under the fixed ids. */
export async function startStandaloneEmulator (settings: StandaloneSettings, logger: Logger): Promise<StandaloneEmulator> {
  quietSdkNotices()
  const { startEmulator } = await import('./emulator.ts')
  const cognitoDir = join(settings.dataDir, 'cognito')
  await mkdir(settings.dataDir, { recursive: true })
  const outbox = createOutbox(undefined, { file: join(settings.dataDir, 'messages.json') })
  const options = { dataDir: cognitoDir, outbox, logger: logger.child({ component: 'cognito-local' }, { level: 'error' }) }

  if (!await hasPool(cognitoDir, settings.ids)) {
    // First start: cognito-local picks the ids; made where nobody can see them, then renamed.
    const made = await withEmulator(await startEmulator({ ...options, port: 0 }), async sdk =>
      await ensureLocalPool(sdk, { demoPassword: settings.demoPassword, oauth: settings.oauth }))
    await renamePool(join(cognitoDir, 'db'), made, settings.ids)
    logger.info({ from: { userPoolId: made.userPoolId, clientId: made.clientId }, to: settings.ids }, 'pool created, ids fixed')
  }

  const emulator = await startEmulator({ ...options, host: settings.host, port: settings.port, issuerDomain: settings.issuer })
  const sdk = sdkFor(emulator.endpoint)
  try {
    // Every start: today's app client settings (the BFF's URLs may have changed) and demo password.
    const pool = await ensureLocalPool(sdk, { known: settings.ids, demoPassword: settings.demoPassword, oauth: settings.oauth })
    if (pool.userPoolId !== settings.ids.userPoolId || pool.clientId !== settings.ids.clientId) {
      throw new Error(`The data in ${cognitoDir} does not hold app client ${settings.ids.clientId} of pool ${settings.ids.userPoolId}: ` +
        'remove the volume (podman-compose down -v) to start afresh')
    }
  } catch (err) {
    sdk.destroy()
    await emulator.close()
    throw err
  }
  sdk.destroy()
  return {
    endpoint: emulator.endpoint,
    close: async () => {
      await outbox.flush()
      await emulator.close()
    }
  }
}

function sdkFor (endpoint: string): SdkClient {
  return emulatorSdk(endpoint, { region: REGION })
}

async function withEmulator<T> (emulator: { endpoint: string, close (): Promise<void> }, run: (sdk: SdkClient) => Promise<T>): Promise<T> {
  const sdk = sdkFor(emulator.endpoint)
  try {
    return await run(sdk)
  } finally {
    sdk.destroy()
    await emulator.close()
  }
}

/** Whether the fixed pool's file exists and clients.json holds the fixed client of that pool. */
async function hasPool (cognitoDir: string, ids: LocalPool): Promise<boolean> {
  const db = join(cognitoDir, 'db')
  if (!await exists(join(db, `${ids.userPoolId}.json`))) return false
  try {
    const clients = JSON.parse(await readFile(join(db, 'clients.json'), 'utf8')) as { Clients?: Record<string, { UserPoolId?: string }> }
    return clients.Clients?.[ids.clientId]?.UserPoolId === ids.userPoolId
  } catch {
    return false
  }
}

/**
 * Gives a pool and its app client the fixed ids, in the emulator's files (it
 * must not be running): the pool file is written under its new name, every
 * occurrence of the generated ids replaced (the pool's Id and Arn, the
 * client's key, ClientId and UserPoolId), then the old pool file is removed.
 */
export async function renamePool (db: string, from: LocalPool, to: LocalPool): Promise<void> {
  const swap = (text: string): string => text.replaceAll(from.userPoolId, to.userPoolId).replaceAll(from.clientId, to.clientId)
  await writeAtomically(join(db, `${to.userPoolId}.json`), swap(await readFile(join(db, `${from.userPoolId}.json`), 'utf8')))
  await writeAtomically(join(db, 'clients.json'), swap(await readFile(join(db, 'clients.json'), 'utf8')))
  await rm(join(db, `${from.userPoolId}.json`))
}

async function writeAtomically (file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, text)
  await rename(temporary, file)
}

async function main (): Promise<void> {
  const logger = pino({ base: { component: 'standalone-emulator' } })
  let settings: StandaloneSettings
  try {
    settings = standaloneSettings()
  } catch (err) {
    process.stderr.write(`cognito-local: ${(err as Error).message}\n`)
    process.exit(1)
  }
  await rm(settings.readyFile, { force: true })
  const started = Date.now()
  const emulator = await startStandaloneEmulator(settings, logger)
  closeWithGrace({ delay: 5_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error')
    else logger.info({ signal }, 'shutting down')
    await rm(settings.readyFile, { force: true })
    await emulator.close()
  })
  await writeFile(settings.readyFile, `${new Date().toISOString()}\n`)
  const { userPoolId, clientId } = settings.ids
  process.stdout.write([
    '',
    `cognito-local is running on ${settings.host}:${settings.port} (ready in ${Date.now() - started} ms)`,
    `  Pool:      ${userPoolId}   app client: ${clientId} (no secret)`,
    `  Issuer:    ${settings.issuer}/${userPoolId}   JWKS: ${settings.issuer}/${userPoolId}/.well-known/jwks.json`,
    `  Demo user: username "${DEMO_USER.username}", password "${settings.demoPassword}"`,
    '  Codes Cognito would send: printed here as [local cognito] lines',
    `  Data:      ${settings.dataDir}`,
    ''
  ].join('\n') + '\n')
}

// Run as a program (node --import tsx packages/local-cognito/src/standalone-emulator.ts), not when imported by a test.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
