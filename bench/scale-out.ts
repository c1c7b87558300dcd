/**
 * Scale out, measured: the compiled service as one instance on the memory
 * store, one on a redis-server, two on that redis-server, and two on a Redis
 * Cluster, all under the SAME total load (a fixed rate, split evenly across
 * the instances). On a 2-core machine two instances cannot show more
 * throughput than one: what counts is each instance's CPU per request with
 * Redis versus memory, and the store's round trips per token check, counted
 * exactly on the Redis nodes with MONITOR (which names the commands a Lua
 * script runs inside Redis `lua`: not round trips) over the warm-up run
 * before each measured one; MONITOR slows Redis, so the measured run counts
 * with INFO commandstats instead. The method, in full, is written with the
 * figures into bench/RESULTS.md (between the scale-out markers).
 *
 * BENCH_SCALE_RATE (total req/s, default 3000), BENCH_SCALE_SECONDS (measured
 * run, default 4), BENCH_SCALE_ROUNDS (default 3).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { accessClaims, makeKey, signJwt, startJwksServer } from './token-verify/jwt.js'
import type { RunCommand, RunResult } from './token-verify/load.js'
import { startRedisCluster } from '../test/helpers/redis-cluster.js'
import { startRedisServer } from '../test/helpers/redis-server.js'
import { cpuMicros } from './cpu-time.js'
import { awsModeEnv, freePort } from './processes.js'
import { buildService, writeSection } from './results.js'

const RATE = Number(process.env.BENCH_SCALE_RATE ?? 3000)
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 4)
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 3)
const WARMUP_SECONDS = 1
/** Connections over all instances (split evenly): enough that the rate, not the connections, sets the pace. */
const CONNECTIONS = 50
/** Well under the verified-token cache's 10,000: after the first pass, every request is a hit. */
const TOKENS = 1_000
/** Not the request path: sent by this process, by replication, or by the client's upkeep. */
const BACKGROUND = /^(info|replconf|ping|cluster|client|config|command|hello|readonly|select|auth|psync|sync)(\||$)/

const started = Date.now()
const log = (message: string) => process.stderr.write(`[scale-out ${((Date.now() - started) / 1000).toFixed(0)} s] ${message}\n`)
const loadAverage = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')
const loadBefore = await loadAverage()

// ---- everything started is stopped, however this ends ---------------------------------------

const children: ChildProcess[] = []
const teardowns: Array<() => unknown> = []
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null
// The redis helpers SIGKILL their servers on exit themselves; services and the load process here.
process.on('exit', () => { for (const child of children) if (!exited(child)) child.kill('SIGKILL') })
// Without a handler, a signal ends the process without 'exit' listeners running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { stopAll().finally(() => process.exit(130)).catch(() => {}) })
const work = await mkdtemp(join(tmpdir(), 'cognito-bff-scale-bench-'))
teardowns.push(() => rm(work, { recursive: true, force: true }))

let stopping: Promise<void> | undefined
/** Services and load first (they hold connections to Redis), then Redis, the JWKS server, the temp dir: latest first. */
async function stopAll (): Promise<void> {
  stopping ??= (async () => {
    await Promise.all(children.filter(child => !exited(child)).map(child => {
      const done = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      return done
    }))
    for (const teardown of teardowns.reverse()) await teardown()
  })()
  await stopping
}

await main().finally(stopAll)

async function main (): Promise<void> {
  const measured = buildService()

  const key = makeKey('bench-rsa-2048', 2048)
  const jwks = await startJwksServer([key])
  teardowns.push(() => jwks.close())
  log('signing tokens')
  const tokenSets = {
    distinct: Array.from({ length: TOKENS }, (_, i) => signJwt(key, accessClaims(jwks.issuer, `user${i}`))),
    hot: [signJwt(key, accessClaims(jwks.issuer, 'hot'))]
  }
  const tokensFile = join(work, 'tokens.json')
  await writeFile(tokensFile, JSON.stringify(tokenSets))
  log('starting Redis and the cluster')
  const t = { teardown: (fn: () => unknown) => { teardowns.push(fn) } }
  const redis = await startRedisServer(t)
  const cluster = await startRedisCluster(t)
  const admins = new Map<number, Redis>()
  teardowns.push(() => { for (const client of admins.values()) client.disconnect() })
  /** A plain connection to one node, for INFO and ECHO. */
  const adminOf = (port: number) =>
    admins.get(port) ?? admins.set(port, new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 }).on('error', () => {})).get(port)!
  const bump = (counts: Map<string, number>, name: string, n = 1) => counts.set(name, (counts.get(name) ?? 0) + n)

  /** MONITOR on one node over a plain socket (ioredis's monitor mode trips on lines still arriving as it disconnects). */
  async function monitor (port: number, tag: string, seen: (name: string, source: string) => void) {
    const socket = createConnection(port, '127.0.0.1').setEncoding('utf8')
    let buffer = ''
    let started = () => {}
    let ended = () => {}
    const ready = new Promise<void>((resolve, reject) => { started = resolve; socket.once('error', reject) })
    const end = new Promise<void>(resolve => { ended = resolve })
    socket.on('connect', () => socket.write('MONITOR\r\n')).on('data', (chunk: string) => {
      buffer += chunk
      for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at)
        buffer = buffer.slice(at + 2)
        // +1796596739.153735 [0 127.0.0.1:45530] "evalsha" "…" …; [0 lua] for what a script runs
        const [, source, name, first] = /^\+\S+ \[\d+ ([^\]]+)\] "([^"]*)"(?: "([^"]*)")?/.exec(line) ?? []
        if (line === '+OK') started()
        else if (name?.toLowerCase() === 'echo' && first === tag) ended()
        else if (name !== undefined) seen(name.toLowerCase(), source!)
      }
    })
    await ready
    return { end, close: () => socket.destroy() }
  }

  let sentinels = 0
  /** Commands clients sent to the nodes on `ports` during `run` (not those of Lua scripts), by name; background ones apart. */
  async function sentCommands (ports: number[], run: () => Promise<unknown>) {
    const sent = new Map<string, number>()
    const background = new Map<string, number>()
    const tag = `scale-out-sentinel-${++sentinels}`
    const monitors = await Promise.all(ports.map(port => monitor(port, tag, (name, source) => {
      if (source !== 'lua') bump(BACKGROUND.test(name) ? background : sent, name)
    })))
    await run()
    // Every request was answered: once each node's stream shows the sentinel, it has shown every command before it.
    await Promise.all(ports.map(port => adminOf(port).echo(tag)))
    await Promise.all(monitors.map(m => m.end))
    for (const m of monitors) m.close()
    return { sent, background }
  }
  /** Calls by command (those run inside Lua scripts included), and CPU seconds, summed over `ports`. */
  async function redisCounters (ports: number[]): Promise<{ calls: Map<string, number>, cpuUs: number }> {
    const calls = new Map<string, number>()
    let cpuUs = 0
    for (const port of ports) {
      const info = await adminOf(port).info('all')
      for (const [, name, n] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) bump(calls, name!, Number(n))
      cpuUs += (Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1])) * 1e6
    }
    return { calls, cpuUs }
  }
  interface Instance { name: string, pid: number, url: string }

  /** As bench/token-verify.ts starts it: production, AWS mode, logging at info to /dev/null; `env` e.g. REDIS_URL. */
  async function startService (name: string, env: Record<string, string> = {}): Promise<Instance> {
    const port = await freePort()
    const child = spawn(process.execPath, ['dist/server.js'], {
      env: awsModeEnv(port, jwks, env),
      stdio: ['ignore', 'ignore', 'inherit']
    })
    children.push(child)
    const url = `http://127.0.0.1:${port}`
    for (const deadline = Date.now() + 30_000; ;) {
      if (exited(child)) throw new Error(`${name} exited (${child.exitCode})`)
      if (Date.now() > deadline) throw new Error(`${name} was not ready within 30 s`)
      // 401 (no token) once ready and past the load shedding of its start-up second.
      if (await fetch(`${url}/tokens/check`).then(r => r.status === 401, () => false)) break
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    return { name, pid: child.pid!, url }
  }

  log('starting services')
  // One at a time: six starting together on two cores would crowd each other's start-up.
  const memory = await startService('memory')
  const redisA = await startService('redis-1', { REDIS_URL: redis.url })
  const redisB = await startService('redis-2', { REDIS_URL: redis.url })
  const clusterA = await startService('cluster-1', { REDIS_URL: cluster.url, REDIS_CLUSTER: 'true' })
  const clusterB = await startService('cluster-2', { REDIS_URL: cluster.url, REDIS_CLUSTER: 'true' })
  const load = fork('bench/token-verify/load.ts', [tokensFile], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  children.push(load)
  await new Promise(resolve => load.once('message', resolve))
  let runs = 0
  const pending = new Map<number, { resolve (result: RunResult): void, reject (err: Error): void }>()
  load.on('message', (message: RunResult) => {
    if (message.type !== 'done') return
    pending.get(message.id)?.resolve(message)
    pending.delete(message.id)
  })
  load.on('exit', code => { for (const { reject } of pending.values()) reject(new Error(`the load process exited (${code})`)) })

  type TokenSet = keyof typeof tokenSets
  /** One run against one instance; concurrent runs are independent autocannon instances in the load process. */
  async function drive (instance: Instance, set: TokenSet, amount: number, rate: number | undefined, connections: number): Promise<RunResult> {
    const id = ++runs
    const answer = new Promise<RunResult>((resolve, reject) => pending.set(id, { resolve, reject }))
    const command: RunCommand = { type: 'run', id, url: `${instance.url}/tokens/check`, method: 'GET', set, as: 'bearer', connections, amount }
    // Each instance and set its own cursor: every instance cycles through all the tokens.
    load.send({ ...command, cursor: `${instance.name}:${set}`, ...(rate === undefined ? {} : { rate }) })
    const result = await answer
    if (result.ok !== result.requests || result.errors > 0) {
      throw new Error(`${instance.name}: ${result.requests} requests, ${result.ok} 2xx (${JSON.stringify(result.statuses)}), ${result.errors} errors`)
    }
    return result
  }
  const cpuTime = async (pid: number) => cpuMicros(pid)
  interface Setup { id: string, what: string, store: string, instances: Instance[], ports: number[] }
  const setups: Setup[] = [
    { id: '1', what: 'one instance', store: 'memory', instances: [memory], ports: [] },
    { id: '2', what: 'one instance', store: 'one redis-server', instances: [redisA], ports: [redis.port] },
    { id: '3', what: 'two instances', store: 'the same redis-server', instances: [redisA, redisB], ports: [redis.port] },
    {
      id: '4',
      what: 'two instances',
      store: 'Redis Cluster (3 primaries, 3 replicas)',
      instances: [clusterA, clusterB],
      ports: cluster.nodes.map(node => node.port)
    }
  ]
  const rows: Array<{ set: TokenSet, what: string }> = [
    { set: 'distinct', what: `${TOKENS.toLocaleString('en')} distinct tokens, all cached` },
    { set: 'hot', what: 'one hot token' }
  ]

  log('filling every instance\'s verified-token cache')
  // Three passes each: every token cached, and the code warm before the first round (JIT).
  for (const instance of [memory, redisA, redisB, clusterA, clusterB]) await drive(instance, 'distinct', 3 * TOKENS, undefined, 10)

  interface Sample {
    rps: number
    /** Per instance. */
    cpuUs: number[],
    p50: number[],
    p99: number[]
    /** Request-path commands sent (the warm-up run) and executed (the measured run, Lua's included): per request, by name. */
    tripsBy: Map<string, number>
    executedBy: Map<string, number>
    /** Background commands sent over the warm-up run, by name. */
    background: Map<string, number>
    redisCpuUs: number
  }
  const samples = new Map<string, Sample[]>()

  /** The same total rate and request count for every setup, split evenly across its instances, all at once. */
  async function measure (setup: Setup, set: TokenSet): Promise<Sample> {
    const n = setup.instances.length
    const amount = Math.round(RATE * SECONDS / n)
    const warm = Math.round(RATE * WARMUP_SECONDS / n)
    const warmUp = () => Promise.all(setup.instances.map(instance => drive(instance, set, warm, RATE / n, CONNECTIONS / n)))
    const { sent, background } = await sentCommands(setup.ports, warmUp)
    const redisBefore = await redisCounters(setup.ports)
    const cpuBefore = await Promise.all(setup.instances.map(instance => cpuTime(instance.pid)))
    const results = await Promise.all(setup.instances.map(instance => drive(instance, set, amount, RATE / n, CONNECTIONS / n)))
    const cpuAfter = await Promise.all(setup.instances.map(instance => cpuTime(instance.pid)))
    const redisAfter = await redisCounters(setup.ports)
    const requests = results.reduce((sum, r) => sum + r.requests, 0)
    const executedBy = new Map<string, number>()
    for (const [name, calls] of redisAfter.calls) {
      const delta = calls - (redisBefore.calls.get(name) ?? 0)
      if (delta > 0 && !BACKGROUND.test(name)) executedBy.set(name, delta / requests)
    }
    return {
      rps: requests / Math.max(...results.map(r => r.seconds)),
      cpuUs: results.map((r, i) => (cpuAfter[i]! - cpuBefore[i]!) / r.requests),
      p50: results.map(r => r.p50),
      p99: results.map(r => r.p99),
      tripsBy: new Map([...sent].map(([name, calls]) => [name, calls / (warm * n)])),
      executedBy,
      background,
      redisCpuUs: (redisAfter.cpuUs - redisBefore.cpuUs) / requests
    }
  }

  for (let round = 1; round <= ROUNDS; round++) {
    for (const setup of setups) {
      for (const row of rows) {
        const sample = await measure(setup, row.set)
        const id = `${setup.id}:${row.set}`
        samples.set(id, [...(samples.get(id) ?? []), sample])
        log(`round ${round} setup ${id}: ${sample.rps.toFixed(0)} req/s, CPU ${sample.cpuUs.map(x => x.toFixed(0)).join(' / ')} µs/req; ` +
          `per request, sent ${JSON.stringify([...sample.tripsBy])}, executed ${JSON.stringify([...sample.executedBy])}`)
      }
    }
  }

  const median = (xs: number[], sorted = [...xs].sort((a, b) => a - b), mid = Math.floor(xs.length / 2)) =>
    xs.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  const spread = (xs: number[], digits = 0) =>
    `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`
  const int = (x: number) => Math.round(x).toLocaleString('en')
  const total = (m: Map<string, number>) => [...m.values()].reduce((sum, x) => sum + x, 0)
  const names = (m: Map<string, number>, digits = 3) => [...m].map(([name, x]) => `${name} ${x.toFixed(digits)}`).join(', ') || 'none'
  /** The total per request, median (min–max) over rounds, and the first round's by command. */
  const commands = (xs: Sample[], pick: (s: Sample) => Map<string, number>) =>
    `${spread(xs.map(s => total(pick(s))), 3)}: ${names(pick(xs[0]!))}`

  const table: string[] = []
  const targets: string[] = []
  const background: string[] = []
  for (const setup of setups) {
    for (const row of rows) {
      const xs = samples.get(`${setup.id}:${row.set}`)!
      const perInstance = (pick: (s: Sample) => number[]) => setup.instances.map((_, i) => spread(xs.map(s => pick(s)[i]!))).join(' · ')
      // Same round, same row: what this instance pays above the memory store.
      const memoryXs = samples.get(`1:${row.set}`)!
      const added = setup.store === 'memory'
        ? '—'
        : setup.instances.map((_, i) => spread(xs.map((s, r) => s.cpuUs[i]! - memoryXs[r]!.cpuUs[0]!))).join(' · ')
      const latency = setup.instances.map((_, i) =>
        `${median(xs.map(s => s.p50[i]!)).toFixed(0)} / ${median(xs.map(s => s.p99[i]!)).toFixed(0)}`).join(' · ')
      const redis = setup.ports.length === 0
        ? '— | — | —'
        : `${spread(xs.map(s => s.redisCpuUs), 1)} | ${commands(xs, s => s.tripsBy)} | ${commands(xs, s => s.executedBy)}`
      table.push(`| ${setup.id} | ${setup.what} | ${setup.store} | ${row.what} | ${int(RATE)} / ${spread(xs.map(s => s.rps))} | ` +
        `${perInstance(s => s.cpuUs)} | ${added} | ${redis} | ${latency} |`)
      if (setup.ports.length === 0) continue
      const met = xs.every(s => Math.abs(total(s.tripsBy) - 1) < 0.0005)
      const perRound = xs.map(s => total(s.tripsBy).toFixed(3)).join(', ')
      targets.push(`| setup ${setup.id} (${setup.what}, ${setup.store}), ${row.what} | ${perRound} | ${met ? '✅' : '❌'} |`)
      background.push(`setup ${setup.id}, ${row.set}: ${names(xs[0]!.background, 0)}`)
    }
  }

  const loadAfter = await loadAverage()
  const cpuModel = /model name\s*:\s*(.+)/.exec(await readFile('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU'
  const section = [
    '<!-- scale-out:begin -->',
    '## Scale out: one and two instances, memory and Redis',
    '',
    `${cpuModel}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, commit ${measured}; ` +
      `load average ${loadBefore} before, ${loadAfter} after (other work on the machine shows there); ` +
      `${((Date.now() - started) / 60_000).toFixed(1)} min in all.`,
    '',
    'Method: the compiled service (`node dist/server.js`, AWS mode against a local JWKS server, logging at info to /dev/null), ' +
      'five processes started once: one on the memory store, two on one redis-server (setup 2 is the first of them alone), two on a ' +
      'Redis Cluster (REDIS_CLUSTER=true; 3 primaries + 3 replicas, as test/helpers/redis-cluster.ts builds it), every Redis on this machine. ' +
      `Every setup gets the same load: ${int(RATE)} req/s in all (autocannon's overallRate, ${CONNECTIONS} connections), ` +
      `${int(RATE * SECONDS)} requests (${SECONDS} s), split evenly across its instances and sent to them at once from one load process. ` +
      `GET /tokens/check, \`Authorization: Bearer\`: ${TOKENS.toLocaleString('en')} distinct tokens (RS256, RSA-2048, each a different ` +
      'user), every one already in each instance\'s verified-token cache (so what differs between setups is the store), or one hot token. ' +
      `${ROUNDS} rounds alternating the setups, each run after a ${WARMUP_SECONDS} s warm-up at the same rate; medians with min–max ` +
      'across rounds. CPU: the instance\'s threads\' CPU time (schedstat, ns) over the measured run, per request it answered. ' +
      'Redis CPU: used_cpu_sys + used_cpu_user of every node (INFO cpu), per request. Store round trips: the commands the ' +
      'service\'s clients sent, counted with MONITOR on every node (primaries and replicas) over the warm-up run (same rate, same ' +
      'tokens; every request answered, then an ECHO sentinel per node closes its stream), per request, by command; commands a ' +
      'Lua script runs inside Redis (MONITOR says `lua`) are not round trips. MONITOR slows Redis, so it is off in the measured run, ' +
      'where INFO commandstats before and after gives the commands Redis executed (those inside scripts included). ' +
      'ioredis sends one command per store call (no auto-pipelining), so commands sent are round trips.',
    '',
    '| setup | instances | store | tokens | req/s offered / achieved | CPU µs/req per instance | added vs memory, same round (µs/req) | ' +
      'Redis CPU µs/req (all nodes) | store round trips per request (commands sent) | commands Redis executed per request (inside Lua included) | ' +
      'p50 / p99 ms per instance |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...table,
    '',
    '| target: one store round trip per token check | per round | met |',
    '|---|---|---|',
    ...targets,
    '',
    'Commands sent not on the request path, over the first round\'s warm-up (all sources: this process\'s connection set-up and ' +
      `INFO, replication, the client's slot refreshes): ${background.join('; ')}.`,
    '',
    'A token check presents one token with Bearer; with the session cookies, GET /tokens/check also verifies the ID token cookie ' +
      '(for the e-mail header), which asks the store a second time (src/routes/tokens/index.ts `presented`). Not measured here.',
    '',
    'Reproduce: `npx tsx bench/scale-out.ts` (BENCH_SCALE_RATE, BENCH_SCALE_SECONDS, BENCH_SCALE_ROUNDS).',
    '<!-- scale-out:end -->'
  ].join('\n')

  await writeSection(section)
  log('done')
}
