/**
 * `SharedStore` in Redis: what lets several BFF instances behind a load
 * balancer agree on revocations, sign-outs, rate limits, single-use values and
 * locks. Needs Redis >= 6.2 (GETDEL, SET ... PXAT); Debian's redis-server 7.0 is fine.
 *
 * Client: ioredis (v6), rather than node-redis:
 * - `defineCommand` gives named Lua scripts sent as EVALSHA with a transparent
 *   EVAL fallback on NOSCRIPT (a restarted or failed-over Redis has an empty
 *   script cache; nothing to reload by hand).
 * - The fail-closed knobs are plain options with documented semantics:
 *   `enableOfflineQueue: false` (no queueing while disconnected: a call
 *   rejects at once), `commandTimeout` (a call on a live but unresponsive
 *   connection rejects after that many ms), `maxRetriesPerRequest: 0` and
 *   `autoResendUnfulfilledCommands: false` (commands in flight when the
 *   connection drops reject immediately and are never replayed later, so a
 *   takeOnce or increment whose caller already got an error cannot run behind
 *   its back after a reconnect), `socketTimeout` (a silent socket is torn down,
 *   so a frozen server or a network black hole flips `isReady()` to false).
 *   Reconnection is automatic (`retryStrategy`).
 * - Its `Cluster` client speaks Redis Cluster (ElastiCache Serverless, Valkey
 *   or Redis OSS, is one) with the same commands and scripts. The same knobs
 *   hold there (`redisOptions` for each node's connection), plus two of its
 *   own: `retryDelayOnFailover: 0` (a command whose node connection dropped is
 *   not sent again elsewhere: it may have run) and `retryDelayOnClusterDown: 0`
 *   (CLUSTERDOWN, a shard without a primary, rejects at once). MOVED and ASK
 *   redirections are still followed: the command did not run where it was
 *   refused. A primary lost for good is replaced by its replica; the client
 *   finds the new one by that redirection or by the slot refresh a failed
 *   `ping()` asks for, with no restart (also after every node was restarted).
 * - Mature (since 2015), bundles its own TypeScript types, actively maintained
 *   under the redis GitHub organisation (6.0.0, July 2026, Node >= 20), few
 *   small dependencies. node-redis v5 is equally current, but its per-command
 *   timeouts and offline-queue behaviour took more wiring for the same result.
 *
 * Layout (every key under `keyPrefix`, default `cognito-bff:`; one key space per family):
 *   signout:{<sub>}        hash { at, until }; PEXPIREAT until
 *   revoked:{<sub>}:<jti>  string: the expiry in epoch ms; PXAT that expiry
 *   count:<key>            integer counter; PEXPIRE windowMs on the first increment
 *   once:<key>             the value; SET NX PX ttlMs
 *   lock:<key>             the holder's random token; SET NX PX ttlMs
 * Everything carries a TTL, so nothing accumulates. Multi-command members run as
 * one Lua script each, so they are atomic across instances.
 *
 * Slots: on a Redis Cluster (ElastiCache Serverless too) a script may only
 * touch keys of one hash slot. Everything a revocation check reads is under the
 * user's hash tag `{<sub>}` (the slot is computed from the text between the
 * first `{` and the next `}`), so `isRevoked` is one script, one round trip, on
 * one shard; every other script touches one key. Hence a key prefix may not
 * contain braces (it would move the tag), and a sub may not be empty or start
 * with `}` (the tag would be empty and the whole key hashed instead); Cognito's
 * subs are UUIDs.
 *
 * TLS: a `rediss://` URL, with the server checked against Node's CAs or
 * `tlsCa` (PEM) when the CA is private. On a cluster each node is reached by
 * the address CLUSTER SLOTS gives, and checked against the seed's host name
 * (ElastiCache Serverless's certificate names its endpoint, not its nodes'
 * addresses); the seed's name is not resolved up front (`dnsLookup`
 * passthrough), so its TLS name is the one checked. An ACL user and password
 * come from the URL, for every node.
 *
 * Failure: every member rejects (never resolves a guess) when Redis is down or
 * slow: at once while disconnected, after `commandTimeoutMs` otherwise. A
 * rejection is a `RedisStoreError` whose message says which member failed and
 * why, without keys, values or the URL (ioredis attaches command arguments to
 * its errors, and those may be single-use codes or tokens). Note that a command
 * that timed out on the client may still have run on the server.
 */
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import { StoreUnavailableError, type SharedStore } from './store.js'

/** The pino/Fastify logger methods the store uses. */
export interface RedisStoreLogger {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
}

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS; with `cluster`, any node (the seed). Never logged. */
  url: string
  /** A Redis Cluster (ElastiCache Serverless, or cluster mode on): `url` is its seed node. Default false. */
  cluster?: boolean
  /** PEM of the CA that signed the server's certificate, when Node's own CAs do not (a `rediss://` URL only). */
  tlsCa?: string
  /** Prefix of every key; lets several deployments share one Redis. Default `cognito-bff:`. */
  keyPrefix?: string
  /** A call on a connected but unresponsive Redis rejects after this many ms. Default 1000. */
  commandTimeoutMs?: number
  /** Give up one connection attempt after this many ms (then retry). Default 2000. */
  connectTimeoutMs?: number
  /** Connection state changes (lost / back) are logged here, once per change. */
  logger?: RedisStoreLogger
}

export interface RedisStore extends SharedStore {
  /**
   * Round trip to Redis (for /readyz): true on PONG; false when down, slow or closed. Never rejects. On a
   * cluster: every primary answers PING and every slot has one (a shard that lost its primary is not ready).
   */
  ping (): Promise<boolean>
  /** Whether the connection is up right now (no round trip); on a cluster, whether every slot has a primary not lost. */
  isReady (): boolean
}

/** Why a store call rejected: Redis down, too slow, or it refused the command. */
export class RedisStoreError extends StoreUnavailableError {
  override name = 'RedisStoreError'
}

const DEFAULT_PREFIX = 'cognito-bff:'
const DEFAULT_COMMAND_TIMEOUT_MS = 1000
const DEFAULT_CONNECT_TIMEOUT_MS = 2000
const MAX_RECONNECT_DELAY_MS = 1000
const CLUSTER_SLOTS = 16384

// INCR, and start the window on the first one only: later increments never
// extend it. A counter somehow left without a TTL gets a window again.
const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if ttl < 1 then ttl = 1 end
return {count, ttl}
`

const PEEK_COUNT = `
local count = redis.call('GET', KEYS[1])
if not count then return {0, 0} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 1 then ttl = 1 end
return {tonumber(count), ttl}
`

// The value is the expiry (epoch ms): a revocation only ever gets longer.
const REVOKE = `
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
return 1
`

// ARGV: at (epoch s), keepUntil (epoch ms), now (epoch ms). The mark only
// moves forward and its retention is never shortened (instances may race);
// with no previous mark, one already past keepUntil is not stored.
const SIGN_OUT = `
local at, keep = ARGV[1], ARGV[2]
local prev = redis.call('HMGET', KEYS[1], 'at', 'until')
if prev[1] then
  if tonumber(prev[1]) > tonumber(at) then at = prev[1] end
  if prev[2] and tonumber(prev[2]) > tonumber(keep) then keep = prev[2] end
elseif tonumber(keep) <= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], 'at', at, 'until', keep)
redis.call('PEXPIREAT', KEYS[1], keep)
return 1
`

// A token check's one question. KEYS (one slot: the user's hash tag): the user's signed-out mark, then the revocations of
// the token's ids; ARGV[1]: its iat.
const IS_REVOKED = `
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 1 end
end
local at = redis.call('HGET', KEYS[1], 'at')
if at and tonumber(ARGV[1]) < tonumber(at) then return 1 end
return 0
`

// Compare-and-delete: only the acquisition holding this token releases.
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

type Script = (key: string, ...args: string[]) => Promise<unknown>

export function createRedisStore (options: RedisStoreOptions): RedisStore {
  const prefix = options.keyPrefix ?? DEFAULT_PREFIX
  if (/[{}]/.test(prefix)) throw new RangeError('redis store: keyPrefix must not contain { or } (they would move the hash tags)')
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  assertDuration('commandTimeoutMs', commandTimeoutMs)
  assertDuration('connectTimeoutMs', connectTimeoutMs)
  const logger = options.logger
  const target = parseRedisUrl(options.url)
  const server = `${target.host}:${target.port}`
  if (options.tlsCa !== undefined && !target.tls) throw new TypeError('redis store: tlsCa needs a rediss:// url')
  if (options.cluster === true && target.db !== 0) throw new TypeError('redis store: a cluster has database 0 only; remove /<db> from the url')

  // For one server and for each node of a cluster: fail fast, never replay.
  const connection = {
    connectionName: 'cognito-bff',
    connectTimeout: Math.ceil(connectTimeoutMs),
    commandTimeout: Math.ceil(commandTimeoutMs),
    // No data at all for this long while replies are due: the socket is dead.
    socketTimeout: Math.ceil(2 * commandTimeoutMs),
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password })
  } satisfies RedisOptions
  const retryStrategy = (attempt: number) => Math.min(100 * attempt, MAX_RECONNECT_DELAY_MS)

  const redis: Redis | Cluster = options.cluster === true
    ? new Cluster([{ host: target.host, port: target.port }], {
      enableOfflineQueue: false,
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 0,
      clusterRetryStrategy: retryStrategy,
      slotsRefreshTimeout: Math.ceil(commandTimeoutMs),
      ...(target.tls ? { dnsLookup: (address, lookedUp) => lookedUp(null, address) } : {}),
      redisOptions: {
        ...connection,
        ...(target.tls ? { tls: { servername: target.host, ...(options.tlsCa === undefined ? {} : { ca: options.tlsCa }) } } : {})
      }
    } satisfies ClusterOptions)
    : new Redis({
      ...connection,
      host: target.host,
      port: target.port,
      db: target.db,
      enableOfflineQueue: false,
      retryStrategy,
      ...(target.tls ? { tls: options.tlsCa === undefined ? {} : { ca: options.tlsCa } } : {})
    })

  let closing = false
  let closed: Promise<void> | undefined

  // Log transitions only: one line when the connection is lost (or the first
  // attempt fails), one when it is back; not every failed retry. An 'error'
  // listener is required anyway, or ioredis prints each one to the console.
  let up = false
  let reportedDown = false
  function down (message: string, reason?: string): void {
    up = false
    if (reportedDown || closing) return
    reportedDown = true
    logger?.warn({ redis: server, ...(reason === undefined ? {} : { reason }) }, message)
  }
  function back (): void {
    up = true
    if (reportedDown) logger?.info({ redis: server }, 'redis store: connection to Redis is back')
    reportedDown = false
  }
  redis.on('error', (err: unknown) => down('redis store: cannot reach Redis; store calls fail until it is back', reasonOf(err)))
  // A cluster's node: the cluster stays up, the calls for that node's slots fail until its replica takes over.
  redis.on('node error', (err: unknown) => down('redis store: cannot reach a Redis node; calls for its slots fail until it is back', reasonOf(err)))
  redis.on('close', () => {
    if (up) down('redis store: connection to Redis lost; store calls fail until it is back')
  })
  redis.on('ready', back)

  function script (name: string, lua: string): Script {
    redis.defineCommand(name, { numberOfKeys: 1, lua })
    const fn = (redis as unknown as Record<string, Script>)[name]
    if (fn === undefined) throw new Error(`ioredis did not define ${name}`)
    return fn.bind(redis)
  }
  const increment = script('bffIncrement', INCREMENT)
  const peekCount = script('bffPeekCount', PEEK_COUNT)
  const revoke = script('bffRevoke', REVOKE)
  const signOut = script('bffSignOut', SIGN_OUT)
  const unlock = script('bffUnlock', UNLOCK)
  // Its number of keys varies (a token has a jti, an origin_jti, both or neither): passed first on each call.
  redis.defineCommand('bffIsRevoked', { lua: IS_REVOKED })
  const isRevoked = (redis as unknown as Record<string, (...args: Array<string | number>) => Promise<number>>).bffIsRevoked!.bind(redis)

  const keys = {
    revoked: (sub: string, jti: string) => `${prefix}revoked:${userTag(sub)}:${jti}`,
    signout: (sub: string) => `${prefix}signout:${userTag(sub)}`,
    count: (key: string) => `${prefix}count:${key}`,
    once: (key: string) => `${prefix}once:${key}`,
    lock: (key: string) => `${prefix}lock:${key}`
  }

  async function quit (): Promise<void> {
    closing = true
    if (redis.status === 'end') return
    // Waits for 'end', but no longer than a command: a client that was between
    // reconnect attempts has no socket left to close, and never says 'end'.
    const ended = endWithin(redis, commandTimeoutMs)
    if (redis.status === 'ready') {
      // QUIT lets replies already due arrive first; a dead server gets no more than the command timeout.
      await redis.quit().catch(() => redis.disconnect())
    } else {
      redis.disconnect() // not connected: stop the reconnect loop
    }
    await ended
  }

  /** Runs one Redis call; any failure becomes a RedisStoreError without arguments attached. */
  async function run<T> (member: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (err) {
      throw new RedisStoreError(`redis store: ${member} failed: ${reasonOf(err)}`)
    }
  }

  return {
    async revokeToken (sub, jti, expiresAt) {
      assertEpoch('expiresAt', expiresAt)
      const key = keys.revoked(sub, jti)
      const untilMs = Math.ceil(expiresAt * 1000)
      // Already expired: the token is rejected anyway, and an existing longer entry must stay as it is.
      if (untilMs <= Date.now()) return
      await run('revokeToken', () => revoke(key, String(untilMs)))
    },

    async isRevoked ({ ids, sub, issuedAt }) {
      const keyList = [keys.signout(sub), ...ids.map(id => keys.revoked(sub, id))]
      return await run('isRevoked', () => isRevoked(keyList.length, ...keyList, String(issuedAt))) === 1
    },

    async markSignedOut (sub, at, keepUntil) {
      assertEpoch('at', at)
      assertEpoch('keepUntil', keepUntil)
      const key = keys.signout(sub)
      const keepMs = String(Math.ceil(keepUntil * 1000))
      await run('markSignedOut', () => signOut(key, String(at), keepMs, String(Date.now())))
    },

    async increment (key, windowMs) {
      assertDuration('windowMs', windowMs)
      const [count, ttl] = await run('increment', () => increment(keys.count(key), String(Math.ceil(windowMs)))) as [number, number]
      return { count, resetInMs: Math.min(ttl, windowMs) }
    },

    async peekCount (key) {
      const [count, resetInMs] = await run('peekCount', () => peekCount(keys.count(key))) as [number, number]
      return { count, resetInMs }
    },

    async putOnce (key, value, ttlMs) {
      assertDuration('ttlMs', ttlMs)
      return await run('putOnce', () => redis.set(keys.once(key), value, 'PX', Math.ceil(ttlMs), 'NX')) === 'OK'
    },

    async takeOnce (key) {
      return await run('takeOnce', () => redis.getdel(keys.once(key))) ?? undefined
    },

    async peekOnce (key) {
      return await run('peekOnce', () => redis.get(keys.once(key))) ?? undefined
    },

    async lock (key, ttlMs) {
      assertDuration('ttlMs', ttlMs)
      const name = keys.lock(key)
      // The token ties the release to this acquisition, not to the key.
      const token = randomBytes(16).toString('base64url')
      const acquired = await run('lock', () => redis.set(name, token, 'PX', Math.ceil(ttlMs), 'NX'))
      if (acquired !== 'OK') return undefined
      return async () => {
        await run('lock release', () => unlock(name, token))
      }
    },

    async ping () {
      try {
        if (redis.status !== 'ready') await readyWithin(redis, commandTimeoutMs)
        const healthy = redis instanceof Cluster ? await clusterAnswers(redis) : await redis.ping() === 'PONG'
        if (healthy && !up) back()
        return healthy
      } catch {
        return false
      }
    },

    isReady () {
      // A node's connection opens on its first command: one not opened yet counts, one lost does not.
      if (redis instanceof Cluster) return redis.status === 'ready' && slotsCovered(redis, node => node.status !== 'end' && node.status !== 'close')
      // The socket may already be half-closed by the server before ioredis has processed its 'close' event.
      return redis.status === 'ready' && redis.stream?.writable === true
    },

    async close () {
      closed ??= quit()
      await closed
    }
  }
}

/** Every primary answers PING and every slot has one; anything short of that triggers a slot refresh for the next look. */
async function clusterAnswers (cluster: Cluster): Promise<boolean> {
  const primaries = cluster.nodes('master')
  const answers = await Promise.all(primaries.map(async node => await node.ping().catch(() => undefined) === 'PONG'))
  if (primaries.length > 0 && answers.every(Boolean) && slotsCovered(cluster, () => true)) return true
  // The client asks for the slot map again by itself only on a MOVED reply or once it holds no node connection at
  // all (then it reconnects from the seed). Node connections never reconnect: a lost primary is dropped from its
  // pool, while a replica it listed but never had to open (commands go to primaries) stays there, idle. With every
  // node stopped, the client is left 'ready' with replicas only, and no primary to send a PING to: nothing but a
  // request that happens to open a replica ever brought it back, and a load balancer sends none to an instance whose
  // /readyz says not ready. So a failed readiness check asks itself (at most one refresh at a time; cheap).
  cluster.refreshSlotsCache()
  return false
}

/** Whether each of the 16384 slots is served by a primary the client holds and `usable` accepts. */
function slotsCovered (cluster: Cluster, usable: (node: Redis) => boolean): boolean {
  const primaries = new Map(cluster.nodes('master').map(node => [`${node.options.host}:${node.options.port}`, node]))
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    const node = primaries.get(cluster.slots[slot]?.[0] ?? '')
    if (node === undefined || !usable(node)) return false
  }
  return true
}

/** Resolves when `redis` becomes ready, rejects after `ms` or if it ends first. */
async function readyWithin (redis: Redis | Cluster, ms: number): Promise<void> {
  if (redis.status === 'end') throw new Error('closed')
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), ms)
  try {
    await Promise.race([once(redis, 'ready', { signal: abort.signal }), once(redis, 'end', { signal: abort.signal }).then(() => {
      throw new Error('closed')
    })])
  } finally {
    clearTimeout(timer)
    abort.abort()
  }
}

async function endWithin (redis: Redis | Cluster, ms: number): Promise<void> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), ms)
  timer.unref()
  try {
    await once(redis, 'end', { signal: abort.signal })
  } catch {
    // timed out: nothing left to wait for
  } finally {
    clearTimeout(timer)
  }
}

/** The user's hash tag: every key a revocation check reads hashes to this one slot. */
function userTag (sub: string): string {
  // An empty tag ("{}" or "{}...") would make Redis hash the whole key: the keys would spread over slots.
  if (sub === '' || sub.startsWith('}')) throw new RangeError('redis store: a sub must not be empty or start with }')
  return `{${sub}}`
}

interface RedisTarget {
  host: string
  port: number
  db: number
  tls: boolean
  username?: string
  password?: string
}

/** The URL's parts; errors never echo it (it may carry a password). */
function parseRedisUrl (url: string): RedisTarget {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new TypeError('redis store: url is not a valid redis:// or rediss:// URL') // without echoing it
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`redis store: url must use redis:// or rediss://, not ${parsed.protocol}//`)
  }
  const db = parsed.pathname === '' || parsed.pathname === '/' ? 0 : Number(parsed.pathname.slice(1))
  if (!Number.isInteger(db) || db < 0) throw new TypeError('redis store: the url\'s path must be a database number')
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db,
    tls: parsed.protocol === 'rediss:',
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) })
  }
}

// Only the message: ioredis errors carry the command's arguments (`err.command`).
function reasonOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function assertDuration (name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${ms}`)
  }
}

// A NaN expiry would never compare as expired.
function assertEpoch (name: string, seconds: number): void {
  if (!Number.isFinite(seconds)) throw new RangeError(`${name} must be epoch seconds, got ${seconds}`)
}
