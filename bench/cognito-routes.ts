/**
 * The Cognito-bound routes' own share: login, refresh and GET /me through the
 * service, against the same Cognito calls made directly through the SDK, on
 * the same emulator, in one run (issue 23, item 5). Targets: the service's
 * own share < 2 ms at p99 with one connection, < 0.5 ms of CPU per request.
 *
 * The emulator runs as a process of its own (the standalone emulator of
 * docker-compose's `cognito` container) and the service in aws mode against
 * it, configured as compose configures it: then the service process's CPU is
 * the service's alone. (In local mode the emulator lives inside the service
 * process, so its CPU would have to be subtracted by estimate.) The service
 * gets static AWS credentials in its environment, so it signs its calls as
 * local mode does with localCredentials(); the direct client is built by the
 * service's own createSdkClient with the same credentials, endpoint and
 * request handler.
 *
 * Two service processes: one with USER_CACHE_SECONDS=0, where GET /me calls
 * GetUser on every request (the like-for-like comparison), and one with the
 * default cache, where /me answers from the instance's copy of the user.
 *
 * BENCH_COGNITO_REQUESTS (default 1000) requests per operation and side, in
 * alternating blocks of BENCH_COGNITO_BLOCK (50). Writes bench/RESULTS.md
 * between the cognito-routes markers.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { Agent, request as httpRequest } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { createSdkClient, localCredentials } from '../src/cognito/client.js'
import { cpuMicros, tickMicros } from './cpu-time.js'
import { freePort } from './processes.js'
import { buildService, writeSection } from './results.js'

const REQUESTS = Number(process.env.BENCH_COGNITO_REQUESTS ?? 1000)
const BLOCK = Math.min(REQUESTS, Number(process.env.BENCH_COGNITO_BLOCK ?? 50))
const WARM_UP = 20
const TARGET_SHARE_P99_MS = 2
const TARGET_CPU_US = 500

// The standalone emulator's fixed ids and the demo user (packages/local-cognito/src/standalone-emulator.ts).
const POOL_ID = 'us-east-1_LocalPool1'
const CLIENT_ID = 'cognitobfflocalclient00001'
const USERNAME = 'demo'
const PASSWORD = 'Passw0rd!demo'

const children: ChildProcess[] = []
const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-cbench-'))

/** A process of node (`args` from the sources through tsx, unless they name a compiled .js file). */
function start (args: string[], env: Record<string, string>, name: string): ChildProcess {
  const argv = args.at(-1)!.endsWith('.js') ? args : ['--import', 'tsx', ...args]
  const child = spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000) })
  child.once('exit', code => { if (code !== 0 && code !== null && !stopping) process.stderr.write(`${name} exited ${code}:\n${stderr}\n`) })
  children.push(child)
  return child
}

async function until (what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + 90_000
  while (!await ready()) {
    if (performance.now() > deadline) throw new Error(`${what}: not ready within 90 s`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

let stopping = false
async function stopAll (): Promise<void> {
  stopping = true
  await Promise.all(children.map(async child => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }))
  await rm(dataDir, { recursive: true, force: true })
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { stopAll().finally(() => process.exit(130)).catch(() => process.exit(130)) })
}

// One keep-alive connection, one request at a time.
const agent = new Agent({ keepAlive: true, maxSockets: 1 })
interface Answer { status: number, body: string }
function http (port: number, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method,
      path,
      agent,
      headers: payload === undefined
        ? headers
        : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
    }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}
function ok (answer: Answer, what: string): Answer {
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${answer.body.slice(0, 300)}`)
  return answer
}

try {
  const emulatorPort = await freePort()
  const endpoint = `http://127.0.0.1:${emulatorPort}`
  const readyFile = join(dataDir, 'emulator-ready')
  const [uncachedPort, cachedPort] = [await freePort(), await freePort()]
  const measured = buildService()
  const emulator = start(['packages/local-cognito/src/standalone-emulator.ts'], {
    COGNITO_LOCAL_HOST: '127.0.0.1',
    COGNITO_LOCAL_PORT: String(emulatorPort),
    COGNITO_LOCAL_DATA_DIR: join(dataDir, 'emulator'),
    COGNITO_LOCAL_ISSUER: endpoint,
    COGNITO_LOCAL_READY_FILE: readyFile,
    COGNITO_LOCAL_BFF_URLS: `http://127.0.0.1:${uncachedPort},http://127.0.0.1:${cachedPort}`,
    LOCAL_DEMO_PASSWORD: PASSWORD
  }, 'emulator')
  await until('emulator', async () => existsSync(readyFile))

  // As docker-compose.yml's bff: aws mode, only the endpoint, issuer and JWKS URL point at the emulator.
  // The compiled build, as production runs it (built once, below).
  // BENCH_COGNITO_PROFILE=DIR: the uncached service writes a CPU profile there on exit (summarise it with
  // bench/token-verify/cpuprofile-summary.ts).
  const profileDir = process.env.BENCH_COGNITO_PROFILE
  const service = (port: number, extra: Record<string, string>, nodeArgs: string[] = []) => start([...nodeArgs, 'dist/server.js'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    COGNITO_USER_POOL_ID: POOL_ID,
    COGNITO_CLIENT_ID: CLIENT_ID,
    COGNITO_ENDPOINT: endpoint,
    COGNITO_ISSUER: `${endpoint}/${POOL_ID}`,
    COGNITO_JWKS_URI: `${endpoint}/${POOL_ID}/.well-known/jwks.json`,
    COOKIE_SECRETS: 'bench-only-cookie-secret-not-for-production-0123456789',
    // The emulator takes any credentials; static ones, so the service signs as local mode does.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Hundreds of sign-ins a minute from one address: the budget would refuse them.
    RATE_LIMIT_SIGNIN: '1000000',
    LOG_LEVEL: 'warn',
    ...extra
  }, `service on ${port}`)
  const uncached = service(uncachedPort, { USER_CACHE_SECONDS: '0' }, profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`])
  const cached = service(cachedPort, {})
  for (const port of [uncachedPort, cachedPort]) {
    await until(`service on ${port}`, async () => await http(port, 'GET', '/readyz', {}).then(r => r.status === 200, () => false))
  }

  const sdk = createSdkClient({ region: 'us-east-1', endpoint, timeoutMs: 16_000, credentials: localCredentials() })
  // What the gateway sends (src/cognito/sessions.ts, profile.ts): the client has no secret, so no SECRET_HASH.
  const context = { IpAddress: '127.0.0.1' }
  // The emulator keeps 20 sessions per user, as Cognito does: the login blocks evict older ones, so each operation signs in afresh.
  const loginBody = { username: USERNAME, password: PASSWORD, tokenDelivery: 'body' }
  let accessToken = ''
  let refreshToken = ''
  let bearer = {}
  const signIn = async () => {
    const answer = ok(await http(uncachedPort, 'POST', '/auth/login', {}, loginBody), 'login')
    const { tokens } = JSON.parse(answer.body) as { tokens: { accessToken: string, refreshToken: string } }
    accessToken = tokens.accessToken
    refreshToken = tokens.refreshToken
    bearer = { authorization: `Bearer ${accessToken}` }
  }

  // The service shares a refresh result for 2 s with whoever presents the same refresh token (src/session/session.ts,
  // single-flight): refreshing one token back to back would mostly measure that replay, not a call. So every refresh,
  // on both sides, presents a token of its own: 20 sessions (the emulator's cap per user) of as many bench users as needed.
  const refreshTokens: string[] = []
  for (let u = 0; refreshTokens.length < REQUESTS + WARM_UP; u++) {
    const Username = `bench${u}`
    await sdk.send(new AdminCreateUserCommand({ UserPoolId: POOL_ID, Username, MessageAction: 'SUPPRESS' }))
    await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL_ID, Username, Password: PASSWORD, Permanent: true }))
    for (let i = 0; i < 20; i++) {
      const out = await sdk.send(new InitiateAuthCommand({
        ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: Username, PASSWORD }
      }))
      refreshTokens.push(out.AuthenticationResult!.RefreshToken!)
    }
  }
  let nextForService = 0
  let nextForSdk = 0

  interface Operation {
    name: string
    direct: string
    /** The service process that answers it (whose CPU is measured). */
    pid: number
    /** Whether the route makes the Cognito call the direct side makes (else its whole latency is its own). */
    calls: boolean
    viaService: () => Promise<unknown>
    viaSdk: () => Promise<unknown>
  }
  const operations: Operation[] = [
    {
      name: 'login (POST /auth/login, tokens in the body)',
      direct: 'InitiateAuth USER_PASSWORD_AUTH',
      pid: uncached.pid!,
      calls: true,
      viaService: async () => ok(await http(uncachedPort, 'POST', '/auth/login', {}, loginBody), 'login'),
      viaSdk: async () => await sdk.send(new InitiateAuthCommand({
        ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD }, UserContextData: context
      }))
    },
    {
      name: 'refresh (POST /auth/refresh, { refreshToken }), a token of its own each time',
      direct: 'GetTokensFromRefreshToken',
      pid: uncached.pid!,
      calls: true,
      viaService: async () => ok(await http(uncachedPort, 'POST', '/auth/refresh', {}, { refreshToken: refreshTokens[nextForService++] }), 'refresh'),
      viaSdk: async () => await sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: refreshTokens[nextForSdk++] }))
    },
    {
      name: 'refresh, one token again and again (the 2 s shared result)',
      direct: 'GetTokensFromRefreshToken',
      pid: uncached.pid!,
      calls: false,
      viaService: async () => ok(await http(uncachedPort, 'POST', '/auth/refresh', {}, { refreshToken }), 'refresh'),
      viaSdk: async () => await sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: refreshToken }))
    },
    {
      name: 'GET /me, USER_CACHE_SECONDS=0',
      direct: 'GetUser',
      pid: uncached.pid!,
      calls: true,
      viaService: async () => ok(await http(uncachedPort, 'GET', '/me', bearer), '/me'),
      viaSdk: async () => await sdk.send(new GetUserCommand({ AccessToken: accessToken }))
    },
    {
      name: 'GET /me, default cache (30 s)',
      direct: 'GetUser',
      pid: cached.pid!,
      calls: false,
      viaService: async () => ok(await http(cachedPort, 'GET', '/me', bearer), '/me'),
      viaSdk: async () => await sdk.send(new GetUserCommand({ AccessToken: accessToken }))
    },
    {
      name: 'GET /healthz (no call: the floor of every route)',
      direct: 'GetUser',
      pid: cached.pid!,
      calls: false,
      viaService: async () => ok(await http(cachedPort, 'GET', '/healthz', {}), '/healthz'),
      viaSdk: async () => await sdk.send(new GetUserCommand({ AccessToken: accessToken }))
    }
  ]

  interface Side { ms: number[], serviceCpu: number, serviceKernel: number, emulatorCpu: number, benchCpu: number }
  const measure = async (side: Side, op: Operation, run: () => Promise<unknown>): Promise<void> => {
    const cpu0 = { total: cpuMicros(op.pid), kernel: tickMicros(op.pid).kernel }
    const emu0 = cpuMicros(emulator.pid!)
    const bench0 = process.cpuUsage()
    for (let i = 0; i < BLOCK; i++) {
      const started = performance.now()
      await run()
      side.ms.push(performance.now() - started)
    }
    const bench = process.cpuUsage(bench0)
    side.benchCpu += bench.user + bench.system
    side.serviceCpu += cpuMicros(op.pid) - cpu0.total
    side.serviceKernel += tickMicros(op.pid).kernel - cpu0.kernel
    side.emulatorCpu += cpuMicros(emulator.pid!) - emu0
  }

  const load = { before: loadavg(), after: [] as number[] }
  const started = Date.now()
  const results = []
  for (const op of operations) {
    await signIn()
    for (let i = 0; i < WARM_UP; i++) { await op.viaService(); await op.viaSdk() }
    const service: Side = { ms: [], serviceCpu: 0, serviceKernel: 0, emulatorCpu: 0, benchCpu: 0 }
    const direct: Side = { ms: [], serviceCpu: 0, serviceKernel: 0, emulatorCpu: 0, benchCpu: 0 }
    // Alternating blocks, the first side swapped each round, so drift (and the shared machine) hits both alike.
    for (let round = 0; round * BLOCK < REQUESTS; round++) {
      const pair = [() => measure(service, op, op.viaService), () => measure(direct, op, op.viaSdk)]
      if (round % 2 === 1) pair.reverse()
      for (const block of pair) await block()
    }
    results.push({ op, service, direct })
    process.stderr.write(`${op.name}: done\n`)
  }
  load.after = loadavg()
  const seconds = (Date.now() - started) / 1000
  sdk.destroy()

  const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! }
  const ms = (x: number) => x.toFixed(2)
  const us = (x: number) => Math.round(x).toString()
  const rows: string[] = []
  const targets: string[] = []
  for (const { op, service, direct } of results) {
    const [s50, s99, d50, d99] = [pct(service.ms, 0.5), pct(service.ms, 0.99), pct(direct.ms, 0.5), pct(direct.ms, 0.99)]
    // A route that makes no call: its whole latency is its own.
    const [own50, own99] = op.calls ? [s50 - d50, s99 - d99] : [s50, s99]
    const cpuService = service.serviceCpu / service.ms.length
    const cpuIdle = direct.serviceCpu / direct.ms.length
    const kernel = service.serviceKernel / service.ms.length - direct.serviceKernel / direct.ms.length
    // The SDK's own work for the call (signing, serializing, parsing), which a direct caller pays too: the bench
    // process's CPU per direct call. A route that makes no call owes none of it.
    const sdkCpu = op.calls ? direct.benchCpu / direct.ms.length : 0
    const ownCpu = cpuService - cpuIdle - sdkCpu
    const emu = `${us(service.emulatorCpu / service.ms.length)} / ${us(direct.emulatorCpu / direct.ms.length)}`
    rows.push(`| ${op.name} | ${op.calls ? op.direct : `none (${op.direct} beside it)`} | ${ms(s50)} / ${ms(s99)} | ${ms(d50)} / ${ms(d99)} | ` +
      `${ms(own50)} / ${ms(own99)} | ${us(cpuService - cpuIdle)} (kernel ${us(kernel)}) | ${op.calls ? us(sdkCpu) : '—'} | ${us(ownCpu)} | ${emu} |`)
    const mark = (good: boolean) => good ? '✅' : '❌'
    targets.push(`| ${op.name} | ${ms(own99)} ms | ${mark(own99 < TARGET_SHARE_P99_MS)} | ${us(ownCpu)} µs | ${mark(ownCpu < TARGET_CPU_US)} |`)
  }

  const avg = (l: number[]) => l.map(x => x.toFixed(2)).join(' ')
  const section = [
    '<!-- cognito-routes:begin -->',
    '## Cognito-bound routes: the service\'s own share',
    '',
    `\`npx tsx bench/cognito-routes.ts\`, ${new Date().toISOString().slice(0, 10)}, commit ${measured}: ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${cpus().length} cores, Node ${process.version}; load average ${avg(load.before)} before, ${avg(load.after)} after ` +
      `(${Math.round(seconds)} s).`,
    '',
    'Method: the standalone emulator (docker-compose\'s `cognito`) in a process of its own; the service from the sources ' +
      '(the compiled build, `node dist/server.js`) in aws mode against it, as compose configures it, memory store; the direct side is the ' +
      'service\'s own `createSdkClient` on the same endpoint with the same static credentials, sending what the gateway sends ' +
      `(no SECRET_HASH: the client has no secret). Per operation ${REQUESTS} requests a side after ${WARM_UP} of warm-up, one ` +
      `connection, one request at a time, in alternating blocks of ${BLOCK} (the side that goes first swapped each round); each ` +
      'request timed in the bench process (`performance.now`), answer read in full. Own share = service percentile − direct ' +
      'percentile (a row with no call: the service\'s own). Service CPU = the service process\'s CPU time (its threads\' ' +
      '`/proc/PID/task/*/schedstat`, in ns) ' +
      'over its blocks per request, minus the same process\'s CPU over the direct blocks per direct request (its idle cost: ' +
      'timers, metrics); the emulator is not in it. SDK CPU = the bench process\'s CPU (`process.cpuUsage`) per direct call: ' +
      'what making the call costs any caller (signing, serializing, parsing). Own CPU = service CPU − SDK CPU (rows with a call). ' +
      '"kernel": the part of service CPU in stime (sockets, wake-ups). `/healthz` is the floor any request pays at one connection. ' +
      'The service\'s refresh shares a result for 2 s with callers presenting the same refresh token (src/session/session.ts), so ' +
      'the refresh row gives every request, on both sides, a refresh token of its own (20 sessions each of bench users); the ' +
      'row after it presents one token again and again. The kernel part (stime, `/proc/PID/stat`) counts in 10 ms ticks: about ±' +
      `${us(Math.sqrt(2 * REQUESTS / BLOCK) * 1e4 / REQUESTS)} µs of rounding. The last column is the emulator process's CPU per ` +
      'call in the service\'s blocks and in the direct ones: equal when the route makes exactly the one call.',
    '',
    '`GET /me` reads the user with GetUser (src/plugins/user-profiles.ts), at most once per `USER_CACHE_SECONDS` (default 30) per ' +
      'user and instance; it is not served from the verified ID token. With the cache off it calls GetUser on every request (the ' +
      'like-for-like row); with the default it answers from the instance\'s copy (no call: its whole latency is its own).',
    '',
    '| operation | Cognito call | via service p50 / p99 ms | direct SDK p50 / p99 ms | own share p50 / p99 ms | service CPU µs/req | ' +
      'SDK CPU µs/call | own CPU µs/req | emulator CPU µs/call (service / direct) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Targets (issue 23): own share < ${TARGET_SHARE_P99_MS} ms at p99 with one connection, < ${TARGET_CPU_US} µs of CPU per request.`,
    '',
    '| operation | own share p99 | < 2 ms | own CPU | < 0.5 ms |',
    '|---|---|---|---|---|',
    ...targets,
    '<!-- cognito-routes:end -->'
  ].join('\n')

  await writeSection(section)
} finally {
  agent.destroy()
  await stopAll()
}
