/**
 * `npm run iam-policy` (in the image: `node dist/iam-policy.js`): prints the
 * least-privilege IAM policy for the configured pool and features (LOGIN_FLOW,
 * ADMIN_API), from the same environment the service reads. `--account <id>`
 * names the AWS account in the pool's ARN; without it, `*`.
 */
// First: on a Node older than the service supports, stop before anything else loads.
import './node-version.js'
import { parseArgs } from 'node:util'
import { formatPolicy, iamPolicy } from './cognito/iam-policy.js'
import { ConfigError, loadConfig } from './config/index.js'

function refuse (message: string): never {
  process.stderr.write(`cognito-bff iam-policy: ${message}\n`)
  process.exit(1)
}

const { values } = parseArgs({ options: { account: { type: 'string' } } })
const accountId = values.account ?? '*'
if (!/^(\d{12}|\*)$/.test(accountId)) refuse(`--account takes a 12-digit AWS account id (got ${JSON.stringify(accountId)})`)

let config
try {
  config = loadConfig()
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  refuse(`${err.message}\nSee docs/configuration.md (or .env.example) for every variable.`)
}
const target = config.mode === 'aws'
  ? { region: config.pool.region, userPoolId: config.pool.userPoolId, accountId }
  // Local mode signs nothing that reaches AWS; the policy is shown for every pool of the region.
  : { region: config.region, userPoolId: '*', accountId }
if (config.mode === 'local') process.stderr.write('cognito-bff iam-policy: local mode (no COGNITO_USER_POOL_ID): the resource is every pool\n')
process.stdout.write(formatPolicy(iamPolicy(target, { loginFlow: config.cognito.loginFlow, adminApi: config.admin.enabled })))
