/**
 * Local-mode start-up: from `node` spawn to the first 200 from /readyz,
 * for a first start (empty data dir: pool, client and demo user created)
 * and a restart (everything reused), from the sources as `npm start` runs
 * them and from the compiled build (`node dist/server.js`, built first).
 * Target: under 10 s. Writes the figures into bench/RESULTS.md between the
 * startup markers.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildService, writeSection } from './results.js'

const RUNS = 3
const TARGET_MS = 10_000

const SOURCES = ['--import', 'tsx', 'src/server.ts']
const COMPILED = ['dist/server.js']

async function startOnce (dataDir: string, port: number, args = SOURCES): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore'
  })
  try {
    for (;;) {
      if (performance.now() - started > 60_000) throw new Error('not ready within 60 s')
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(r => r.ok, () => false)
      if (ok) return performance.now() - started
      await new Promise(resolve => setTimeout(resolve, 25))
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise(resolve => child.once('exit', resolve))
  }
}

buildService()
const first: number[] = []
const restart: number[] = []
const compiled: number[] = []
for (let i = 0; i < RUNS; i++) {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-bench-'))
  first.push(await startOnce(dataDir, 39_100 + i))
  restart.push(await startOnce(dataDir, 39_200 + i))
  compiled.push(await startOnce(dataDir, 39_300 + i, COMPILED))
  await rm(dataDir, { recursive: true, force: true })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const row = (name: string, xs: number[]) =>
  `| ${name} | ${Math.round(median(xs))} | ${Math.round(Math.max(...xs))} | ${median(xs) < TARGET_MS ? 'yes' : 'NO'} |`
const section = [
  '<!-- startup:begin -->',
  `Local-mode start-up, spawn to first ready \`/readyz\` (${RUNS} runs, ${cpus().length} cores, ` +
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}). Target: < ${TARGET_MS / 1000} s.`,
  '',
  '| start | median ms | max ms | under target |',
  '|---|---|---|---|',
  row('first (creates pool, client, demo user)', first),
  row('restart (reuses them)', restart),
  row('restart, compiled (node dist/server.js)', compiled),
  '<!-- startup:end -->'
].join('\n')

await writeSection(section)
if (median(first) >= TARGET_MS) process.exitCode = 1
