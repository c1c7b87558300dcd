import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit'
import { createMemoryStore } from '../../src/store/memory-store.js'
import { rateLimitStore } from '../../src/store/rate-limit-store.js'
import type { SharedStore } from '../../src/store/store.js'

interface Built {
  app: FastifyInstance
  /** How many requests reached the handler. */
  hits: () => number
}

// Returns a plain object: an async function returning the (thenable) Fastify instance would await it.
async function build (t: Test, store: SharedStore, options: RateLimitPluginOptions = {}): Promise<Built> {
  const app = Fastify()
  let hits = 0
  t.teardown(() => app.close())
  await app.register(rateLimit, { store: rateLimitStore(store), max: 2, timeWindow: 60_000, ...options })
  app.get('/', async () => {
    hits++
    return { ok: true }
  })
  return { app, hits: () => hits }
}

t.test('max 2 per window: remaining counts down, the third is 429, allowed again after the window', async t => {
  // The store's clock is the test's: a busy machine cannot end the window between the requests.
  let now = 1_700_000_000_000
  const { app, hits } = await build(t, createMemoryStore({ now: () => now }), { timeWindow: 300 })

  const first = await app.inject('/')
  t.equal(first.statusCode, 200)
  t.equal(first.headers['x-ratelimit-limit'], '2')
  t.equal(first.headers['x-ratelimit-remaining'], '1')
  t.equal(first.headers['x-ratelimit-reset'], '1', 'reset in whole seconds, rounded up from the store\'s resetInMs')

  const second = await app.inject('/')
  t.equal(second.statusCode, 200)
  t.equal(second.headers['x-ratelimit-remaining'], '0')

  const third = await app.inject('/')
  t.equal(third.statusCode, 429)
  t.equal(third.headers['x-ratelimit-remaining'], '0')
  t.equal(third.headers['retry-after'], '1')
  t.equal(hits(), 2, 'the limited request never reached the handler')

  now += 300
  const after = await app.inject('/')
  t.equal(after.statusCode, 200, 'a new window')
  t.equal(after.headers['x-ratelimit-remaining'], '1')
})

t.test('two instances sharing one store share the count (what Redis gives across instances)', async t => {
  const shared = createMemoryStore()
  const { app: a } = await build(t, shared)
  const { app: b } = await build(t, shared)
  t.equal((await a.inject('/')).headers['x-ratelimit-remaining'], '1')
  t.equal((await b.inject('/')).headers['x-ratelimit-remaining'], '0', 'b sees a\'s request')
  t.equal((await a.inject('/')).statusCode, 429, 'a sees b\'s request')
  t.equal((await b.inject('/')).statusCode, 429)

  const { app: other } = await build(t, createMemoryStore())
  t.equal((await other.inject('/')).headers['x-ratelimit-remaining'], '1', 'a separate store counts separately')
})

t.test('route-level limits count apart from the global one; routes of one groupId share', async t => {
  const { app } = await build(t, createMemoryStore())
  for (const url of ['/own', '/own-too']) {
    app.get(url, { config: { rateLimit: { max: 1, timeWindow: 60_000 } } }, async () => ({ ok: true }))
  }
  for (const url of ['/otp/send', '/otp/resend']) {
    app.get(url, { config: { rateLimit: { max: 1, timeWindow: 60_000, groupId: 'otp' } } }, async () => ({ ok: true }))
  }
  t.equal((await app.inject('/')).headers['x-ratelimit-remaining'], '1', 'global')
  t.equal((await app.inject('/own')).statusCode, 200, 'route counter starts fresh')
  t.equal((await app.inject('/own')).statusCode, 429)
  t.equal((await app.inject('/own-too')).statusCode, 200, 'another route has its own counter')
  t.equal((await app.inject('/')).headers['x-ratelimit-remaining'], '0', 'route requests did not count globally')
  t.equal((await app.inject('/otp/send')).statusCode, 200)
  t.equal((await app.inject('/otp/resend')).statusCode, 429, 'same groupId, same counter')
})

t.test('continueExceeding and exponentialBackoff are refused at registration', async t => {
  for (const option of ['continueExceeding', 'exponentialBackoff'] as const) {
    const app = Fastify()
    await t.rejects(async () => {
      await app.register(rateLimit, { store: rateLimitStore(createMemoryStore()), [option]: true })
    }, /fixed windows/, option)
    await app.close()
  }
})

function failingStore (failure: () => Promise<never>): SharedStore {
  return { ...createMemoryStore(), increment: failure }
}

t.test('store error, default options: the plugin fails the request with 500 and the handler does not run', async t => {
  const { app, hits } = await build(t, failingStore(async () => { throw new Error('store unreachable') }))
  const res = await app.inject('/')
  t.equal(res.statusCode, 500)
  t.match(res.json(), { statusCode: 500, message: 'store unreachable' })
  t.equal(hits(), 0)
  t.equal((await app.inject('/')).statusCode, 500, 'and again: the server did not crash')
})

t.test('store error with skipOnError: true: the request goes through unlimited', async t => {
  const { app, hits } = await build(t, failingStore(async () => { throw new Error('store unreachable') }), { skipOnError: true })
  for (let i = 0; i < 3; i++) {
    const res = await app.inject('/')
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-ratelimit-remaining'], '2', 'counted as zero')
  }
  t.equal(hits(), 3)
})

t.test('a synchronous throw or a non-Error rejection from the store also reaches the plugin as an Error', async t => {
  const throwing = failingStore(() => { throw new Error('sync failure') })
  const { app } = await build(t, throwing)
  t.match((await app.inject('/')).json(), { statusCode: 500, message: 'sync failure' })

  // eslint-disable-next-line prefer-promise-reject-errors -- the point of the test
  const { app: odd } = await build(t, failingStore(() => Promise.reject('not an error')))
  t.match((await odd.inject('/')).json(), { statusCode: 500, message: 'not an error' })
})
