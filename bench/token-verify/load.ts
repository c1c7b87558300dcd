/**
 * The load generator, in its own process (forked with IPC by
 * bench/token-verify.ts): autocannon driven through its API, one run per
 * `run` message, the result sent back. Tokens come from the JSON file named
 * by argv[2] (sets of tokens by name); a cursor carries on across runs, so
 * with more distinct tokens than the service's cache holds, presented by runs
 * that share one cursor, every request is the token the service saw longest
 * ago: a cache miss.
 * A `generate` run signs a fresh token for every request instead (the memory
 * phase: a million distinct tokens, never stored).
 */
import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { accessClaims, signJwt } from './jwt.js'

export interface RunCommand {
  type: 'run'
  id: number
  url: string
  method: 'GET' | 'POST'
  /** Which token set, and how it is sent: JSON body `{ token }`, `Authorization: Bearer`, or not at all (/healthz). */
  set: string
  as: 'body' | 'bearer' | 'none'
  /** The cursor to go on from (default: the set's own); runs sharing one present the set as one cycle. */
  cursor?: string
  connections: number
  /** Seconds; or `amount` requests. */
  duration?: number
  amount?: number
  /** Requests per second over all connections (autocannon's overallRate); default: as fast as the server answers. */
  rate?: number
  /** Start the set's cursor at 0 (a run that must present the tokens in the order of the previous one). */
  resetCursor?: boolean
  /** Sign a new token per request with this key instead of using a set. */
  generate?: { privateKeyPem: string, kid: string, issuer: string }
}

export interface RunResult {
  type: 'done'
  id: number
  requests: number
  ok: number
  non2xx: number
  /** Responses by status code. */
  statuses: Record<string, number>
  errors: number
  timeouts: number
  seconds: number
  p50: number
  p99: number
}

const sets = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Record<string, string[]>
const bodies = Object.fromEntries(Object.entries(sets).map(([name, tokens]) => [name, tokens.map(token => JSON.stringify({ token }))]))
const cursors: Record<string, number> = {}
const keyCache = new Map<string, ReturnType<typeof createPrivateKey>>()
let generated = 0

function nextToken (command: RunCommand): { token: string, body: string } {
  if (command.generate) {
    const { privateKeyPem, kid, issuer } = command.generate
    const key = keyCache.get(privateKeyPem) ?? createPrivateKey(privateKeyPem)
    keyCache.set(privateKeyPem, key)
    const token = signJwt({ kid, privateKey: key }, accessClaims(issuer, `user${generated++}`))
    return { token, body: JSON.stringify({ token }) }
  }
  const tokens = sets[command.set]
  if (tokens === undefined) throw new Error(`no token set ${command.set}`)
  const cursor = command.cursor ?? command.set
  const i = (cursors[cursor] ?? 0) % tokens.length
  cursors[cursor] = i + 1
  return { token: tokens[i]!, body: bodies[command.set]![i]! }
}

async function run (command: RunCommand): Promise<RunResult> {
  if (command.resetCursor === true) cursors[command.cursor ?? command.set] = 0
  const started = performance.now()
  const result = await autocannon({
    url: command.url,
    method: command.method,
    connections: command.connections,
    ...(command.rate === undefined ? {} : { overallRate: command.rate }),
    ...(command.amount === undefined ? { duration: command.duration ?? 5 } : { amount: command.amount }),
    headers: command.as === 'body' ? { 'content-type': 'application/json' } : {},
    requests: command.as === 'none'
      ? undefined
      : [{
          setupRequest: request => {
            const { token, body } = nextToken(command)
            if (command.as === 'body') request.body = body
            else request.headers = { ...request.headers, authorization: `Bearer ${token}` }
            return request
          }
        }]
  })
  const seconds = (performance.now() - started) / 1000
  return {
    type: 'done',
    id: command.id,
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count ?? 0])),
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    p50: result.latency.p50,
    p99: result.latency.p99
  }
}

process.on('message', (message: RunCommand) => {
  if (message.type !== 'run') return
  run(message).then(result => process.send?.(result), (err: unknown) => {
    process.stderr.write(`load: ${String(err)}\n`)
    process.exit(1)
  })
})
process.send?.({ type: 'ready' })
