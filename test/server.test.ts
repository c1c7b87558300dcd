/**
 * The entry point as people run it: `npm start` (tsx over the sources) and
 * production's `node dist/server.js` (the compiled build), as real processes
 * with their output and exit codes. The production cases run the build from
 * an install without the emulator package, as `npm ci --omit=dev` leaves it.
 */
import { execFile, spawn } from 'node:child_process'
import { createServer as createHttpServer } from 'node:http'
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { pino } from 'pino'
import t from 'tap'
import { iamPolicy } from '../src/cognito/iam-policy.js'
import { startLocalMode } from '../src/local/local-mode.js'
import { createOutbox } from '@cognito-bff/local-cognito'
import { freePort, localStart, PASSWORD, TEST_TIMEOUTS_ENV, uniqueUsername, untilReady } from './helper.js'
import { fileTimeout, until } from './helpers/timeouts.js'

// Measured: 37-52 s on a quiet machine (the build with tsc, and five service processes started from the sources or
// the build); 74 s with both cores kept busy.
t.setTimeout(fileTimeout(50_000))

const root = new URL('..', import.meta.url).pathname

/** The service as a process, killed with the test if it is still running then (whatever failed before it was stopped). */
function start (t: { teardown (fn: () => unknown): void }, args: string[], env: Record<string, string>, cwd = root) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_TIMEOUTS_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGKILL')
    await exited
  })
  const output = { stdout: '', stderr: '' }
  child.stdout.on('data', chunk => { output.stdout += chunk })
  child.stderr.on('data', chunk => { output.stderr += chunk })
  return { child, output, exited }
}

async function post (port: number, path: string, body: unknown): Promise<Response> {
  return await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
}

async function tempDir (t: { teardown (fn: () => unknown): void }, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('a bad configuration stops the process with one block naming every problem', async t => {
  const { output, exited } = start(t, ['--import', 'tsx', 'src/server.ts'], {
    PORT: 'eighty',
    LOGIN_FLOW: 'SRP',
    COGNITO_USER_POOL_ID: 'eu-west-1_AbC123'
  })
  t.equal(await exited, 1)
  t.match(output.stderr, /^cognito-bff: Invalid configuration:\n {2}- PORT: [^\n]+\n {2}- LOGIN_FLOW: [^\n]+\n[\s\S]*COGNITO_CLIENT_ID: required[\s\S]*COOKIE_SECRETS: required/)
  t.notMatch(output.stderr, /\n\s+at /, 'no stack trace')
})

t.test('npm start: local mode prints the demo user and every code Cognito would send, serves, and stops cleanly on SIGTERM', async t => {
  const dataDir = await tempDir(t, 'cognito-bff-server-')
  const port = await freePort()
  const { child, output, exited } = start(t, ['--import', 'tsx', 'src/server.ts'], { PORT: String(port), LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'info' })
  t.ok(await untilReady(port), 'ready')
  t.match(output.stdout, /running in local mode[\s\S]*Demo page: http:\/\/localhost:\d+\/local\/demo[\s\S]*Demo user: username "demo", password "Passw0rd!demo"/)
  t.equal((await post(port, '/auth/login', { username: 'demo', password: 'Passw0rd!demo' })).status, 200)

  const username = uniqueUsername('printed')
  t.equal((await post(port, '/auth/signup', { username, password: PASSWORD, email: `${username}@example.com` })).status, 201)
  const line = new RegExp(`^\\[local cognito\\] SignUp code for ${username} \\(EMAIL ${username}@example\\.com\\): (\\d{6})$`, 'm')
  const printed = line.exec(output.stdout)?.[1]
  t.ok(printed, 'the code is printed on one stdout line')
  t.equal((await post(port, '/auth/signup/confirm', { username, code: printed })).status, 200, 'and it is the code that confirms')

  // Lines are written in batches: on a quiet instance, a request's line still goes out without waiting for more.
  await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'x-request-id': 'a-quiet-request' } })
  await until(() => output.stdout.includes('"reqId":"a-quiet-request"'), { what: 'the request line of a lone request on stdout' })
  // Log lines are written asynchronously: the last request's line may still be pending when the signal comes.
  await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'x-request-id': 'the-last-request' } })
  child.kill('SIGTERM')
  t.equal(await exited, 0)
  t.match(output.stdout, /"reqId":"the-last-request"[^\n]*"msg":"request"/, 'the last request line was written before the process ended')
  t.match(output.stdout, /"msg":"shutting down"/)
})

t.test('the production build', async t => {
  await promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root })

  // What `npm ci --omit=dev` leaves: the compiled service and every package but the local Cognito and its emulator.
  const install = await tempDir(t, 'cognito-bff-prod-')
  await cp(join(root, 'dist'), join(install, 'dist'), { recursive: true })
  await cp(join(root, 'package.json'), join(install, 'package.json'))
  await mkdir(join(install, 'node_modules'))
  const devOnly = ['cognito-local', '@cognito-bff', '.bin']
  for (const name of await readdir(join(root, 'node_modules'))) {
    if (!devOnly.includes(name)) await symlink(join(root, 'node_modules', name), join(install, 'node_modules', name))
  }

  t.test('node dist/server.js runs local mode when the emulator is installed', async t => {
    const dataDir = await tempDir(t, 'cognito-bff-dist-')
    const port = await freePort()
    const { child, output, exited } = start(t, ['dist/server.js'], { PORT: String(port), LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' })
    t.ok(await untilReady(port), `ready (${output.stderr})`)
    t.equal((await post(port, '/auth/login', { username: 'demo', password: 'Passw0rd!demo' })).status, 200)
    child.kill('SIGTERM')
    t.equal(await exited, 0)
  })

  t.test('without the emulator, local mode refuses to start in one line', async t => {
    const { output, exited } = start(t, ['dist/server.js'], { PORT: String(await freePort()), LOCAL_DATA_DIR: join(install, '.local') }, install)
    t.equal(await exited, 1)
    t.equal(output.stderr, 'cognito-bff: local mode needs the cognito-local emulator, which a production install leaves out: ' +
      'run `npm install` (with dev dependencies), or set COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID to use a real pool.\n')
  })

  t.test('node dist/iam-policy.js prints the IAM policy in a production install', async t => {
    const env = { COGNITO_USER_POOL_ID: 'eu-west-1_AbC123', COGNITO_CLIENT_ID: 'abc', COOKIE_SECRETS: 'x'.repeat(32), PUBLIC_URL: 'https://a.example' }
    const run = promisify(execFile)
    const { stdout } = await run(process.execPath, ['dist/iam-policy.js'], { cwd: install, env: { PATH: process.env.PATH ?? '', ...env } })
    t.same(JSON.parse(stdout), iamPolicy({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', accountId: '*' }, {
      loginFlow: 'USER_PASSWORD_AUTH', adminApi: false
    }))
  })

  t.test('without the emulator, a configured pool is served: ready, and sign-in works', async t => {
    // The pool: an emulator this test runs, standing in for AWS behind COGNITO_ENDPOINT.
    const local = await startLocalMode(
      localStart({ LOCAL_DATA_DIR: await tempDir(t, 'cognito-bff-pool-') }),
      pino({ level: 'silent' }),
      createOutbox(() => {})
    )
    t.teardown(async () => {
      local.sdk.destroy()
      await local.emulator.close()
    })
    const { pool } = local.config
    const port = await freePort()
    const { child, output, exited } = start(t, ['dist/server.js'], {
      PORT: String(port),
      LOG_LEVEL: 'warn',
      PUBLIC_URL: `http://localhost:${port}`,
      COGNITO_USER_POOL_ID: pool.userPoolId,
      COGNITO_CLIENT_ID: pool.clientId,
      COGNITO_ENDPOINT: pool.endpoint!,
      COGNITO_ISSUER: pool.issuer,
      COOKIE_SECRETS: 'k'.repeat(32),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local'
    }, install)
    t.ok(await untilReady(port), `ready (${output.stderr})`)
    const login = await post(port, '/auth/login', { username: local.demoUser.username, password: local.demoUser.password, tokenDelivery: 'body' })
    t.equal(login.status, 200)
    const { tokens } = await login.json() as { tokens: { accessToken: string } }
    const me = await fetch(`http://127.0.0.1:${port}/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })
    t.equal(me.status, 200, 'the token the pool issued is verified against its JWKS')
    t.equal((await fetch(`http://127.0.0.1:${port}/local/messages`)).status, 404, 'no local routes with a configured pool')
    child.kill('SIGTERM')
    t.equal(await exited, 0)
  })
})

t.test('SIGTERM with a request in flight: it completes, new connections are refused, the process exits 0', async t => {
  // A Cognito that holds a sign-in until the test lets it refuse it: the request is in flight for as long as the test needs.
  let received: () => void = () => {}
  const arrived = new Promise<void>(resolve => { received = resolve })
  let release: () => void = () => {}
  const released = new Promise<void>(resolve => { release = resolve })
  const heldCognito = createHttpServer((request, response) => {
    request.resume()
    // The JWKS warm-up's GET: none here.
    if (request.method !== 'POST') return response.writeHead(404).end()
    received()
    released.then(() => {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'NotAuthorizedException' })
      response.end(JSON.stringify({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }))
    })
  })
  t.teardown(() => new Promise(resolve => { release(); heldCognito.closeAllConnections(); heldCognito.close(resolve) }))
  await new Promise<void>(resolve => heldCognito.listen(0, '127.0.0.1', resolve))
  const cognitoPort = (heldCognito.address() as { port: number }).port

  const port = await freePort()
  const { child, output, exited } = start(t, ['--import', 'tsx', 'src/server.ts'], {
    PORT: String(port),
    LOG_LEVEL: 'warn',
    PUBLIC_URL: `http://localhost:${port}`,
    COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
    COGNITO_CLIENT_ID: 'abc123',
    COGNITO_ENDPOINT: `http://127.0.0.1:${cognitoPort}`,
    COGNITO_ISSUER: `http://127.0.0.1:${cognitoPort}/eu-west-1_AbC123`,
    COOKIE_SECRETS: 'k'.repeat(32)
  })
  // Not ready (this Cognito serves no JWKS), but serving.
  t.ok(await untilReady(port, '/healthz'), `serving (${output.stderr})`)

  const inFlight = post(port, '/auth/login', { username: 'alice', password: PASSWORD })
  await arrived
  const stoppedAt = Date.now()
  child.kill('SIGTERM')
  const refused = async () => await fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => false,
    (err: Error) => (err.cause as { code?: string })?.code === 'ECONNREFUSED'
  )
  t.ok(await until(refused, { what: 'a new connection refused after SIGTERM' }).catch(() => false), 'a new connection after SIGTERM is refused')
  t.equal(child.exitCode, null, 'while the process still runs, its request in flight')

  release()
  const answer = await inFlight
  t.equal(answer.status, 401, 'the request in flight got its real answer')
  t.match(await answer.json(), { code: 'INVALID_CREDENTIALS' })
  // close-with-grace's delay is 10 s: past it, the process would be stopped with exit 1.
  t.equal(await exited, 0, 'exit 0')
  t.comment(`stopped ${Date.now() - stoppedAt} ms after SIGTERM`)
})
