/**
 * `SharedStore` in Redis: what lets several BFF instances behind a load
 * balancer agree on revocations, sign-outs, rate limits, single-use values and
 * locks. Needs Redis >= 6.2 (GETDEL, SET ... PXAT); Debian's redis-server 7.0 is fine.
 *
 * Client: ioredis (v6), one server or a Redis Cluster (ElastiCache Serverless
 * is one), plain or TLS: how it is connected, and why those options, is in
 * redis-connection.ts; the Lua scripts are in redis-scripts.ts.
 *
 * Layout (every key under `keyPrefix`, default `cognito-bff:`; one key space per family):
 *   signout:{<sub>}        hash { at, until, ms }; PEXPIREAT until
 *   revoked:{<sub>}:<jti>  string: the expiry in epoch ms; PXAT that expiry
 *   allowed:{<sub>}:<jti>  string: the mark's ms it was allowed after; PXAT the token's exp
 *   refresh:{<hash>}       JSON { sub, originJti }: a refresh token's session; PXAT keepUntil
 *   count:<key>            integer counter; PEXPIRE windowMs on the first increment (or reservation)
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
 * Failure: every member rejects (never resolves a guess) when Redis is down or
 * slow: at once while disconnected, after `commandTimeoutMs` otherwise. A
 * rejection is a `RedisStoreError` whose message says which member failed and
 * why, without keys, values or the URL (ioredis attaches command arguments to
 * its errors, and those may be single-use codes or tokens). Note that a command
 * that timed out on the client may still have run on the server.
 */
import { randomBytes } from 'node:crypto'
import { answersPing, closeRedis, connectionReady, openRedis } from './redis-connection.js'
import { defineScripts } from './redis-scripts.js'
import { StoreUnavailableError, type RefreshSession, type SharedStore } from './store.js'

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

export function createRedisStore (options: RedisStoreOptions): RedisStore {
  const prefix = options.keyPrefix ?? DEFAULT_PREFIX
  if (/[{}]/.test(prefix)) throw new RangeError('redis store: keyPrefix must not contain { or } (they would move the hash tags)')
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  assertDuration('commandTimeoutMs', commandTimeoutMs)
  assertDuration('connectTimeoutMs', connectTimeoutMs)
  const logger = options.logger
  const { redis, server } = openRedis({ url: options.url, cluster: options.cluster, tlsCa: options.tlsCa, commandTimeoutMs, connectTimeoutMs })

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

  const { increment, peekCount, reserve, release, revoke, signOut, unlock, isRevoked } = defineScripts(redis)

  const keys = {
    revoked: (sub: string, jti: string) => `${prefix}revoked:${userTag(sub)}:${jti}`,
    signout: (sub: string) => `${prefix}signout:${userTag(sub)}`,
    allowed: (sub: string, jti: string) => `${prefix}allowed:${userTag(sub)}:${jti}`,
    refresh: (hash: string) => `${prefix}refresh:${ownTag(hash)}`,
    count: (key: string) => `${prefix}count:${key}`,
    once: (key: string) => `${prefix}once:${key}`,
    lock: (key: string) => `${prefix}lock:${key}`
  }

  async function quit (): Promise<void> {
    closing = true
    await closeRedis(redis, commandTimeoutMs)
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
      const keyList = [keys.signout(sub), ...ids.map(id => keys.revoked(sub, id)), ...ids.map(id => keys.allowed(sub, id))]
      return await run('isRevoked', () => isRevoked(keyList.length, ...keyList, String(issuedAt), String(ids.length))) === 1
    },

    async markSignedOut (sub, at, keepUntil, atMs = at * 1000) {
      assertEpoch('at', at)
      assertEpoch('keepUntil', keepUntil)
      assertEpoch('atMs', atMs)
      const key = keys.signout(sub)
      const keepMs = String(Math.ceil(keepUntil * 1000))
      await run('markSignedOut', () => signOut(key, String(at), keepMs, String(Date.now()), String(Math.floor(atMs))))
    },

    async signedOutMark (sub) {
      const [at, ms] = await run('signedOutMark', () => redis.hmget(keys.signout(sub), 'at', 'ms'))
      if (at === null || at === undefined) return undefined
      return { at: Number(at), atMs: ms === null || ms === undefined ? Number(at) * 1000 : Number(ms) }
    },

    async allowAfterMark (sub, jti, markAtMs, keepUntil) {
      assertEpoch('markAtMs', markAtMs)
      assertEpoch('keepUntil', keepUntil)
      const untilMs = Math.ceil(keepUntil * 1000)
      if (untilMs <= Date.now()) return
      await run('allowAfterMark', () => redis.set(keys.allowed(sub, jti), String(Math.floor(markAtMs)), 'PXAT', untilMs))
    },

    async linkRefreshToken (refreshHash, { sub, originJti }, keepUntil) {
      assertEpoch('keepUntil', keepUntil)
      const untilMs = Math.ceil(keepUntil * 1000)
      if (untilMs <= Date.now()) return
      const key = keys.refresh(refreshHash)
      await run('linkRefreshToken', () => redis.set(key, JSON.stringify({ sub, originJti }), 'PXAT', untilMs))
    },

    async refreshTokenSession (refreshHash) {
      const text = await run('refreshTokenSession', () => redis.get(keys.refresh(refreshHash)))
      return text === null ? undefined : sessionOf(text)
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

    async reserveCount (key, limit, windowMs) {
      assertDuration('windowMs', windowMs)
      const [granted, count, ttl] = await run('reserveCount', () =>
        reserve(keys.count(key), String(limit), String(Math.ceil(windowMs)))) as [number, number, number]
      return { granted: granted === 1, count, resetInMs: Math.min(ttl, windowMs) }
    },

    async releaseCount (key) {
      await run('releaseCount', () => release(keys.count(key)))
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
        const healthy = await answersPing(redis, commandTimeoutMs)
        if (healthy && !up) back()
        return healthy
      } catch {
        return false
      }
    },

    isReady () {
      return connectionReady(redis)
    },

    async close () {
      closed ??= quit()
      await closed
    }
  }
}

/** The user's hash tag: every key a revocation check reads hashes to this one slot. */
function userTag (sub: string): string {
  // An empty tag ("{}" or "{}...") would make Redis hash the whole key: the keys would spread over slots.
  if (sub === '' || sub.startsWith('}')) throw new RangeError('redis store: a sub must not be empty or start with }')
  return `{${sub}}`
}

/** A key alone in its slot, tagged by its own name (a hash: no braces in it). */
function ownTag (name: string): string {
  if (name === '' || /[{}]/.test(name)) throw new RangeError('redis store: a tagged name must not be empty or contain { or }')
  return `{${name}}`
}

/** A kept refresh session, or undefined when the value is not one (altered in Redis). */
function sessionOf (text: string): RefreshSession | undefined {
  try {
    const value = JSON.parse(text) as Partial<RefreshSession> | null
    return typeof value?.sub === 'string' && typeof value.originJti === 'string' ? { sub: value.sub, originJti: value.originJti } : undefined
  } catch {
    return undefined
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
