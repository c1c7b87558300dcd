/**
 * A fuzzer over the published contract: for every operation of the committed
 * openapi/openapi.json, generated requests (valid-shaped ones that reach the
 * emulator, and hostile ones: wrong types, missing and unknown fields, huge,
 * empty and unicode-edge strings, deep nesting, broken bodies, wrong content
 * types, path traversal, oversized headers, forged tokens and cookies) go to
 * the service in local mode, and every answer must keep the property of
 * ./property.ts: no 5xx, declared by the contract, a problem document when it
 * is an error, no secret echoed. Afterwards the service must still be healthy.
 *
 * Seeded, so a run is reproducible: FUZZ_SEED (default 42) and FUZZ_RUNS
 * (requests per operation, default 150) are read here, e.g.
 *   FUZZ_SEED=7 FUZZ_RUNS=2000 npx tap test/fuzz/contract-fuzz.test.ts
 * A failure prints fast-check's report: the seed, the path to the failing
 * case, and the shrunk request as app.inject options.
 */
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider'
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { buildTestApp, cookieHeader, PASSWORD, uniqueUsername } from '../helper.js'
import { sdkFor } from '../helpers/emulator-sdk.js'
import { fileTimeout } from '../helpers/timeouts.js'
import { readOperations } from './operations.js'
import { fuzzOperation, type FuzzRun, type Send } from './property.js'
import type { FuzzContext } from './requests.js'

function integerFromEnv (name: string, fallback: number, minimum: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^-?\d+$/.test(raw) || Number(raw) < minimum) throw new Error(`${name} must be a whole number of at least ${minimum}, not ${JSON.stringify(raw)}`)
  return Number(raw)
}

const SEED = integerFromEnv('FUZZ_SEED', 42, -(2 ** 31))
const RUNS = integerFromEnv('FUZZ_RUNS', 150, 1)

/** FUZZ_SEED mixed with an operation's name (FNV-1a), as a 32-bit fast-check seed. */
function operationSeed (id: string): number {
  let hash = 0x811c9dc5
  for (const char of id) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193)
  return (hash ^ SEED) | 0
}

// The per-address budgets are lifted by buildTestApp; lift the per-account ones too, or the fuzzer mostly meets 429.
// METRICS_TOKEN: every operation of the document exists, GET /metrics included.
const testApp = await buildTestApp(t, {
  env: { ACCOUNT_SIGNIN_FAILURES: '1000000', ACCOUNT_CODE_FAILURES: '1000000', METRICS_TOKEN: 'fuzz-metrics-token-of-32-characters!' }
})
const { app, config, local, logs } = testApp
const demo = local.demoUser

async function login (tokenDelivery: 'body' | 'cookie', user: { username: string, password: string } = demo) {
  const payload = { username: user.username, password: user.password, tokenDelivery }
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload })
  if (response.statusCode !== 200) throw new Error(`${user.username} cannot sign in: ${response.body}`)
  return response
}

// The pool administrator, to invite a user (who then signs in to a NEW_PASSWORD_REQUIRED challenge).
// Idle for a whole operation's fuzzing at a time: sdkFor's connections survive the emulator closing idle sockets.
const admin = sdkFor(t, local)

/**
 * Real tokens, sealed cookies, accounts, a sent code and a challenge session, for the fuzzer to mix in:
 * new for each operation, since one fuzzed before may have revoked, confirmed or answered the last ones.
 */
async function realValues (): Promise<FuzzContext> {
  // The tokens and cookies are a fresh user's: the fuzzer may change its password, sign it out everywhere or delete it.
  const confirmed = await testApp.confirmedUser('fuzzok')
  const tokens = (await login('body', confirmed)).json().tokens as { accessToken: string, idToken: string, refreshToken: string }
  const cookies: Record<string, string[]> = {}
  for (const cookie of (await login('cookie', confirmed)).cookies) (cookies[cookie.name] ??= []).push(cookie.value)

  const pending = uniqueUsername('fuzzpending')
  const signUp = await app.inject({
    method: 'POST',
    url: '/auth/signup',
    payload: { username: pending, password: PASSWORD, email: `${pending}@example.com` }
  })
  if (signUp.statusCode !== 201) throw new Error(`sign-up failed: ${signUp.body}`)
  const code = testApp.latestCode(pending)

  const invited = uniqueUsername('fuzzinvited')
  await admin.send(new AdminCreateUserCommand({
    UserPoolId: config.pool.userPoolId,
    Username: invited,
    DesiredDeliveryMediums: ['EMAIL'],
    UserAttributes: [{ Name: 'email', Value: `${invited}@example.com` }]
  }))
  const temporary = testApp.latestCode(invited)
  const challenge = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username: invited, password: temporary } })).json()
  if (challenge.status !== 'challenge') throw new Error(`the invited user got no challenge: ${JSON.stringify(challenge)}`)

  return {
    usernames: [demo.username, confirmed.username, pending, invited],
    passwords: [demo.password, confirmed.password],
    codes: [code],
    accessTokens: [tokens.accessToken],
    idTokens: [tokens.idToken],
    refreshTokens: [tokens.refreshToken],
    cookies,
    records: [
      { username: demo.username, password: demo.password },
      { username: confirmed.username, password: confirmed.password },
      { username: pending, code },
      { username: invited, challenge: challenge.challenge, session: challenge.session, password: temporary },
      { refreshToken: tokens.refreshToken }
    ],
    origin: config.publicUrl.origin
  }
}

const operations = readOperations()
// Measured idle with the default FUZZ_RUNS: about 45 s, 4-5 ms a request with each operation's set-up; allowed for
// FUZZ_RUNS well past the default, and for a busy machine (fileTimeout).
t.setTimeout(fileTimeout(15_000 + RUNS * operations.length * 5))

const send: Send = async request => await app.inject({
  method: request.method as InjectOptions['method'],
  url: request.url,
  headers: request.headers,
  ...(request.payload === undefined ? {} : { payload: request.payload })
})

let requests = 0
/** Every plain value sent so far, by any operation: the service keeps some (usernames), and may show them later. */
const sentPlain = new Set<string>()
const started = performance.now()
await t.test('every operation of the contract, fuzzed', async t => {
  for (const operation of operations) {
    await t.test(`${operation.id}: ${operation.method} ${operation.path}`, async t => {
      // Each operation its own seed, derived from FUZZ_SEED and its name: the same strategy does not come up at the same step everywhere.
      const seed = operationSeed(operation.id)
      const context = await realValues()
      let run: FuzzRun | undefined
      try {
        run = await fuzzOperation(operation, send, { seed, runs: RUNS, context, sentPlain, onRequest: () => { requests += 1 } })
      } catch (err) {
        // fast-check's report: the seed and path that replay it, the shrunk request (as app.inject options) and what was wrong.
        const report = (err as Error).message.split('\n').filter(line => !/^\s+at /.test(line)).join('\n')
        t.fail(`${operation.id} broke the property (FUZZ_SEED=${SEED}, fast-check seed ${seed} for this operation)`, { diagnostic: true, report })
        return
      }
      const statuses = [...run.statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')
      t.pass(`${run.requests} requests kept the property (${statuses})`)
    })
  }
})
const seconds = ((performance.now() - started) / 1000).toFixed(1)

await t.test('the service is healthy afterwards', async t => {
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, '/healthz')
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, '/readyz')
  const signedIn = await login('cookie')
  t.equal(signedIn.json().status, 'authenticated', 'the demo user signs in')
  const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie: cookieHeader(signedIn) } })
  t.equal(me.statusCode, 200, 'and reaches /me with the new session')
  const fresh = await testApp.confirmedUser('fuzzafter')
  const freshLogin = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...fresh, tokenDelivery: 'body' } })
  t.equal(freshLogin.statusCode, 200, 'a new account signs up, confirms and signs in')
  const failures = logs.map(line => JSON.parse(line) as { level: number, msg?: string, err?: { message?: string } })
    .filter(entry => entry.level >= 50)
    .map(entry => [entry.msg, entry.err?.message].filter(Boolean).join(': '))
  t.same(failures.slice(0, 5), [], 'nothing was logged as a server failure', { failures: failures.length })
})

t.comment(`fuzz: ${requests} requests over ${operations.length} operations, seed ${SEED}, ${seconds} s`)
