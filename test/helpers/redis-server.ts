/**
 * A real, throwaway `redis-server` (Debian's package) for tests: its own free
 * port on 127.0.0.1, its own temp dir, no persistence. It can be stopped and
 * started again on the same port, or frozen (SIGSTOP) to play a server that
 * accepts connections but never answers, all within one test. Everything is
 * torn down with the test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface RedisServer {
  port: number
  /** `redis://127.0.0.1:<port>` (no credentials, even when `args` set a password). */
  url: string
  /** Whether the process is running (frozen counts as running). */
  running (): boolean
  /** Stops the server (SIGTERM; SIGKILL if it lingers) and waits for it to exit. */
  stop (): Promise<void>
  /** Starts it again on the same port (empty: nothing is persisted) and waits until it answers PING. */
  start (): Promise<void>
  /** SIGSTOP: connections stay open (and new ones are accepted by the kernel) but nothing answers. */
  freeze (): void
  /** SIGCONT after `freeze`. */
  thaw (): void
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--requirepass', 'secret']`. */
  args?: string[]
}

const READY_TIMEOUT_MS = 5000
const STOP_TIMEOUT_MS = 3000

export async function startRedisServer (t: { teardown (fn: () => unknown): void }, options: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = findOnPath('redis-server')
  const dir = await mkdtemp(join(tmpdir(), 'cognito-bff-redis-'))
  let child: ChildProcess | undefined
  let frozen = false
  let port = 0
  const killOnExit = () => child?.kill('SIGKILL')
  process.once('exit', killOnExit)

  async function launch (): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning', ...(options.args ?? [])]
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    frozen = false
    let output = ''
    const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000) }
    proc.stdout?.on('data', keep)
    proc.stderr?.on('data', keep)
    let exited: string | undefined
    proc.once('exit', (code, signal) => { exited = `exited with ${signal ?? code}` })
    proc.once('error', err => { exited = `failed to start: ${err.message}` })

    const deadline = Date.now() + READY_TIMEOUT_MS
    while (!(await answersPing(port))) {
      if (exited !== undefined) throw new Error(`redis-server on port ${port} ${exited}:\n${output}`)
      if (Date.now() > deadline) {
        proc.kill('SIGKILL')
        throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms:\n${output}`)
      }
      await sleep(20)
    }
  }

  async function stop (): Promise<void> {
    const proc = child
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()))
    if (frozen) proc.kill('SIGCONT')
    frozen = false
    proc.kill('SIGTERM')
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }

  // The port is free when we look; should another process grab it before
  // redis-server binds, try another one (only before the first start).
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    try {
      await launch()
      break
    } catch (err) {
      await stop()
      if (attempt === 3) throw err
    }
  }

  t.teardown(async () => {
    await stop()
    process.removeListener('exit', killOnExit)
    await rm(dir, { recursive: true, force: true })
  })

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    stop,
    async start () {
      await stop()
      await launch()
    },
    freeze () {
      child?.kill('SIGSTOP')
      frozen = true
    },
    thaw () {
      child?.kill('SIGCONT')
      frozen = false
    }
  }
}

function findOnPath (name: string): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  throw new Error(`${name} not found on PATH: the Redis store tests need a real Redis >= 6.2 ` +
    '(on Debian/Ubuntu: apt-get install redis-server)')
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** One raw PING; a password-protected server answering NOAUTH counts as up. */
async function answersPing (port: number): Promise<boolean> {
  return await new Promise<boolean>(resolve => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let reply = ''
    const done = (up: boolean) => {
      socket.destroy()
      resolve(up)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', chunk => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'))
    })
  })
}
