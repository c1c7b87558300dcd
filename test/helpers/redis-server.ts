/**
 * A real, throwaway `redis-server` (Debian's package) for tests: its own free
 * port on 127.0.0.1, its own temp dir, no persistence. It can be stopped and
 * started again on the same port, killed (SIGKILL), or frozen (SIGSTOP) to
 * play a server that accepts connections but never answers, all within one
 * test. With `tls`, it serves TLS only, with a CA and a certificate for
 * localhost and 127.0.0.1 made by openssl in its dir. Everything is torn down
 * with the test that started it, even when the start fails.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { connect as tlsConnect } from 'node:tls'
import { promisify } from 'node:util'

export interface RedisServer {
  port: number
  /** `redis://127.0.0.1:<port>`, or `rediss://` with `tls` (no credentials, even when `args` set a password). */
  url: string
  /** The directory the server runs in (its cluster config file, its certificates). */
  dir: string
  /** With `tls`: the CA's PEM, and the files the server was given. */
  tls?: TlsFiles
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
  /** SIGKILL (a crash: no goodbye to clients or to a cluster) and waits for the process to be gone. */
  kill (): Promise<void>
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--requirepass', 'secret']`. */
  args?: string[]
  /** TLS only (`--port 0 --tls-port`), clients not asked for certificates; certificates made for the server. */
  tls?: boolean
}

export interface TlsFiles {
  /** The CA's certificate, PEM. */
  ca: string
  caFile: string
  certFile: string
  keyFile: string
}

// Generous: a busy machine (two cores, both busy) starts a process many times slower than an idle one.
const READY_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 3000

export async function startRedisServer (t: { teardown (fn: () => unknown): void }, options: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = findOnPath('redis-server')
  const dir = await mkdtemp(join(tmpdir(), 'cognito-bff-redis-'))
  let child: ChildProcess | undefined
  let frozen = false
  let port = 0
  const killOnExit = () => child?.kill('SIGKILL')
  process.once('exit', killOnExit)
  // Registered before anything is started: a start that fails leaves nothing running.
  t.teardown(async () => {
    await stop()
    process.removeListener('exit', killOnExit)
    await rm(dir, { recursive: true, force: true })
  })
  const tls = options.tls === true ? await makeCertificates(dir) : undefined

  async function launch (): Promise<void> {
    const listen = tls === undefined
      ? ['--port', String(port)]
      : ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile,
          '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no']
    const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
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
    while (!(await answersPing(port, tls?.ca))) {
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

  return {
    port,
    url: `${tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    dir,
    ...(tls === undefined ? {} : { tls }),
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
    },
    async kill () {
      const proc = child
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()))
      proc.kill('SIGKILL')
      await exited
    }
  }
}

/** A CA, and a server certificate it signed for localhost and 127.0.0.1 (EC P-256, valid one day), made with openssl. */
async function makeCertificates (dir: string): Promise<TlsFiles> {
  const openssl = findOnPath('openssl')
  const run = async (...args: string[]) => await promisify(execFile)(openssl, args, { cwd: dir })
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await run('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cognito-bff test CA')
  await run('req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost')
  await writeFile(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n')
  await run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext')
  return {
    ca: await readFile(join(dir, 'ca.crt'), 'utf8'),
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key')
  }
}

/** The path of the executable `name` on PATH; throws saying what to install when there is none. */
export function findOnPath (name: string): string {
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
  throw new Error(`${name} not found on PATH: the Redis store tests need a real Redis >= 6.2 (with redis-cli) and openssl ` +
    '(on Debian/Ubuntu: apt-get install redis-server openssl)')
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

/** One raw PING (over TLS when there is a CA); a password-protected server answering NOAUTH counts as up. */
async function answersPing (port: number, ca?: string): Promise<boolean> {
  return await new Promise<boolean>(resolve => {
    const socket: Socket = ca === undefined
      ? createConnection({ host: '127.0.0.1', port })
      : tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' })
    let reply = ''
    const done = (up: boolean) => {
      socket.destroy()
      resolve(up)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once(ca === undefined ? 'connect' : 'secureConnect', () => socket.write('PING\r\n'))
    socket.on('data', chunk => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'))
    })
  })
}
