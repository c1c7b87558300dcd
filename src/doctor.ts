/**
 * `npm run doctor` (`node dist/doctor.js` in the image): reads the configured
 * user pool as the service would (same config, same credentials; in local
 * mode, the local pool, started and stopped here) and prints every pool check
 * as a table: setting, pool value, what the service does with it, ok / warn /
 * fail, how to fix it.
 *
 * Exit codes: 0 every check is ok or warns; 1 a check fails (the service
 * would refuse to start); 2 nothing could be checked (invalid configuration,
 * or the Describe calls were refused or failed: the output says which IAM
 * actions to allow).
 */
// First: on a Node older than the service supports, stop before anything else loads.
import './node-version.js'
import { destination, pino } from 'pino'
import { gatewayFor, type PoolDescription } from './cognito/gateway.js'
import { checkPool, worstStatus, type Check } from './cognito/pool-checks.js'
import { ConfigError, loadConfig, type Config } from './config/index.js'
import type { LocalCognito } from './local/local-mode.js'

const DESCRIBE_ACTIONS = ['cognito-idp:DescribeUserPool', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:GetUserPoolMfaConfig']

const HEADER = ['setting', 'pool value', 'what the service does', 'status', 'how to fix']

/** The checks as a Markdown table (readable in a terminal, pasteable in a ticket). */
function formatChecks (checks: readonly Check[]): string {
  const cell = (text: string) => (text === '' ? '-' : text).replaceAll('|', '\\|').replaceAll('\n', ' ')
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  return [
    line(HEADER),
    line(HEADER.map(() => '---')),
    ...checks.map(check => line([check.setting, check.poolValue, check.whatTheServiceDoes, check.status, check.fix]))
  ].join('\n')
}

async function readPool (): Promise<{ config: Config, description: PoolDescription } | { config?: Config, problem: string }> {
  let loaded
  try {
    loaded = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return { problem: `${err.message}\nSee docs/configuration.md (or .env.example) for every variable.` }
  }
  // Only warnings (the local Cognito's, or the SDK's), on stderr: stdout is the table.
  const logger = pino({ level: 'warn' }, destination(2))
  let local: LocalCognito | undefined
  if (loaded.mode === 'local') {
    const { startLocalMode, EmulatorMissingError } = await import('./local/local-mode.js')
    try {
      local = await startLocalMode(loaded, logger)
    } catch (err) {
      if (err instanceof EmulatorMissingError) return { problem: err.message }
      throw err
    }
  }
  const config: Config = local?.config ?? loaded as Config
  const gateway = local ? gatewayFor(local.config, local.sdk) : gatewayFor(config)
  try {
    return { config, description: await gateway.describePool() }
  } catch (err) {
    // The SDK's own error (its name and message name the refused action), kept as the ApiError's cause.
    const cause = (err as Error).cause as (Error & { iamAction?: string }) | undefined
    const reason = cause === undefined ? (err as Error).message : `${cause.name}: ${cause.message}`
    return {
      config,
      problem: `could not read the user pool's settings (${reason}).\n` +
        `Allow ${DESCRIBE_ACTIONS.join(', ')} on arn:aws:cognito-idp:${config.pool.region}:<account>:userpool/${config.pool.userPoolId} ` +
        'for the credentials the service runs with (npm run iam-policy prints the whole policy). Without them the service still ' +
        'starts, on its configured values, but cannot check the pool.'
    }
  } finally {
    gateway.close()
    await local?.emulator.close()
  }
}

async function main (): Promise<number> {
  const read = await readPool()
  if (!('description' in read)) {
    process.stderr.write(`cognito-bff doctor: ${read.problem}\n`)
    return 2
  }
  const { config, description } = read
  const checks = checkPool(config, description)
  const count = (status: Check['status']) => checks.filter(check => check.status === status).length
  const worst = worstStatus(checks)
  process.stdout.write([
    `User pool ${config.pool.userPoolId}, app client ${config.pool.clientId} ` +
      `(${config.mode === 'local' ? 'local mode' : `AWS, ${config.pool.region}`})`,
    '',
    formatChecks(checks),
    '',
    `${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail: ` + (worst === 'fail'
      ? 'the service would refuse to start; fix the failing rows.'
      : worst === 'warn' ? 'the service starts; the warnings are logged at start.' : 'the service starts.'),
    ''
  ].join('\n'))
  return worst === 'fail' ? 1 : 0
}

process.exitCode = await main()
