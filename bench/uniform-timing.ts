/**
 * Forgot-password and resend answer the same 202 for every username; this
 * measures whether their timing tells existing accounts apart. Local mode on
 * a fresh emulator, requests in turn (existing, unknown, existing...), so
 * drift affects both alike. Writes the distributions into bench/RESULTS.md
 * between the timing markers.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { gatewayFor } from '../src/cognito/gateway.js'
import { loadConfig } from '../src/config/index.js'
import { startLocalMode } from '../src/local/local-mode.js'
import { createOutbox } from '@cognito-bff/local-cognito'
import { writeSection } from './results.js'

const SAMPLES = 60
const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-timing-'))
const start = loadConfig({
  LOCAL_DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  RATE_LIMIT_RECOVERY: '1000000',
  RATE_LIMIT_SIGNUP: '1000000',
  // UNIFORM_ANSWER_MS=0 npm run bench measures the bare difference.
  UNIFORM_ANSWER_MS: process.env.UNIFORM_ANSWER_MS ?? '250'
})
if (start.mode !== 'local') throw new Error('expected local mode')
const local = await startLocalMode(start, pino({ level: 'silent' }), createOutbox(() => {}))
const app = await buildApp(local.config, { gateway: gatewayFor(local.config, local.sdk), outbox: local.outbox })
await app.ready()

// An unconfirmed account for resend, the confirmed demo user for forgot.
await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'pending', password: 'Correct-Horse-9', email: 'pending@example.com' } })

async function timed (url: string, username: string): Promise<number> {
  const started = performance.now()
  const response = await app.inject({ method: 'POST', url, payload: { username } })
  if (response.statusCode !== 202) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`)
  return performance.now() - started
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!
const fmt = (x: number) => x.toFixed(1)
const rows: string[] = []
for (const [route, url, existing] of [['forgot-password', '/auth/password/forgot', 'demo'], ['resend', '/auth/signup/resend', 'pending']] as const) {
  const known: number[] = []
  const unknown: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    known.push(await timed(url, existing))
    unknown.push(await timed(url, `nobody${i}`))
  }
  for (const [who, xs] of [['existing', known], ['unknown', unknown]] as const) {
    rows.push(`| ${route} | ${who} | ${fmt(quantile(xs, 0.1))} | ${fmt(quantile(xs, 0.5))} | ${fmt(quantile(xs, 0.9))} | ${fmt(Math.max(...xs))} |`)
  }
}
await app.close()
await local.emulator.close()
await rm(dataDir, { recursive: true, force: true })

const section = [
  '<!-- timing:begin -->',
  `Answer time of the uniform 202s, existing versus unknown usernames (${SAMPLES} each, local mode, in-process, ` +
    `${new Date().toISOString().slice(0, 10)}).`,
  '',
  '| route | username | p10 ms | median ms | p90 ms | max ms |',
  '|---|---|---|---|---|---|',
  ...rows,
  '<!-- timing:end -->'
].join('\n')
await writeSection(section)
