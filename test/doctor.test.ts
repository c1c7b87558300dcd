/**
 * `npm run doctor` as people run it: a process, its table and its exit code.
 * In local mode against the local pool (started and stopped by the doctor);
 * in AWS mode against a stand-in for Cognito's endpoint answering a real
 * pool's settings, or refusing the Describe calls as IAM would (a process
 * cannot have its SDK mocked). Each misconfiguration's own row is tested in
 * test/cognito/pool-checks.test.ts.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { TEST_TIMEOUTS_ENV } from './helper.js'
import { fakeCognito } from './helpers/fake-cognito.js'
import { CLIENT_ID, POOL_ID } from './helpers/jwks-server.js'
import { fileTimeout, READY_MS } from './helpers/timeouts.js'

t.setTimeout(fileTimeout(60_000))

const root = new URL('..', import.meta.url).pathname

/** Runs the doctor from the sources; resolves with its exit code and output, or rejects after READY_MS. */
async function doctor (t: Test, env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/doctor.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_TIMEOUTS_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const output = { stdout: '', stderr: '' }
  child.stdout.on('data', chunk => { output.stdout += chunk })
  child.stderr.on('data', chunk => { output.stderr += chunk })
  let timer: NodeJS.Timeout | undefined
  const code = await Promise.race([
    new Promise<number | null>(resolve => child.once('exit', code => resolve(code))),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the doctor did not finish within ${READY_MS} ms`)), READY_MS)
    })
  ]).finally(() => clearTimeout(timer))
  return { code, ...output }
}

/** The table's rows (without header and separator) as cells. */
const rows = (stdout: string) => stdout.split('\n').filter(line => line.startsWith('| ')).slice(2)
  .map(line => line.slice(2, -2).split(' | '))

const AWS_ENV = {
  COGNITO_USER_POOL_ID: POOL_ID,
  COGNITO_CLIENT_ID: CLIENT_ID,
  COOKIE_SECRETS: 'test-cookie-secret-of-32-characters!',
  PUBLIC_URL: 'https://auth.example.com',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test'
}

t.test('local mode: the table of every check against the local pool, ok or warn only, exit 0, the local Cognito stopped', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-doctor-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const { code, stdout } = await doctor(t, { LOCAL_DATA_DIR: dataDir })
  t.equal(code, 0)
  t.match(stdout, /^User pool \S+, app client \S+ \(local mode\)\n\n\| setting \| pool value \| what the service does \| status \| how to fix \|\n/)
  const table = rows(stdout)
  t.equal(table.length, 14, 'every check, the hosted-UI ones included (local mode has its stand-in)')
  t.ok(table.every(cells => cells.length === 5), 'five cells a row')
  t.same(table.filter(cells => cells[3] !== 'ok').map(cells => [cells[0], cells[3]]), [['pool.EmailConfiguration.EmailSendingAccount', 'warn']])
  t.match(stdout, /\n13 ok, 1 warn, 0 fail: the service starts; the warnings are logged at start\.\n$/)
})

t.test('AWS mode, a pool that remembers devices and a client secret: the failing row, the secret never printed, exit 1', async t => {
  const secret = 'the-client-secret-value-0123456789abcdef'
  const endpoint = await fakeCognito(t, {
    pool: { Id: POOL_ID, DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } },
    client: { ClientId: CLIENT_ID, ClientSecret: secret, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }
  })
  const { code, stdout, stderr } = await doctor(t, { ...AWS_ENV, COGNITO_ENDPOINT: endpoint, COGNITO_CLIENT_SECRET: secret })
  t.equal(code, 1)
  t.match(stdout, /\(AWS, us-east-1\)/)
  t.same(rows(stdout).filter(cells => cells[3] === 'fail').map(cells => [cells[0], cells[1], cells[4]]), [
    ['pool.DeviceConfiguration', 'always',
      'set the pool\'s "Remember user devices" to "Don\'t remember" (UpdateUserPool without DeviceConfiguration).']
  ])
  t.match(rows(stdout).find(cells => cells[0] === 'client.ClientSecret'), ['client.ClientSecret', 'set', /SECRET_HASH is sent/, 'ok', '-'])
  t.match(stdout, /: the service would refuse to start; fix the failing rows\.\n$/)
  t.notMatch(stdout + stderr, secret)
})

t.test('AWS mode, the Describe calls refused: says so and what IAM to allow, exit 2', async t => {
  const endpoint = await fakeCognito(t, 'access denied')
  const { code, stdout, stderr } = await doctor(t, { ...AWS_ENV, COGNITO_ENDPOINT: endpoint })
  t.equal(code, 2)
  t.equal(stdout, '', 'no table')
  t.match(stderr, /^cognito-bff doctor: could not read the user pool's settings \(AccessDeniedException: .*not authorized to perform: cognito-idp:Describe/)
  t.match(stderr, new RegExp('Allow cognito-idp:DescribeUserPool, cognito-idp:DescribeUserPoolClient, cognito-idp:GetUserPoolMfaConfig ' +
    'on arn:aws:cognito-idp:us-east-1:<account>:userpool/us-east-1_Mocked01'))
})

t.test('an invalid configuration: the same message as the service, exit 2', async t => {
  const { code, stderr } = await doctor(t, { COGNITO_USER_POOL_ID: POOL_ID })
  t.equal(code, 2)
  t.match(stderr, /^cognito-bff doctor: Invalid configuration:\n[\s\S]*COGNITO_CLIENT_ID: required/)
})
