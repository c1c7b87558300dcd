/**
 * Entry point: config -> (local Cognito) -> app -> listen, and graceful
 * shutdown. Everything else lives in app.ts.
 */
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { buildApp, type AppDeps } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { loggerOptions } from './logger.js'
import type { LocalCognito } from './local/local-cognito.js'

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`cognito-bff: ${err.message}\nSee .env.example for every variable.\n`)
    process.exit(1)
  }

  const logger = pino(loggerOptions(config) as object)
  const started = Date.now()
  let local: LocalCognito | undefined
  let deps: AppDeps
  if (config.mode === 'local') {
    // Loaded only in local mode: the emulator is not part of an AWS deployment's start-up.
    const { startLocalCognito } = await import('./local/local-cognito.js')
    local = await startLocalCognito(config, logger)
    deps = { cognito: local.settings, cookieSecrets: local.cookieSecrets, outbox: local.outbox }
  } else {
    deps = { cognito: awsSettings(config), cookieSecrets: config.cookies.secrets ?? [] }
  }

  const app = await buildApp(config, deps)
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
    await local?.emulator.close()
  })
  await app.listen({ port: config.port, host: config.host })

  if (local) {
    const base = config.publicUrl.origin
    process.stdout.write([
      '',
      `cognito-bff is running in local mode (embedded Cognito at ${local.settings.endpoint}, ready in ${Date.now() - started} ms)`,
      `  API:       ${base}   docs: ${base}/docs`,
      `  Demo user: username "${local.demoUser.username}", password "${local.demoUser.password}"`,
      `  Codes Cognito would send: printed here, and at ${base}/local/messages`,
      `  Data:      ${config.local.dataDir}/ (delete it to start afresh)`,
      ''
    ].join('\n') + '\n')
  }
}

function awsSettings (config: Config): AppDeps['cognito'] {
  const { region, userPoolId = '', clientId = '' } = config.cognito
  const issuer = config.cognito.issuer ?? `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`
  return {
    region,
    userPoolId,
    clientId,
    clientSecret: config.cognito.clientSecret,
    endpoint: config.cognito.endpoint,
    issuer,
    jwksUri: config.cognito.jwksUri ?? `${issuer}/.well-known/jwks.json`,
    loginFlow: config.cognito.loginFlow,
    timeoutMs: config.cognito.timeoutMs
  }
}

await main()
