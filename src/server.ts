/**
 * Entry point: config -> (local Cognito) -> app -> listen, and graceful
 * shutdown. Everything else lives in app.ts.
 */
// First: on a Node older than the service supports, stop before anything else loads.
import './node-version.js'
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { buildApp, type AppDeps } from './app.js'
import { PoolMisconfiguredError } from './cognito/pool-checks.js'
import { ConfigError, loadConfig, type AwsConfig, type LocalStart } from './config/index.js'
import { loggerOptions } from './logger.js'
import type { LocalCognito } from './local/local-mode.js'

/** Prints one block and exits 1: for start-up problems the operator must fix, with no stack trace. */
function refuseToStart (message: string, hint?: string): never {
  process.stderr.write(`cognito-bff: ${message}\n${hint === undefined ? '' : `${hint}\n`}`)
  process.exit(1)
}

async function main (): Promise<void> {
  let loaded: AwsConfig | LocalStart
  try {
    loaded = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    refuseToStart(err.message, 'See docs/configuration.md (or .env.example) for every variable.')
  }

  const logger = pino(loggerOptions(loaded) as object)
  const started = Date.now()
  let local: LocalCognito | undefined
  let deps: AppDeps = {}
  if (loaded.mode === 'local') {
    // Loaded only in local mode: the local Cognito is a development dependency, absent from production installs.
    const { startLocalMode, EmulatorMissingError } = await import('./local/local-mode.js')
    try {
      local = await startLocalMode(loaded, logger)
    } catch (err) {
      if (err instanceof EmulatorMissingError) refuseToStart(err.message)
      throw err
    }
    const { gatewayFor } = await import('./cognito/gateway.js')
    deps = { gateway: gatewayFor(local.config, local.sdk), outbox: local.outbox }
  }
  const config = local?.config ?? loaded as AwsConfig

  const app = await buildApp(config, deps)
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    // Requests in flight finish; their keep-alive connections are closed as soon as they fall idle,
    // which the server's close would otherwise wait out.
    const idle = setInterval(() => app.server.closeIdleConnections(), 100)
    await app.close().finally(() => clearInterval(idle))
    await local?.emulator.close()
  })
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    if (!(err instanceof PoolMisconfiguredError)) throw err
    refuseToStart(err.message, 'Run `npm run doctor` for every check of the pool (docs/operations.md, "Before you deploy").')
  }

  if (local) {
    const base = config.publicUrl.origin
    process.stdout.write([
      '',
      `cognito-bff is running in local mode (embedded Cognito at ${local.config.pool.endpoint}, ready in ${Date.now() - started} ms)`,
      `  API:       ${base}   docs: ${base}/docs`,
      `  Demo page: ${base}/local/demo (sign up, sign in with the form or the hosted UI)`,
      `  Demo user: username "${local.demoUser.username}", password "${local.demoUser.password}"`,
      `  Admin:     username "${local.demoAdmin.username}", password "${local.demoAdmin.password}" (group ${local.demoAdmin.group}: /admin/*)`,
      `  Codes Cognito would send: printed here, and at ${base}/local/messages`,
      `  Data:      ${local.config.local.dataDir}/ (delete it to start afresh)`,
      ''
    ].join('\n') + '\n')
  }
}

await main()
