/**
 * The JWKS cache against a real JWKS endpoint whose answers (keys, status,
 * delay, Cache-Control, silence) each test controls and whose requests it
 * counts; real RSA keys and real RS256 tokens verified by aws-jwt-verify's
 * JwtVerifier through the cache. The clock the cache reads is the test's, so
 * intervals and max-ages pass without waiting; only timeouts are real, and
 * only against an endpoint that never answers: anything that answers gets a
 * generous timeout (helpers/timeouts.ts).
 */
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { JwtVerifier } from 'aws-jwt-verify'
import { FetchError, JwksNotAvailableInCacheError, JwksValidationError, KidNotFoundInJwksError } from 'aws-jwt-verify/error'
import type { Jwks } from 'aws-jwt-verify/jwk'
import t from 'tap'
import { PoolJwksCache, type PoolJwksCacheOptions } from '../../src/verify/jwks-cache.js'
import { JWKS_TIMEOUT_MS, LATE_MS, NEVER_ANSWERS_TIMEOUT_MS, until } from '../helpers/timeouts.js'

const INTERVAL = 10_000
const MINUTE = 60_000
const HOUR = 60 * MINUTE

interface Key { kid: string, privateKey: KeyObject, jwk: Record<string, unknown> }

function makeKey (kid: string): Key {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } }
}
const keyA = makeKey('key-a')
const keyB = makeKey('key-b')

interface Endpoint {
  issuer: string
  jwksUri: string
  /**
   * What the next requests get. `hang`: no answer at all (until `answerHeld`); `stall`: headers and half a body,
   * then nothing.
   */
  keys: Array<Record<string, unknown>>
  status: number
  body?: string
  headers: Record<string, string>
  delayMs: number
  mode: 'answer' | 'hang' | 'stall'
  requests: number
  /** Answers the requests `hang` holds, as `answer` would now. */
  answerHeld (): void
  close (): Promise<void>
}

async function startEndpoint (t: { teardown (fn: () => unknown): void }, keys = [keyA.jwk]): Promise<Endpoint> {
  const server = createServer((request, response) => {
    endpoint.requests += 1
    const { mode, delayMs } = endpoint
    if (mode === 'hang') return held.push(response)
    if (mode === 'stall') {
      response.writeHead(200, { 'content-type': 'application/json' }).write(bodyNow().slice(0, 10))
      return
    }
    setTimeout(() => answer(response), delayMs)
  })
  const held: ServerResponse[] = []
  const bodyNow = () => endpoint.body ?? JSON.stringify({ keys: endpoint.keys })
  // No keep-alive: once closed, the next fetch is refused rather than finding a dead pooled socket.
  const answer = (response: ServerResponse) =>
    response.writeHead(endpoint.status, { 'content-type': 'application/json', connection: 'close', ...endpoint.headers }).end(bodyNow())
  let closed = false
  const close = () => new Promise<void>(resolve => {
    if (closed) return resolve()
    closed = true
    server.closeAllConnections()
    server.close(() => resolve())
  })
  t.teardown(close)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/us-east-1_Pool`
  const endpoint: Endpoint = {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    keys,
    status: 200,
    headers: {},
    delayMs: 0,
    mode: 'answer',
    requests: 0,
    answerHeld: () => { for (const response of held.splice(0)) answer(response) },
    close
  }
  return endpoint
}

/** A cache on the test's clock, its endpoint, and a verifier using both. */
async function setUp (t: { teardown (fn: () => unknown): void }, options: Partial<PoolJwksCacheOptions> = {}, keys?: Array<Record<string, unknown>>) {
  const endpoint = await startEndpoint(t, keys)
  const clock = { now: 1_000_000 }
  const cache = new PoolJwksCache({ timeoutMs: JWKS_TIMEOUT_MS, now: () => clock.now, ...options })
  const verifier = JwtVerifier.create({ issuer: endpoint.issuer, jwksUri: endpoint.jwksUri, audience: null }, { jwksCache: cache })
  const token = (key: Key, kid = key.kid) => sign(endpoint.issuer, key.privateKey, kid)
  return { endpoint, clock, cache, verifier, token, forged: () => token(keyA, randomUUID()) }
}

function sign (issuer: string, privateKey: KeyObject, kid: string): string {
  const now = Math.floor(Date.now() / 1000)
  const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url')
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode({ iss: issuer, sub: 'user', iat: now, exp: now + 3600 })}`
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`
}

/** The rejection reasons of `n` verifications, in parallel or one after another. */
async function refusals (verify: () => Promise<unknown>, n: number, parallel: boolean): Promise<unknown[]> {
  if (parallel) {
    const results = await Promise.allSettled(Array.from({ length: n }, verify))
    return results.map(result => result.status === 'rejected' ? result.reason : 'accepted')
  }
  const reasons: unknown[] = []
  for (let i = 0; i < n; i++) reasons.push(await verify().then(() => 'accepted', (err: unknown) => err))
  return reasons
}

type ErrorClass = new (...args: never[]) => Error
const all = (reasons: unknown[], ...types: ErrorClass[]) => reasons.every(reason => types.some(type => reason instanceof type))

/** What a promise rejected with, or threw, for `t.type` (tap's `rejects` and `throws` match a class by fields, not `instanceof`). */
const rejection = async (promise: Promise<unknown>) => await promise.then(() => 'accepted', (err: unknown) => err)
function thrown (fn: () => unknown): unknown {
  try {
    fn()
    return 'returned'
  } catch (err) {
    return err
  }
}

async function timed<T> (promise: Promise<T>): Promise<{ ms: number, error?: unknown }> {
  const start = performance.now()
  try {
    await promise
    return { ms: performance.now() - start }
  } catch (error) {
    return { ms: performance.now() - start, error }
  }
}

t.test('unknown kids: at most one refetch per interval, counted from the last attempt', async t => {
  const { endpoint, clock, cache, verifier, token, forged } = await setUp(t)
  t.ok(await verifier.verify(token(keyA)), 'warm-up')
  t.equal(endpoint.requests, 1)
  t.type(await rejection(verifier.verify(forged())), KidNotFoundInJwksError, 'right after the warm-up fetch, an unknown kid is just unknown')
  t.equal(endpoint.requests, 1, 'the warm-up was the interval\'s fetch')

  clock.now += INTERVAL

  t.ok(all(await refusals(() => verifier.verify(forged()), 200, true), KidNotFoundInJwksError), '200 in parallel: all refused as unknown kid')
  t.equal(endpoint.requests, 2, 'one refetch for them all')
  t.ok(all(await refusals(() => verifier.verify(forged()), 200, false), KidNotFoundInJwksError), '200 in sequence: all refused')
  t.equal(endpoint.requests, 2, 'no refetch within the interval')
  t.ok(await verifier.verify(token(keyA)), 'the known key still verifies')

  clock.now += INTERVAL - 1
  await verifier.verify(forged()).catch(() => {})
  t.equal(endpoint.requests, 2, 'still within the interval')

  clock.now += 1
  endpoint.keys = [keyA.jwk, keyB.jwk]
  t.ok(await verifier.verify(token(keyB)), 'after the interval, a key new at the IdP is fetched and verifies')
  t.equal(endpoint.requests, 3, 'one more fetch')
  t.ok(all(await refusals(() => verifier.verify(forged()), 50, true), KidNotFoundInJwksError))
  t.equal(endpoint.requests, 3, 'and that fetch starts a new interval')
  t.same(cache.stats(), { fetches: 3, failures: 0 })
})

t.test('endpoint down after warm-up: cached keys keep working, failed attempts count for the interval', async t => {
  const { endpoint, clock, cache, verifier, token, forged } = await setUp(t)
  await verifier.verify(token(keyA))
  t.equal(cache.status(endpoint.jwksUri), 'ok')

  endpoint.status = 500
  clock.now += INTERVAL
  t.ok(await verifier.verify(token(keyA)), 'the known key verifies without a fetch')
  t.equal(endpoint.requests, 1)
  const first = await timed(verifier.verify(forged()))
  t.type(first.error, FetchError, 'the unknown kid that tried a fetch learns the JWKS is unavailable')
  t.equal(endpoint.requests, 2)
  t.equal(cache.status(endpoint.jwksUri), 'degraded')

  const flood = await refusals(() => verifier.verify(forged()), 100, true)
  t.ok(all(flood, KidNotFoundInJwksError), 'within the interval after a FAILED attempt: refused at once')
  t.equal(endpoint.requests, 2, 'no fetch')
  t.ok(await verifier.verify(token(keyA)), 'the known key still verifies')
  t.equal(endpoint.requests, 2, 'no background retry within the interval either')

  clock.now += INTERVAL
  t.ok(all(await refusals(() => verifier.verify(forged()), 100, true), FetchError, KidNotFoundInJwksError), 'after the interval: refused')
  t.equal(endpoint.requests, 3, 'after one more fetch, shared')
  t.equal(cache.status(endpoint.jwksUri), 'degraded')

  endpoint.status = 200
  clock.now += INTERVAL
  t.ok(await verifier.verify(token(keyA)), 'verifies at once')
  await until(() => cache.status(endpoint.jwksUri) === 'ok')
  t.equal(endpoint.requests, 4, 'a degraded cache retries in the background, and is ok after a success')

  await endpoint.close()
  clock.now += INTERVAL
  t.ok(await verifier.verify(token(keyA)), 'connection refused: the known key verifies')
  t.equal(cache.status(endpoint.jwksUri), 'ok', 'fresh keys are not refetched just because time passed')
  const fetches = cache.stats().fetches
  const refused = await timed(verifier.verify(forged()))
  t.type(refused.error, FetchError)
  t.match(refused.error, { message: /ECONNREFUSED/ })
  t.equal(cache.status(endpoint.jwksUri), 'degraded')
  t.ok(all(await refusals(() => verifier.verify(forged()), 100, true), KidNotFoundInJwksError))
  t.equal(cache.stats().fetches, fetches + 1, 'one attempt in the interval')
  clock.now += INTERVAL
  await refusals(() => verifier.verify(forged()), 100, true)
  t.equal(cache.stats().fetches, fetches + 2, 'and one in the next')
  t.ok(await verifier.verify(token(keyA)))
  t.same(cache.stats(), { fetches: fetches + 2, failures: 4 })
})

t.test('an endpoint that never answers', async t => {
  // Nothing here answers (hang, stall), so the timeout is the only way out: a short one loses no race.
  const timeoutMs = NEVER_ANSWERS_TIMEOUT_MS
  const { endpoint, clock, cache, verifier, token, forged } = await setUp(t, { timeoutMs })
  endpoint.mode = 'hang'
  const cold = await timed(verifier.verify(token(keyA)))
  t.type(cold.error, FetchError, 'nothing cached: unavailable')
  t.ok(cold.ms >= timeoutMs - 50 && cold.ms < timeoutMs + LATE_MS, `gave up after the timeout (${Math.round(cold.ms)} ms)`)
  t.equal(cache.status(endpoint.jwksUri), 'missing')
  const again = await timed(verifier.verify(token(keyA)))
  t.type(again.error, FetchError, `within the interval: unavailable at once (${Math.round(again.ms)} ms), without a fetch`)
  t.equal(endpoint.requests, 1)
  t.same(cache.stats(), { fetches: 1, failures: 1 })

  // Keys as a fetch would have cached them (a fetch that answers would race the short timeout).
  clock.now += INTERVAL
  cache.addJwks(endpoint.jwksUri, { keys: [keyA.jwk] } as unknown as Jwks)
  t.equal(cache.status(endpoint.jwksUri), 'ok')
  clock.now += 2 * HOUR
  const cached = await timed(verifier.verify(token(keyA)))
  t.equal(cached.error, undefined, `a stale cached key verifies (${Math.round(cached.ms)} ms)`)
  t.same(cache.stats(), { fetches: 2, failures: 1 }, 'without waiting for the background refresh: it has not failed yet')
  await until(() => endpoint.requests === 2, { what: 'the background refresh' })
  t.pass('a background refresh is under way')
  const joined = await timed(verifier.verify(forged()))
  t.type(joined.error, FetchError, 'an unknown kid shares the hanging refresh')
  t.ok(joined.ms < timeoutMs + LATE_MS, `and waits no longer than its timeout (${Math.round(joined.ms)} ms)`)
  t.equal(endpoint.requests, 2)
  t.same(cache.stats(), { fetches: 2, failures: 2 }, 'the refresh failed')
  t.equal(cache.status(endpoint.jwksUri), 'degraded')

  endpoint.mode = 'stall'
  const stalled = await timed(cache.hydrate(endpoint.jwksUri))
  t.type(stalled.error, FetchError, 'a body that stops halfway')
  t.ok(stalled.ms >= timeoutMs - 50 && stalled.ms < timeoutMs + LATE_MS, `is cut off by the same timeout (${Math.round(stalled.ms)} ms)`)
})

t.test('Cache-Control max-age: served stale while one background refresh replaces the set', async t => {
  const { endpoint, clock, cache, verifier, token } = await setUp(t)
  endpoint.headers = { 'cache-control': 'public, max-age=120' }
  await verifier.verify(token(keyA))

  clock.now += 119_000
  await verifier.verify(token(keyA))
  t.equal(endpoint.requests, 1, 'fresh for 120 s')

  endpoint.keys = [keyB.jwk] // rotation: key A withdrawn
  endpoint.mode = 'hang' // the refresh is held until the test answers it
  clock.now += 1000
  const stale = await timed(verifier.verify(token(keyA)))
  t.equal(stale.error, undefined, `past max-age the old key still verifies, at once (${Math.round(stale.ms)} ms), not after the refresh`)
  await until(() => endpoint.requests === 2, { what: 'the background refresh' })
  t.pass('and one background refresh started')
  await Promise.all([verifier.verify(token(keyA)), verifier.verify(token(keyA))])
  t.same(cache.stats(), { fetches: 2, failures: 0 }, 'only one')
  t.equal(endpoint.requests, 2, 'still held')

  endpoint.mode = 'answer'
  endpoint.answerHeld()
  await until(async () => await verifier.verify(token(keyA)).then(() => false, () => true), { what: 'the withdrawn key refused' })
  t.type(await rejection(verifier.verify(token(keyA))), KidNotFoundInJwksError, 'once refreshed, the withdrawn key is refused')
  t.ok(await verifier.verify(token(keyB)), 'and the new one verifies')
  t.equal(endpoint.requests, 2, 'from the refreshed set, with no further fetch')
  t.equal(cache.status(endpoint.jwksUri), 'ok')
})

t.test('max-age is clamped to the floor and ceiling; without one the default applies', async t => {
  const cases: Array<[string, string | undefined, number]> = [
    ['max-age=1 is the floor', 'max-age=1', MINUTE],
    ['no Cache-Control is the default', undefined, HOUR],
    ['no-store is the floor', 'no-store', MINUTE],
    ['a huge max-age is the ceiling', 'max-age=999999999', 24 * HOUR]
  ]
  for (const [name, cacheControl, expectedMs] of cases) {
    const { endpoint, clock, cache, verifier, token } = await setUp(t)
    if (cacheControl !== undefined) endpoint.headers = { 'cache-control': cacheControl }
    await verifier.verify(token(keyA))
    clock.now += expectedMs - 1000
    await verifier.verify(token(keyA))
    t.equal(cache.stats().fetches, 1, `${name}: fresh just before`)
    clock.now += 1000
    await verifier.verify(token(keyA))
    await until(() => endpoint.requests === 2, { what: `${name}: the refresh` })
    t.pass(`${name}: refreshed at ${expectedMs / 1000} s`)
  }
})

t.test('concurrent first verifications share one fetch', async t => {
  const { endpoint, cache, verifier, token } = await setUp(t)
  endpoint.delayMs = 100
  const results = await Promise.allSettled(Array.from({ length: 50 }, () => verifier.verify(token(keyA))))
  t.ok(results.every(result => result.status === 'fulfilled'), 'all 50 verify')
  t.equal(endpoint.requests, 1, 'one fetch')
  t.same(cache.stats(), { fetches: 1, failures: 0 })
})

t.test('a broken key set is a JwksValidationError and the previous good keys stay in use', async t => {
  const { endpoint, clock, cache, verifier, token, forged } = await setUp(t)
  endpoint.body = '<html>oops</html>'
  t.type(await rejection(verifier.verify(token(keyA))), JwksValidationError, 'nothing cached: the garbage is the answer')
  t.equal(cache.status(endpoint.jwksUri), 'missing')

  endpoint.body = undefined
  endpoint.keys = [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'ec' }, { ...keyB.jwk, kid: undefined }, keyA.jwk]
  await cache.hydrate(endpoint.jwksUri)
  t.same((await cache.getJwks(endpoint.jwksUri)).keys.map(key => key.kid), ['key-a'], 'only RSA keys with a kid are kept')

  const broken = ['not json', '{"keys":"none"}', '{"nokeys":[]}', '{"keys":[{"kty":5}]}', '{"keys":[]}', '{"keys":[{"kty":"EC","kid":"ec"}]}']
  for (const body of broken) {
    endpoint.body = body
    t.type(await rejection(cache.hydrate(endpoint.jwksUri)), JwksValidationError, body)
    t.equal(cache.status(endpoint.jwksUri), 'degraded')
    t.ok(await verifier.verify(token(keyA)), 'the good key still verifies')
  }
  clock.now += INTERVAL
  t.type(await rejection(verifier.verify(forged())), JwksValidationError, 'an unknown kid whose refetch got garbage')
  t.ok(await verifier.verify(token(keyA)))
})

t.test('stats count every attempt and every failure, and nothing after warm-up', async t => {
  const { endpoint, clock, cache, verifier, token } = await setUp(t)
  t.same(cache.stats(), { fetches: 0, failures: 0 })
  await cache.hydrate(endpoint.jwksUri)
  for (let i = 0; i < 100; i++) await verifier.verify(token(keyA))
  t.same(cache.stats(), { fetches: 1, failures: 0 }, 'zero fetches after warm-up')

  const failures: Array<[string, () => void, RegExp]> = [
    ['HTTP 404', () => { endpoint.status = 404 }, /HTTP 404/],
    ['a redirect, not followed', () => { endpoint.status = 302; endpoint.headers = { location: endpoint.jwksUri } }, /redirect/]
  ]
  for (const [name, set, message] of failures) {
    set()
    const error = await rejection(cache.hydrate(endpoint.jwksUri))
    t.type(error, FetchError, name)
    t.match(error, { message }, name)
  }
  t.same(cache.stats(), { fetches: 3, failures: 2 })
  endpoint.status = 200
  endpoint.headers = {}
  clock.now += INTERVAL
  await verifier.verify(token(keyA))
  await until(() => cache.status(endpoint.jwksUri) === 'ok', { what: 'the background retry' })
  t.same(cache.stats(), { fetches: 4, failures: 2 }, 'the background retry counts too')
  t.equal(endpoint.requests, 4)

  // A timeout, on a cache of its own with a short one: the endpoint never answers it.
  endpoint.mode = 'hang'
  const impatient = new PoolJwksCache({ timeoutMs: NEVER_ANSWERS_TIMEOUT_MS })
  const error = await rejection(impatient.hydrate(endpoint.jwksUri))
  t.type(error, FetchError, 'a timeout')
  t.match(error, { message: `no answer within ${NEVER_ANSWERS_TIMEOUT_MS} ms` }, 'a timeout')
  t.same(impatient.stats(), { fetches: 1, failures: 1 })

  const other = new PoolJwksCache({ timeoutMs: JWKS_TIMEOUT_MS })
  t.type(await rejection(other.hydrate('file:///etc/passwd')), FetchError, 'only http(s)')
  t.same(other.stats(), { fetches: 1, failures: 1 })
})

t.test('getCachedJwk answers from the cache only (verifySync)', async t => {
  const { endpoint, verifier, token, forged } = await setUp(t)
  t.type(thrown(() => verifier.verifySync(token(keyA))), JwksNotAvailableInCacheError)
  t.equal(endpoint.requests, 0)
  await verifier.hydrate()
  t.ok(verifier.verifySync(token(keyA)))
  t.type(thrown(() => verifier.verifySync(forged())), KidNotFoundInJwksError)
  t.equal(endpoint.requests, 1)
})

t.test('RSA keys under 2048 bits are left out of the set, reported once per kid; a set of only such keys is invalid', async t => {
  const weak = (kid: string, modulusLength: number): Key => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength })
    return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } }
  }
  const key1024 = weak('weak-1024', 1024)
  const key2047 = weak('weak-2047', 2047)
  const told: Array<{ jwksUri: string, kid: string, bits: number }> = []
  const onWeakKey = (weakKey: { jwksUri: string, kid: string, bits: number }) => told.push(weakKey)
  const { endpoint, clock, cache, verifier, token } = await setUp(t, { onWeakKey }, [key1024.jwk, key2047.jwk, keyA.jwk])

  t.ok(await verifier.verify(token(keyA)), 'the control: the 2048-bit key of the same set verifies')
  t.type(await rejection(verifier.verify(token(key1024))), KidNotFoundInJwksError, 'a token signed by the 1024-bit key is refused')
  t.type(await rejection(verifier.verify(token(key2047))), KidNotFoundInJwksError, 'and by the 2047-bit key')
  t.same(told, [
    { jwksUri: endpoint.jwksUri, kid: 'weak-1024', bits: 1024 },
    { jwksUri: endpoint.jwksUri, kid: 'weak-2047', bits: 2047 }
  ], 'each reported, with its size')

  endpoint.keys = [key1024.jwk, key2047.jwk, keyA.jwk, keyB.jwk]
  clock.now += 2 * HOUR // past the default max-age: the next verification refreshes the set
  await verifier.verify(token(keyA))
  await until(() => thrown(() => cache.getCachedJwk(endpoint.jwksUri, { header: { kid: keyB.kid }, payload: {} })) === 'returned', {
    what: 'the refreshed set (key B added) in the cache'
  })
  t.type(await rejection(verifier.verify(token(key1024))), KidNotFoundInJwksError, 'still refused after a refresh')
  t.equal(told.length, 2, 'and not reported again')

  const onlyWeak = new PoolJwksCache({ timeoutMs: JWKS_TIMEOUT_MS })
  t.type(thrown(() => onlyWeak.addJwks(endpoint.jwksUri, { keys: [key1024.jwk as Jwks['keys'][number]] })), JwksValidationError, 'no key left')
})
