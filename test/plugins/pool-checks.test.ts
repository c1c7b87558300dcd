/**
 * The pool checks at start: a failing check stops the start (through the app,
 * and through server.ts as a process: one line naming the setting and the
 * fix), warnings are logged once and shown at /readyz, a pool that cannot be
 * read is "unread" and does not stop anything. A real pool's settings are not
 * reproducible locally: the app cases mock the Cognito SDK, the process case
 * answers the three Describe calls from a small HTTP server standing in for
 * Cognito's endpoint.
 */
import { spawn } from 'node:child_process'
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  type UserPoolClientType,
  type UserPoolType
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import t, { type Test } from 'tap'
import { createCognitoGateway } from '../../src/cognito/gateway.js'
import { PoolMisconfiguredError } from '../../src/cognito/pool-checks.js'
import { buildAwsApp, buildTestApp, freePort, TEST_TIMEOUTS_ENV } from '../helper.js'
import { fakeCognito } from '../helpers/fake-cognito.js'
import { CLIENT_ID, POOL_ID } from '../helpers/jwks-server.js'
import { COGNITO_TIMEOUT_MS, fileTimeout, READY_MS } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(90_000))

/** A pool set up as docs/operations.md asks (no hosted UI in these apps). */
const HEALTHY_POOL: UserPoolType = { Id: POOL_ID, EmailConfiguration: { EmailSendingAccount: 'DEVELOPER' } }
const HEALTHY_CLIENT: UserPoolClientType = {
  ClientId: CLIENT_ID,
  ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  EnableTokenRevocation: true,
  PreventUserExistenceErrors: 'ENABLED'
}

/** An AWS-mode app over a mocked SDK client answering the Describe calls with `pool` and `client`. */
async function appOver (t: Test, pool: UserPoolType, client: UserPoolClientType) {
  const sdkClient = new CognitoIdentityProviderClient({
    region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1
  })
  const sdk = mockClient(sdkClient)
  t.teardown(() => sdk.restore())
  sdk.on(DescribeUserPoolCommand).resolves({ UserPool: pool })
  sdk.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: client })
  sdk.on(GetUserPoolMfaConfigCommand).resolves({ MfaConfiguration: 'OFF' })
  const built = await buildAwsApp(t, {
    readPool: true,
    env: { POOL_REFRESH_SECONDS: '0' },
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: sdkClient })
  })
  return { ...built, sdk }
}

t.test('(mocked Cognito SDK: a real pool\'s settings) device tracking on: the app refuses to start, naming the setting and the fix', async t => {
  const err = await appOver(t, { ...HEALTHY_POOL, DeviceConfiguration: { DeviceOnlyRememberedOnUserPrompt: true } }, HEALTHY_CLIENT)
    .then(() => undefined, (e: unknown) => e)
  t.type(err, PoolMisconfiguredError)
  const failure = err as PoolMisconfiguredError
  t.match(failure.failures, [{ setting: 'pool.DeviceConfiguration', status: 'fail', poolValue: 'user opt-in' }])
  t.equal(failure.failures.length, 1)
  t.match(failure.message, /pool\.DeviceConfiguration is user opt-in: .* Fix: set the pool's "Remember user devices" to "Don't remember"/)
  t.notMatch(failure.message, /\n/, 'one line')
})

t.test('(mocked Cognito SDK: a real pool\'s settings) revocation off, default e-mail sender: starts, warns once each, /readyz says warn', async t => {
  const { app, logs } = await appOver(t, { ...HEALTHY_POOL, EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' } },
    { ...HEALTHY_CLIENT, EnableTokenRevocation: false })
  const warnings = () => logs.filter(line => line.includes('"level":40') && line.includes('the user pool\'s settings'))
  t.equal(warnings().length, 2)
  t.match(warnings().join('\n'), /client\.EnableTokenRevocation is false: Logout clears the cookies and answers 204/)
  t.match(warnings().join('\n'),
    /pool\.EmailConfiguration\.EmailSendingAccount is COGNITO_DEFAULT: .* Fix: configure the pool to send e-mail with Amazon SES/)
  await app.userPool.refresh()
  t.equal(warnings().length, 2, 'the same warnings are not logged again at the next read')
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', checks: { jwks: 'ok', store: 'memory', pool: 'warn' } })
})

t.test('(mocked Cognito SDK: a real pool\'s settings) a healthy pool, then device tracking turned on while running', async t => {
  const { app, logs, sdk } = await appOver(t, HEALTHY_POOL, HEALTHY_CLIENT)
  const lines = () => logs.filter(line => line.includes('the user pool\'s settings'))
  t.same(lines(), [], 'nothing to say at start')
  t.same((await app.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ready', checks: { jwks: 'ok', store: 'memory', pool: 'ok' } })

  sdk.on(DescribeUserPoolCommand).resolves({ UserPool: { ...HEALTHY_POOL, DeviceConfiguration: { ChallengeRequiredOnNewDevice: true } } })
  await app.userPool.refresh()
  t.equal(lines().length, 1)
  t.match(lines()[0], /"level":50.*pool\.DeviceConfiguration is always: .* Fix: /, 'logged at error level, with the fix')
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200, 'still ready: every instance reads the same pool')
  t.same(ready.json(), { status: 'ready', checks: { jwks: 'ok', store: 'memory', pool: 'fail' } })
})

t.test('local mode, every LOGIN_FLOW: the local pool passes (the e-mail sender warns), and /readyz says warn', async t => {
  for (const flow of ['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH']) {
    const { app } = await buildTestApp(t, { env: { LOGIN_FLOW: flow, LOCAL_CLIENT_SECRET: flow === 'USER_AUTH' ? 'true' : 'false' } })
    const notOk = app.poolChecks.checks?.filter(check => check.status !== 'ok')
    t.match(notOk, [{ setting: 'pool.EmailConfiguration.EmailSendingAccount', status: 'warn' }], flow)
    t.equal(notOk?.length, 1)
    t.match((await app.inject({ method: 'GET', url: '/readyz' })).json(), { checks: { pool: 'warn' } })
  }
})

t.test('npm start against a pool whose client lacks the configured flow: exit 1 with one line naming the setting and the fix', async t => {
  const client: UserPoolClientType = { ...HEALTHY_CLIENT, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }
  const endpoint = await fakeCognito(t, { pool: HEALTHY_POOL, client })
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...TEST_TIMEOUTS_ENV,
      PORT: String(await freePort()),
      COGNITO_USER_POOL_ID: POOL_ID,
      COGNITO_CLIENT_ID: CLIENT_ID,
      COGNITO_ENDPOINT: endpoint,
      COGNITO_JWKS_URI: `${endpoint}/jwks.json`,
      COOKIE_SECRETS: 'test-cookie-secret-of-32-characters!',
      PUBLIC_URL: 'http://localhost:3000',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      LOG_LEVEL: 'silent'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', chunk => { stderr += chunk })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let timer: NodeJS.Timeout | undefined
  const code = await Promise.race([exited, new Promise(resolve => { timer = setTimeout(() => resolve('no exit'), READY_MS) })])
  clearTimeout(timer)
  t.equal(code, 1)
  const lines = stderr.trimEnd().split('\n')
  t.match(lines[0], /^cognito-bff: the user pool's settings make the service unusable: client\.ExplicitAuthFlows \(sign-in\) is ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH: LOGIN_FLOW=USER_PASSWORD_AUTH needs ALLOW_USER_PASSWORD_AUTH: every sign-in would be refused\. Fix: add ALLOW_USER_PASSWORD_AUTH to the app client's authentication flows/)
  t.match(lines.slice(1), [/npm run doctor/], 'and where to see every check')
  t.equal(lines.length, 2, 'no stack trace')
})
