/**
 * `npm run postman:check` (and .ci/run): the collection's walkthrough folders, run by newman against the
 * service in local mode. Starts `src/server.ts` as `npm start` does, on a free port with a fresh data
 * directory, waits for /readyz, runs each walkthrough folder (baseUrl pointed at it), prints one line of
 * figures ("newman: N requests, N assertions, 0 failed in 4 walkthrough folders, T s") and stops the
 * service. Exits 1 on any failed assertion or request, or when the service does not start.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { walkthroughs } from './postman/walkthroughs.js'

interface Summary {
  run: {
    stats: Record<'requests' | 'assertions' | 'prerequestScripts' | 'testScripts', { total: number, failed: number }>
    failures: Array<{ error: { name: string, message: string }, source?: { name?: string } }>
    timings: { started: number, completed: number }
  }
}
interface Newman { run: (options: Record<string, unknown>, callback: (error: Error | null, summary: Summary) => void) => void }
const newman = createRequire(import.meta.url)('newman') as Newman

const root = new URL('..', import.meta.url).pathname
const READY_WITHIN_MS = 90_000

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}

const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-newman-'))
const port = await freePort()
const baseUrl = `http://127.0.0.1:${port}`
const service = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'pipe']
})
let serviceErrors = ''
service.stderr.on('data', (chunk: Buffer) => { serviceErrors += chunk.toString() })
const exited = new Promise<void>(resolve => service.once('exit', () => { resolve() }))
// Interrupted (Ctrl-C, CI's TERM): the service goes too, not left listening.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    service.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}

async function stop (): Promise<void> {
  if (service.exitCode === null && service.signalCode === null) {
    service.kill('SIGTERM')
    const killer = setTimeout(() => service.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(killer)
  }
  await rm(dataDir, { recursive: true, force: true })
}

async function ready (): Promise<boolean> {
  const deadline = Date.now() + READY_WITHIN_MS
  while (Date.now() < deadline) {
    if (service.exitCode !== null) return false
    if (await fetch(`${baseUrl}/readyz`).then(response => response.ok, () => false)) return true
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return false
}

let failed = false
try {
  if (!await ready()) {
    process.stderr.write(`newman: the service did not answer ${baseUrl}/readyz within ${READY_WITHIN_MS / 1000} s\n${serviceErrors}`)
    failed = true
  } else {
    const collection = JSON.parse(await readFile(join(root, 'postman/cognito-bff.postman_collection.json'), 'utf8')) as unknown
    const environment = JSON.parse(await readFile(join(root, 'postman/local.postman_environment.json'), 'utf8')) as unknown
    const totals = { requests: 0, assertions: 0, failed: 0, ms: 0 }
    for (const { name } of walkthroughs) {
      const summary = await new Promise<Summary>((resolve, reject) => {
        const options = {
          collection,
          environment,
          folder: name,
          envVar: [{ key: 'baseUrl', value: baseUrl }],
          reporters: ['cli'],
          reporter: { cli: { noSummary: true } }
        }
        newman.run(options, (error, result) => { if (error !== null) reject(error); else resolve(result) })
      })
      const { stats, failures, timings } = summary.run
      totals.requests += stats.requests.total
      totals.assertions += stats.assertions.total
      totals.failed += failures.length
      totals.ms += timings.completed - timings.started
      if (stats.requests.total === 0) {
        process.stderr.write(`newman: the folder "${name}" ran no request\n`)
        failed = true
      }
    }
    if (totals.failed > 0) failed = true
    const seconds = (totals.ms / 1000).toFixed(2)
    process.stdout.write(`newman: ${totals.requests} requests, ${totals.assertions} assertions, ${totals.failed} failed` +
      ` in ${walkthroughs.length} walkthrough folders, ${seconds} s\n`)
  }
} finally {
  await stop()
}
if (failed) process.exitCode = 1
