/**
 * Local mode's start: the local Cognito (packages/local-cognito) set up for
 * this service's config. Returns the completed config (the pool the emulator
 * made), the SDK client that set it up (built here, as the gateway's always
 * are, for the gateway to serve with) and the outbox.
 *
 * The package is a development dependency, loaded only here and only in local
 * mode: a production install has none, and says so in one line. Its types are
 * declared below rather than imported, so that src/ compiles without it (the
 * production build); test/local-mode/package-contract.test.ts checks the package against them.
 */
import type { Logger } from 'pino'
import { createSdkClient, localCredentials, type SdkClient } from '../cognito/client.js'
import { completeLocalConfig, type LocalConfig, type LocalStart } from '../config/index.js'
import type { LocalMessage, Outbox } from './outbox.js'

/** The package's name: a variable, so that the build does not look for it. */
const LOCAL_COGNITO_PACKAGE = '@cognito-bff/local-cognito'

/** The outbox as the package keeps it: messages are added by the emulator and saved to its data dir. */
export interface LocalOutbox extends Outbox {
  add (message: Omit<LocalMessage, 'id' | 'sentAt'>): LocalMessage
  flush (): Promise<void>
}

/** What the service passes to the package's startLocalCognito. */
export interface LocalCognitoOptions {
  dataDir: string
  port: number
  demoPassword: string
  adminGroup: string
  oauth: { callbackUrls: string[], logoutUrls: string[] }
  clientSecret: boolean
  mfa: 'off' | 'optional' | 'required'
  logger: Logger
  outbox?: LocalOutbox
  createSdk: (endpoint: string) => SdkClient
  /** The pool's Lambda triggers, run in process with the service's settings. */
  triggers: {
    publicUrl: string
    redirects: ReadonlyArray<{ origin: string, pathPrefix: string }>
    legacyUsersFile?: string
    defaultGroup?: string
  }
}

/** What the service uses of the package's answer. */
export interface StartedLocalCognito {
  endpoint: string
  userPoolId: string
  clientId: string
  clientSecret?: string
  cookieSecret: string
  sdk: SdkClient
  outbox: LocalOutbox
  emulator: { endpoint: string, close (): Promise<void> }
  demoUser: { username: string, email: string, password: string }
  demoAdmin: { username: string, email: string, password: string, group: string }
  created: boolean
}

/** The package's entry module, as far as the service uses it. */
export interface LocalCognitoPackage {
  startLocalCognito: (options: LocalCognitoOptions) => Promise<StartedLocalCognito>
}

/**
 * Local mode as the service holds it: the package's answer with the completed config. The SDK client is the
 * gateway's to destroy; `emulator.close()` stops the emulator after the last messages reach messages.json.
 */
export type LocalCognito = Pick<StartedLocalCognito, 'sdk' | 'outbox' | 'emulator' | 'demoUser' | 'demoAdmin' | 'created'> & {
  config: LocalConfig
}

/** Local mode was asked for, but the local Cognito is not installed (a production install). */
export class EmulatorMissingError extends Error {
  constructor () {
    super('local mode needs the cognito-local emulator, which a production install leaves out: ' +
      'run `npm install` (with dev dependencies), or set COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID to use a real pool.')
    this.name = 'EmulatorMissingError'
  }
}

/**
 * Starts local mode. Messages go to `outbox` (tests pass their own), else to
 * an outbox kept in the data dir and printed to stdout.
 */
export async function startLocalMode (start: LocalStart, logger: Logger, outbox?: LocalOutbox): Promise<LocalCognito> {
  const { startLocalCognito } = await loadPackage()
  const origin = start.publicUrl.origin
  const local = await startLocalCognito({
    dataDir: start.local.dataDir,
    port: start.local.cognitoPort,
    demoPassword: start.local.demoPassword,
    adminGroup: start.admin.group,
    // This service's callback, and the pages a sign-out may land on.
    oauth: { callbackUrls: [start.oauth.callbackUrl], logoutUrls: [`${origin}/local/demo`, `${origin}/`] },
    clientSecret: start.local.clientSecret,
    mfa: start.local.mfa,
    logger,
    ...(outbox === undefined ? {} : { outbox }),
    // The triggers a deployed pool calls, with this service's own settings: its pages, its allowlist.
    triggers: {
      publicUrl: start.publicUrl.href,
      redirects: start.oauth.redirects,
      ...(start.local.legacyUsers === undefined ? {} : { legacyUsersFile: start.local.legacyUsers }),
      ...(start.local.defaultGroup === undefined ? {} : { defaultGroup: start.local.defaultGroup })
    },
    createSdk: endpoint => createSdkClient({ region: start.region, endpoint, timeoutMs: start.cognito.timeoutMs, credentials: localCredentials() })
  })
  return {
    config: completeLocalConfig(start, {
      endpoint: local.endpoint,
      userPoolId: local.userPoolId,
      clientId: local.clientId,
      clientSecret: local.clientSecret,
      cookieSecret: local.cookieSecret
    }),
    sdk: local.sdk,
    outbox: local.outbox,
    emulator: local.emulator,
    demoUser: local.demoUser,
    demoAdmin: local.demoAdmin,
    created: local.created
  }
}

async function loadPackage (): Promise<LocalCognitoPackage> {
  try {
    return await import(LOCAL_COGNITO_PACKAGE) as LocalCognitoPackage
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /@cognito-bff\/local-cognito|cognito-local/.test(e.message)) throw new EmulatorMissingError()
    throw err
  }
}
