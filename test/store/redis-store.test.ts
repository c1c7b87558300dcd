import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { inspect } from 'node:util'
import t, { type Test } from 'tap'
import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { Redis } from 'ioredis'
import { openRedis } from '../../src/store/redis-connection.js'
import { createRedisStore, RedisStoreError, type RedisStore, type RedisStoreOptions } from '../../src/store/redis-store.js'
import { rateLimitStore } from '../../src/store/rate-limit-store.js'
import { startRedisServer } from '../helpers/redis-server.js'
import { storeConformance } from './conformance.js'

const server = await startRedisServer(t)
const raw = new Redis(server.url)
t.teardown(() => raw.quit())

const freshPrefix = (): string => `test:${randomUUID()}:`
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/** A store on `server` (unless `url` says otherwise), connected, closed at the end of `t`. */
async function open (t: Test, options: Partial<RedisStoreOptions> = {}): Promise<RedisStore> {
  const store = createRedisStore({ url: server.url, keyPrefix: freshPrefix(), ...options })
  t.teardown(() => store.close())
  t.equal(await store.ping(), true, 'connected')
  return store
}

/** How a call settled and how long it took; 'hung' when it had not settled after `limitMs`. */
async function settle (call: () => Promise<unknown>, limitMs: number) {
  const started = performance.now()
  const outcome = await Promise.race([
    call().then(value => ({ state: 'resolved' as const, value }), (error: unknown) => ({ state: 'rejected' as const, error })),
    sleep(limitMs).then(() => ({ state: 'hung' as const }))
  ])
  return { ...outcome, ms: Math.round(performance.now() - started) }
}

async function until (condition: () => boolean | Promise<boolean>, limitMs: number): Promise<number> {
  const started = performance.now()
  while (!(await condition())) {
    if (performance.now() - started > limitMs) throw new Error(`condition not met within ${limitMs} ms`)
    await sleep(10)
  }
  return Math.round(performance.now() - started)
}

/** One call of every member (a lock release among them), for the outage tests. */
function everyMember (store: RedisStore, release: () => Promise<void>): Array<[string, () => Promise<unknown>]> {
  const later = nowSeconds() + 3600
  return [
    ['revokeToken', () => store.revokeToken('sub', 'jti', later)],
    ['markSignedOut', () => store.markSignedOut('sub', 1000, later)],
    ['isRevoked', () => store.isRevoked({ ids: ['jti', 'origin'], sub: 'sub', issuedAt: 1000 })],
    ['increment', () => store.increment('counter', 60_000)],
    ['peekCount', () => store.peekCount('counter')],
    ['reserveCount', () => store.reserveCount('counter', 5, 60_000)],
    ['releaseCount', () => store.releaseCount('counter')],
    ['putOnce', () => store.putOnce('once', 'v', 60_000)],
    ['takeOnce', () => store.takeOnce('once')],
    ['peekOnce', () => store.peekOnce('once')],
    ['lock', () => store.lock('lock', 60_000)],
    ['lock release', release]
  ]
}

storeConformance(t, 'redis store', async () => {
  const store = createRedisStore({ url: server.url, keyPrefix: freshPrefix() })
  await store.ping() // wait for the connection: calls before it reject (no offline queue)
  return store
})

t.test('two instances share one Redis: they see one state', async t => {
  const keyPrefix = freshPrefix()
  const a = await open(t, { keyPrefix })
  const b = await open(t, { keyPrefix })
  const both = [a, b]
  const later = nowSeconds() + 3600

  t.test('a revocation by one is seen by the other', async t => {
    await a.revokeToken('sub-1', 'jti-1', later)
    t.equal(await b.isRevoked({ ids: ['jti-1'], sub: 'sub-1', issuedAt: nowSeconds() }), true)
    t.equal(await b.isRevoked({ ids: ['jti-2'], sub: 'sub-1', issuedAt: nowSeconds() }), false)
  })

  t.test('signed-out marks move forward across instances', async t => {
    await b.markSignedOut('sub-1', 2000, later)
    await a.markSignedOut('sub-1', 1500, later)
    for (const store of both) {
      t.equal(await store.isRevoked({ ids: [], sub: 'sub-1', issuedAt: 1999 }), true, 'the older mark from the other instance did not move it back')
      t.equal(await store.isRevoked({ ids: [], sub: 'sub-1', issuedAt: 2000 }), false)
    }
  })

  t.test('a single-use value is redeemed once: 50 parallel takes across both', async t => {
    await a.putOnce('code-1', 'the-code', 5000)
    t.equal(await b.peekOnce('code-1'), 'the-code', 'the other instance sees it')
    const taken = await Promise.all(Array.from({ length: 50 }, (_, i) => both[i % 2]!.takeOnce('code-1')))
    t.same(taken.filter(v => v !== undefined), ['the-code'], 'exactly one take got the value')
    t.equal(await a.peekOnce('code-1'), undefined, 'gone for both')
  })

  t.test('of 20 parallel puts across both exactly one wins, and its value is kept', async t => {
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => both[i % 2]!.putOnce('nonce-1', `v${i}`, 5000)))
    t.equal(wins.filter(Boolean).length, 1)
    t.equal(await b.takeOnce('nonce-1'), `v${wins.indexOf(true)}`)
  })

  t.test('a counter counts across both: 40 parallel increments get 40 distinct counts', async t => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => both[i % 2]!.increment('ip-1', 10_000)))
    t.same(results.map(r => r.count).sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i + 1))
    t.equal((await a.peekCount('ip-1')).count, 40)
    t.equal((await b.peekCount('ip-1')).count, 40)
  })

  t.test('a lock held by one excludes the other; a stale release by one does not free the other\'s', async t => {
    const releaseA = await a.lock('session-1', 100)
    t.type(releaseA, 'function')
    t.equal(await b.lock('session-1', 1000), undefined, 'held by a')
    const raced = await Promise.all(Array.from({ length: 20 }, (_, i) => both[i % 2]!.lock('session-2', 1000)))
    t.equal(raced.filter(r => r !== undefined).length, 1, 'of 20 parallel lock calls across both one acquires')
    await sleep(150)
    const releaseB = await b.lock('session-1', 1000)
    t.type(releaseB, 'function', 'a\'s lock expired: b takes it')
    await releaseA!()
    t.equal(await a.lock('session-1', 1000), undefined, 'a\'s stale release left b\'s lock in place')
    await releaseB!()
    t.type(await a.lock('session-1', 1000), 'function', 'b\'s release frees it')
  })

  t.test('@fastify/rate-limit on two apps sharing the store: one limit for both', async t => {
    const apps = []
    for (const store of both) {
      const app = Fastify()
      t.teardown(() => app.close())
      await app.register(rateLimit, { store: rateLimitStore(store), max: 3, timeWindow: 60_000 })
      app.get('/', async () => ({ ok: true }))
      apps.push(app)
    }
    const codes: number[] = []
    for (let i = 0; i < 5; i++) codes.push((await apps[i % 2]!.inject('/')).statusCode)
    t.same(codes, [200, 200, 200, 429, 429], 'the fourth request is refused, whichever instance it reaches')
  })
})

t.test('entries carry Redis TTLs matching their lifetimes, and nothing is left without one', async t => {
  const keyPrefix = freshPrefix()
  const store = await open(t, { keyPrefix })
  const pttl = (key: string) => raw.pttl(keyPrefix + key)

  await store.increment('c', 5000)
  const first = await pttl('count:c')
  t.ok(first > 4500 && first <= 5000, `counter window ${first} ms`)
  await sleep(100)
  await store.increment('c', 5000)
  await store.increment('c', 60_000)
  const after = await pttl('count:c')
  t.ok(after <= first - 80, `later increments (even with a longer window) do not extend it: ${after} ms`)

  await store.putOnce('o', 'v', 3000)
  const once = await pttl('once:o')
  t.ok(once > 2500 && once <= 3000, `once-value ${once} ms`)
  await store.putOnce('o', 'w', 60_000)
  t.ok(await pttl('once:o') <= once, 'a refused put does not touch the TTL')

  const release = await store.lock('l', 2000)
  const lock = await pttl('lock:l')
  t.ok(lock > 1500 && lock <= 2000, `lock ${lock} ms`)
  t.equal(await store.lock('l', 60_000), undefined)
  t.ok(await pttl('lock:l') <= lock, 'a refused lock does not touch the TTL')
  const token = await raw.get(keyPrefix + 'lock:l')
  await release!()
  await store.lock('l', 2000)
  t.not(await raw.get(keyPrefix + 'lock:l'), token, 'each acquisition has its own token')

  const exp = nowSeconds() + 3600
  await store.revokeToken('u', 'j', exp)
  const revoked = await pttl('revoked:{u}:j')
  t.ok(revoked <= exp * 1000 - Date.now() + 50 && revoked > 3598_000, `revocation lives until exp: ${revoked} ms`)
  await store.revokeToken('u', 'j', nowSeconds() + 60)
  t.ok(await pttl('revoked:{u}:j') > 3590_000, 'revoking again with an earlier (future) exp does not shorten it')
  await store.revokeToken('u', 'j2', nowSeconds() + 60)
  await store.revokeToken('u', 'j2', exp)
  t.ok(await pttl('revoked:{u}:j2') > 3590_000, 'revoking again with a later exp lengthens it')

  const markOf = async (sub: string) => await raw.hget(`${keyPrefix}signout:{${sub}}`, 'at')
  await store.markSignedOut('s', 10, exp)
  await store.markSignedOut('s', 20, nowSeconds() + 60)
  t.ok(await pttl('signout:{s}') > 3590_000, 'a later mark with an earlier keepUntil does not shorten retention')
  t.equal(await markOf('s'), '20')
  await store.markSignedOut('s2', 10, nowSeconds() + 60)
  await store.markSignedOut('s2', 5, exp)
  const kept = await pttl('signout:{s2}')
  t.ok(kept > 3590_000 && kept <= exp * 1000 - Date.now() + 50, `an older mark with a later keepUntil extends retention: ${kept} ms`)
  t.equal(await markOf('s2'), '10')

  const keys = (await raw.keys(`${keyPrefix}*`)).map(k => k.slice(keyPrefix.length)).sort()
  t.same(keys, ['count:c', 'lock:l', 'once:o', 'revoked:{u}:j', 'revoked:{u}:j2', 'signout:{s2}', 'signout:{s}'], 'the documented key layout')
  for (const key of keys) t.ok(await pttl(key) > 0, `${key} has a TTL`)
})

t.test('keyPrefix isolates deployments; the default is cognito-bff:', async t => {
  const a = await open(t)
  const b = await open(t)
  const later = nowSeconds() + 3600
  await a.revokeToken('sub', 'jti', later)
  await a.markSignedOut('other', 5, later)
  await a.putOnce('once', 'a', 5000)
  await a.increment('counter', 5000)
  await a.increment('counter', 5000)
  const releaseA = await a.lock('lock', 5000)
  t.type(releaseA, 'function')
  t.equal(await a.isRevoked({ ids: ['jti'], sub: 'sub', issuedAt: 0 }), true)
  t.equal(await a.isRevoked({ ids: [], sub: 'other', issuedAt: 0 }), true)
  t.equal(await b.isRevoked({ ids: ['jti'], sub: 'sub', issuedAt: 0 }), false)
  t.equal(await b.isRevoked({ ids: [], sub: 'other', issuedAt: 0 }), false)
  t.equal(await b.peekOnce('once'), undefined)
  t.equal(await b.putOnce('once', 'b', 5000), true)
  t.equal((await b.increment('counter', 5000)).count, 1)
  t.type(await b.lock('lock', 5000), 'function')
  t.equal(await a.takeOnce('once'), 'a', 'each keeps its own value')

  const plain = createRedisStore({ url: server.url })
  t.teardown(() => plain.close())
  await plain.ping()
  const jti = randomUUID()
  await plain.revokeToken('sub', jti, later)
  t.teardown(() => raw.del(`cognito-bff:revoked:{sub}:${jti}`))
  t.equal(await raw.exists(`cognito-bff:revoked:{sub}:${jti}`), 1)
})

t.test('durations and epoch seconds are validated like the memory store', async t => {
  const store = await open(t)
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await t.rejects(store.increment('c', bad), RangeError, `increment windowMs ${bad}`)
    await t.rejects(store.putOnce('o', 'v', bad), RangeError, `putOnce ttlMs ${bad}`)
    await t.rejects(store.lock('l', bad), RangeError, `lock ttlMs ${bad}`)
  }
  await t.rejects(store.revokeToken('s', 'j', Number.NaN), RangeError)
  // An empty hash tag would spread a user's keys over slots.
  for (const sub of ['', '}', '}x']) {
    await t.rejects(store.revokeToken(sub, 'j', nowSeconds() + 60), RangeError, `revokeToken sub ${JSON.stringify(sub)}`)
    await t.rejects(store.markSignedOut(sub, 1, nowSeconds() + 60), RangeError, `markSignedOut sub ${JSON.stringify(sub)}`)
    await t.rejects(store.isRevoked({ ids: ['j'], sub, issuedAt: 1 }), RangeError, `isRevoked sub ${JSON.stringify(sub)}`)
  }
  t.equal(await store.isRevoked({ ids: ['j'], sub: 'a}{b', issuedAt: 1 }), false, 'braces after the first character are fine')
  for (const keyPrefix of ['app{', 'app}:', '{app}:']) {
    t.throws(() => createRedisStore({ url: server.url, keyPrefix }), RangeError, `keyPrefix ${keyPrefix} would move the hash tags`)
  }
  await t.rejects(store.markSignedOut('s', 1, Number.POSITIVE_INFINITY), RangeError)
  await t.rejects(store.markSignedOut('s', Number.NaN, nowSeconds() + 60), RangeError)
  t.throws(() => createRedisStore({ url: server.url, commandTimeoutMs: 0 }), RangeError)
  t.throws(() => createRedisStore({ url: server.url, connectTimeoutMs: -5 }), RangeError)
  const badUrl = 'not a url with s3cr3t inside'
  const err = t.throws(() => createRedisStore({ url: badUrl }), TypeError) as Error
  t.notMatch(err.message, /s3cr3t/, 'the error does not echo the URL')
  t.throws(() => createRedisStore({ url: 'http://127.0.0.1:6379' }), TypeError, 'only redis:// and rediss://')
})

t.test('rejections are RedisStoreErrors that carry no keys or values', async t => {
  const keyPrefix = freshPrefix()
  const store = await open(t, { keyPrefix })
  // Wrong types make Redis refuse the commands (ioredis attaches their arguments to such errors).
  await raw.hset(`${keyPrefix}once:secret-key`, 'f', 'v')
  await raw.hset(`${keyPrefix}count:secret-key`, 'f', 'v')
  await raw.set(`${keyPrefix}signout:{secret-key}`, 'v')
  for (const [name, call] of [
    ['takeOnce', () => store.takeOnce('secret-key')],
    ['peekOnce', () => store.peekOnce('secret-key')],
    ['increment', () => store.increment('secret-key', 1000)],
    ['markSignedOut', () => store.markSignedOut('secret-key', 987654321, nowSeconds() + 60)]
  ] as const) {
    const result = await settle(call, 2000)
    t.equal(result.state, 'rejected', `${name} rejects`)
    if (result.state !== 'rejected') continue
    t.type(result.error, RedisStoreError)
    t.match((result.error as Error).message, new RegExp(`^redis store: ${name} failed: .*WRONGTYPE`))
    const shown = inspect(result.error, { depth: 5 })
    t.notMatch(shown, /secret-key|987654321/, `${name}: no key or argument in the error`)
    t.notOk('command' in (result.error as object), 'no command attached')
  }
})

t.test('a socket that fails twice (a TLS alert after a failed write) is no uncaught exception: the first is reported, the client lives', async t => {
  const { redis } = openRedis({ url: server.url, commandTimeoutMs: 1000, connectTimeoutMs: 1000 })
  if (!(redis instanceof Redis)) throw new Error('one server: a Redis client')
  t.teardown(() => redis.disconnect())
  const reported: Error[] = []
  redis.on('error', (err: Error) => reported.push(err))
  await until(() => redis.status === 'ready', 5000)
  const socket = redis.stream
  // ioredis listens for a socket's first error only; an 'error' event nobody listens to throws (in production: the process ends).
  t.doesNotThrow(() => {
    socket.emit('error', new Error('first'))
    socket.emit('error', new Error('second, on the same socket'))
  }, 'both errors are listened to')
  t.same(reported.map(err => err.message), ['first'], 'the client reports the first, as before')
  socket.destroy()
  await until(() => redis.status === 'ready' && redis.stream !== socket, 5000)
  t.equal(await redis.ping(), 'PONG', 'a new connection, and it answers')
})

t.test('close: quits, is idempotent, and later calls reject', async t => {
  const store = createRedisStore({ url: server.url, keyPrefix: freshPrefix() })
  t.equal(await store.ping(), true)
  const clients = async () => (await raw.client('LIST') as string).split('\n').filter(line => line.includes('name=cognito-bff')).length
  const before = await clients()
  await store.close()
  await store.close()
  t.equal(store.isReady(), false)
  t.equal(await store.ping(), false)
  await t.rejects(store.isRevoked({ ids: ['jti'], sub: 'sub', issuedAt: 0 }), RedisStoreError)
  await until(async () => await clients() === before - 1, 1000)
  t.pass('its connection is gone from CLIENT LIST')
})

t.test('Redis stopped: every member rejects promptly, isReady is false; restarted: the same store works again', async t => {
  const own = await startRedisServer(t)
  const commandTimeoutMs = 300
  const store = await open(t, { url: own.url, commandTimeoutMs })
  const release = await store.lock('held', 60_000)
  t.type(release, 'function')

  await own.stop()
  const slowest: number[] = []
  for (const [name, call] of everyMember(store, release!)) {
    const result = await settle(call, commandTimeoutMs + 2000)
    t.equal(result.state, 'rejected', `${name} rejects (after ${result.ms} ms)`)
    if (result.state === 'rejected') t.type(result.error, RedisStoreError, `${name}: RedisStoreError`)
    t.ok(result.ms <= commandTimeoutMs + 200, `${name} settled in ${result.ms} ms`)
    slowest.push(result.ms)
  }
  t.comment(`Redis stopped: slowest rejection ${Math.max(...slowest)} ms (commandTimeoutMs ${commandTimeoutMs})`)
  t.equal(store.isReady(), false, 'not ready')
  const ping = await settle(() => store.ping(), commandTimeoutMs + 2000)
  t.same([ping.state, ping.state === 'resolved' && ping.value], ['resolved', false], `ping says false (in ${ping.ms} ms)`)

  await sleep(500) // a few failed reconnect attempts
  await own.start()
  const back = await until(() => store.isReady(), 5000)
  t.comment(`reconnected ${back} ms after the restart`)
  t.equal(await store.ping(), true)
  await sleep(100)
  t.same(await store.peekCount('counter'), { count: 0, resetInMs: 0 }, 'the increment refused while down was not replayed')
  t.equal(await store.peekOnce('once'), undefined, 'nor the putOnce')
  t.equal(await store.isRevoked({ ids: [], sub: 'sub', issuedAt: 0 }), false, 'nor the markSignedOut')
  // An empty Redis (nothing persisted) with an empty script cache: the scripts are loaded again by themselves.
  t.same(await store.increment('counter', 60_000), { count: 1, resetInMs: 60_000 })
  t.equal((await store.peekCount('counter')).count, 1)
  await store.revokeToken('sub', 'jti', nowSeconds() + 60)
  t.equal(await store.isRevoked({ ids: ['jti'], sub: 'sub', issuedAt: 7 }), true)
  await store.markSignedOut('other', 7, nowSeconds() + 60)
  const signedOutBefore = async (issuedAt: number) => await store.isRevoked({ ids: [], sub: 'other', issuedAt })
  t.same([await signedOutBefore(6), await signedOutBefore(7)], [true, false])
  t.equal(await store.putOnce('once', 'v', 60_000), true)
  t.equal(await store.peekOnce('once'), 'v')
  t.equal(await store.takeOnce('once'), 'v')
  const again = await store.lock('held', 60_000)
  t.type(again, 'function', 'the lock can be taken (the restart lost it)')
  await again!()

  await own.stop()
  const closing = await settle(() => store.close(), 3000)
  t.equal(closing.state, 'resolved', `close resolves while Redis is down (in ${closing.ms} ms)`)
  t.ok(closing.ms < commandTimeoutMs + 200)
})

t.test('Redis frozen (accepts, never answers): calls in flight reject after commandTimeoutMs; it recovers', async t => {
  const own = await startRedisServer(t)
  const commandTimeoutMs = 300
  const store = await open(t, { url: own.url, commandTimeoutMs })
  const release = await store.lock('held', 60_000)

  own.freeze()
  const frozenAt = performance.now()
  const calls = everyMember(store, release!)
  const results = await Promise.all(calls.map(async ([name, call]) => ({ name, ...await settle(call, commandTimeoutMs + 2000) })))
  for (const result of results) {
    t.equal(result.state, 'rejected', `${result.name} rejects (after ${result.ms} ms)`)
    t.ok(result.ms >= commandTimeoutMs - 20 && result.ms <= commandTimeoutMs + 200, `${result.name}: ${result.ms} ms, about commandTimeoutMs`)
  }
  t.comment(`Redis frozen: rejections after ${Math.min(...results.map(r => r.ms))}-${Math.max(...results.map(r => r.ms))} ms`)
  const notReady = await until(() => !store.isReady(), 2000)
  t.comment(`isReady() false ${Math.round(performance.now() - frozenAt)} ms after the freeze`)
  t.ok(notReady >= 0)
  const ping = await settle(() => store.ping(), commandTimeoutMs + 2000)
  t.same([ping.state, ping.state === 'resolved' && ping.value], ['resolved', false], `ping says false (in ${ping.ms} ms)`)
  const late = await settle(() => store.isRevoked({ ids: ['jti'], sub: 'sub', issuedAt: 0 }), commandTimeoutMs + 2000)
  t.ok(late.state === 'rejected' && late.ms <= commandTimeoutMs + 200, `a call while still frozen rejects (in ${late.ms} ms)`)

  own.thaw()
  const back = await until(() => store.isReady(), 5000)
  t.comment(`ready again ${back} ms after the thaw`)
  const counted = await store.increment(`after-${randomUUID()}`, 60_000)
  t.equal(counted.count, 1)
  t.equal(await store.putOnce(`after-${randomUUID()}`, 'v', 60_000), true)
})

t.test('the URL\'s password never reaches the logs or the errors; one log line per state change', async t => {
  const password = `pw-${randomUUID()}`
  const own = await startRedisServer(t, { args: ['--requirepass', password] })
  const logTo = (lines: string[]) => ({
    info: (obj: object, msg: string) => { lines.push(`info ${msg} ${JSON.stringify(obj)}`) },
    warn: (obj: object, msg: string) => { lines.push(`warn ${msg} ${JSON.stringify(obj)}`) }
  })
  const wrongLines: string[] = []
  const rightLines: string[] = []

  const wrongUrl = `redis://:wrong-${password}@127.0.0.1:${own.port}`
  const wrong = createRedisStore({ url: wrongUrl, keyPrefix: freshPrefix(), commandTimeoutMs: 300, logger: logTo(wrongLines) })
  t.teardown(() => wrong.close())
  t.equal(await wrong.ping(), false, 'a wrong password never gets ready')
  const refused = await settle(() => wrong.isRevoked({ ids: ['jti'], sub: 'sub', issuedAt: 0 }), 2000)
  t.equal(refused.state, 'rejected')
  if (refused.state === 'rejected') t.notMatch(inspect(refused.error, { depth: 5 }), password)

  const right = await open(t, { url: `redis://:${password}@127.0.0.1:${own.port}`, commandTimeoutMs: 300, logger: logTo(rightLines) })
  t.equal(await right.putOnce('k', 'v', 5000), true)
  await own.stop()
  await sleep(1000) // several failed reconnect attempts (and more refusals for the wrong password before)
  await own.start()
  await until(() => right.isReady(), 5000)
  await until(() => rightLines.length >= 2, 1000)
  await sleep(300) // more attempts with the wrong password

  const lines = [...wrongLines, ...rightLines]
  t.comment(lines.join('\n'))
  t.equal(wrongLines.length, 1, 'the wrong password: one line, however many attempts failed')
  t.match(wrongLines[0], /^warn redis store: cannot reach Redis.*WRONGPASS/)
  t.equal(rightLines.length, 2, 'the outage: one line when lost, one when back')
  t.match(rightLines[0], /^warn redis store: connection to Redis lost/)
  t.match(rightLines[1], /^info redis store: connection to Redis is back/)
  t.ok(lines.every(line => line.includes(`"redis":"127.0.0.1:${own.port}"`)), 'they name the server')
  t.notOk(lines.some(line => line.includes(password)), 'none carries the password')
})
