/**
 * The per-category limiter in front of Cognito (COGNITO_QUOTAS), in local
 * mode: the emulator answers the calls that go, the gateway's `observe`
 * counts them. The clock of the store's counters is the test's (a memory
 * store with `now`), so no test waits a real second; then the same limiter
 * on a real Redis, shared by two instances.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { gatewayFor } from '../../src/cognito/gateway.js'
import { IDENTITY_COMMANDS } from '../../src/cognito/identity-errors.js'
import { QUOTA_CATEGORY_OF, quotaCategoryOf } from '../../src/cognito/quota-categories.js'
import { QUOTA_CATEGORIES } from '../../src/config/variables/cognito.js'
import { createMemoryStore } from '../../src/store/memory-store.js'
import { buildTestApp, expectProblem, PASSWORD } from '../helper.js'
import { startRedisServer } from '../helpers/redis-server.js'
import { fileTimeout, until } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const RATE = 5
/** Concurrent sign-ins of one user hold units of its failure budget while they run: lifted, so only the quota refuses. */
const ROOMY = { ACCOUNT_SIGNIN_FAILURES: '1000' }
const METRICS = 'metrics-token-of-at-least-32-characters'
const QUOTA_DETAIL = `This service sends Cognito at most ${RATE} UserAuthentication requests per second (COGNITO_QUOTAS), and was at it.`

t.test('every command the gateway can send, and the hosted UI\'s token endpoint, has its quota category', async t => {
  const dir = join(import.meta.dirname, '../../src/cognito')
  const sent = new Set<string>(['OAuthToken'])
  for (const file of await readdir(dir)) {
    for (const [, name] of (await readFile(join(dir, file), 'utf8')).matchAll(/new (\w+)Command\(/g)) sent.add(name!)
  }
  t.ok(sent.has('GetUser') && sent.has('InitiateAuth'), 'the scan finds the commands')
  // The identity pool's calls (identity-pool.ts) go to another service, with quotas of its own: not the user pool's.
  for (const operation of IDENTITY_COMMANDS) sent.delete(operation)
  t.same([...sent].filter(operation => quotaCategoryOf(operation) === undefined), [], 'none without a category')
  const known = Object.keys(QUOTA_CATEGORIES)
  t.same(Object.values(QUOTA_CATEGORY_OF).filter(category => !known.includes(category)), [])
  t.equal(quotaCategoryOf('toString'), undefined, 'no inherited names')
})

/** How many times the gateway sent `operation` while `run` ran. */
async function sentWhile (app: FastifyInstance, operation: string, run: () => Promise<void>): Promise<number> {
  let count = 0
  const stop = app.cognito.observe?.(call => { if (call.operation === operation) count++ })
  try {
    await run()
  } finally {
    stop?.()
  }
  return count
}

const login = (app: FastifyInstance, username: string) =>
  app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })

t.test(`a burst beyond UserAuthentication=${RATE}: Cognito is asked ${RATE} times a second, the rest answer 429 at once`, async t => {
  let now = Date.parse('2026-12-01T00:00:00Z')
  const store = createMemoryStore({ now: () => now })
  const { app, confirmedUser } = await buildTestApp(t, {
    env: { ...ROOMY, COGNITO_QUOTAS: `UserAuthentication=${RATE}`, METRICS_TOKEN: METRICS }, deps: { store }
  })
  const { username } = await confirmedUser('burst')
  let answers: LightMyRequestResponse[] = []
  const asked = await sentWhile(app, 'InitiateAuth', async () => {
    answers = await Promise.all(Array.from({ length: 3 * RATE }, async () => await login(app, username)))
  })
  t.equal(asked, RATE, 'Cognito asked the rate, no more')
  t.equal(answers.filter(a => a.statusCode === 200).length, RATE)
  const refused = answers.filter(a => a.statusCode === 429)
  t.equal(refused.length, 2 * RATE)
  expectProblem(t, refused[0]!, 'COGNITO_QUOTA_REACHED', { detail: QUOTA_DETAIL })
  t.equal(refused[0]!.headers['retry-after'], '1')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS}` } })).body
  t.match(metrics, `cognito_bff_cognito_quota_decisions_total{category="UserAuthentication",outcome="admitted"} ${RATE}\n`)
  t.match(metrics, `cognito_bff_cognito_quota_decisions_total{category="UserAuthentication",outcome="refused"} ${2 * RATE}\n`)

  // Another category is not limited (UserCreation: sign-up), and the next second has a new budget.
  await confirmedUser('other')
  now += 1000
  t.equal(await sentWhile(app, 'InitiateAuth', async () => { t.equal((await login(app, username)).statusCode, 200) }), 1, 'the next second')
})

t.test('unset, nothing is limited (the control)', async t => {
  const { app, confirmedUser } = await buildTestApp(t, { env: ROOMY })
  const { username } = await confirmedUser('free')
  const asked = await sentWhile(app, 'InitiateAuth', async () => {
    const answers = await Promise.all(Array.from({ length: 3 * RATE }, async () => await login(app, username)))
    t.same(answers.map(a => a.statusCode), answers.map(() => 200), answers.find(a => a.statusCode !== 200)?.body ?? 'all 200')
  })
  t.equal(asked, 3 * RATE)
})

t.test('on a real Redis, two instances share one budget', async t => {
  const redis = await startRedisServer(t)
  const env = { ...ROOMY, COGNITO_QUOTAS: `UserAuthentication=${RATE}`, REDIS_URL: redis.url }
  const { app, local, confirmedUser } = await buildTestApp(t, { env })
  // The second instance: the same pool, its own SDK client and its own connection to the same Redis.
  const second = await buildApp(app.config, { gateway: gatewayFor(local.config) })
  t.teardown(() => second.close())
  await second.ready()
  for (const instance of [app, second]) await until(async () => await instance.storeStatus() === 'ok', { what: 'Redis connected' })
  const { username } = await confirmedUser('shared')

  const decided: number[] = []
  for (const instance of [app, second]) instance.cognitoQuotas.observe(() => decided.push(performance.now()))
  let asked = 0
  const stops = [app, second].map(instance => instance.cognito.observe?.(call => { if (call.operation === 'InitiateAuth') asked++ }))
  const answers = await Promise.all([app, second].flatMap(instance => Array.from({ length: 2 * RATE }, async () => await login(instance, username))))
  for (const stop of stops) stop?.()
  const admitted = answers.filter(a => a.statusCode === 200).length
  t.equal(asked, admitted, 'Cognito asked once per admitted sign-in')
  t.equal(answers.filter(a => a.statusCode === 429).length, answers.length - admitted, 'the rest refused by this service')
  const spreadMs = Math.max(...decided) - Math.min(...decided)
  t.comment(`reservations spread over ${Math.round(spreadMs)} ms`)
  if (spreadMs < 1000) {
    // Every reservation fell in the window the first one opened: one budget for both instances.
    t.equal(admitted, RATE, `${RATE} admitted of ${answers.length}, over both instances`)
  } else {
    t.ok(admitted <= RATE * Math.ceil(spreadMs / 1000 + 1), `a slow machine: the burst spread over ${spreadMs} ms`)
  }
})
