/**
 * The Redis store's connection: one server or a cluster, plain or TLS, built
 * from a URL to fail fast, and its health as /readyz sees it.
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
 * TLS: a `rediss://` URL, with the server checked against Node's CAs or
 * `tlsCa` (PEM) when the CA is private. On a cluster each node is reached by
 * the address CLUSTER SLOTS gives, and checked against the seed's host name
 * (ElastiCache Serverless's certificate names its endpoint, not its nodes'
 * addresses); the seed's name is not resolved up front (`dnsLookup`
 * passthrough), so its TLS name is the one checked. An ACL user and password
 * come from the URL, for every node.
 */
import { once } from 'node:events'
import { Cluster, Redis, type ClusterOptions, type RedisOptions, type StandaloneConnectionOptions } from 'ioredis'
import type { NetStream } from 'ioredis/built/types.js'
// ioredis's own connector for one server, which the package does not re-export (CommonJS: its class is `.default`).
import standalone from 'ioredis/built/connectors/StandaloneConnector.js'

const MAX_RECONNECT_DELAY_MS = 1000
const CLUSTER_SLOTS = 16384

/**
 * ioredis (6.0) listens for a socket's 'error' once: the connector and the client each with `once`. A socket that
 * fails twice (a TLS alert arriving after a failed handshake or write) then has no listener for the second, and an
 * 'error' event with no listener is an uncaught exception: the process would end over a Redis hiccup. Every socket
 * this connector opens keeps a listener of its own; the first error still reaches the client (its 'error' event, the
 * store's log line and reconnect), and later ones belong to a socket that is closing anyway.
 */
export class GuardedConnector extends standalone.default {
  // ioredis hands a connector the client's whole options, typed `unknown` (ConnectorConstructor).
  constructor (options: unknown) {
    super(options as StandaloneConnectionOptions)
  }

  override async connect (...args: Parameters<InstanceType<typeof standalone.default>['connect']>): Promise<NetStream> {
    const stream = await super.connect(...args)
    stream.on('error', () => {})
    return stream
  }
}

export interface ConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://`; with `cluster`, the seed node. Never echoed in errors. */
  url: string
  cluster?: boolean
  tlsCa?: string
  /** Already checked: positive finite numbers. */
  commandTimeoutMs: number
  connectTimeoutMs: number
}

/** The ioredis client for `options`, connecting already; `server` is host:port, for the log (never the URL). */
export function openRedis (options: ConnectionOptions): { redis: Redis | Cluster, server: string } {
  const { commandTimeoutMs, connectTimeoutMs } = options
  const target = parseRedisUrl(options.url)
  const server = `${target.host}:${target.port}`
  if (options.tlsCa !== undefined && !target.tls) throw new TypeError('redis store: tlsCa needs a rediss:// url')
  if (options.cluster === true && target.db !== 0) throw new TypeError('redis store: a cluster has database 0 only; remove /<db> from the url')

  // For one server and for each node of a cluster: fail fast, never replay.
  const connection = {
    connectionName: 'cognito-bff',
    Connector: GuardedConnector,
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
  return { redis, server }
}

/**
 * One round trip: PONG from the server, or on a cluster from every primary with every slot served. Waits up to `ms`
 * for a connection not ready yet; rejects when none comes.
 */
export async function answersPing (redis: Redis | Cluster, ms: number): Promise<boolean> {
  if (redis.status !== 'ready') await readyWithin(redis, ms)
  return redis instanceof Cluster ? await clusterAnswers(redis) : await redis.ping() === 'PONG'
}

/** Whether the connection is up right now (no round trip); on a cluster, whether every slot has a primary not lost. */
export function connectionReady (redis: Redis | Cluster): boolean {
  // A node's connection opens on its first command: one not opened yet counts, one lost does not.
  if (redis instanceof Cluster) return redis.status === 'ready' && slotsCovered(redis, node => node.status !== 'end' && node.status !== 'close')
  // The socket may already be half-closed by the server before ioredis has processed its 'close' event.
  return redis.status === 'ready' && redis.stream?.writable === true
}

/** Closes the connection: QUIT when up (replies due arrive first), else stops reconnecting; waits for 'end' up to `ms`. */
export async function closeRedis (redis: Redis | Cluster, ms: number): Promise<void> {
  if (redis.status === 'end') return
  // Waits for 'end', but no longer than a command: a client that was between
  // reconnect attempts has no socket left to close, and never says 'end'.
  const ended = endWithin(redis, ms)
  if (redis.status === 'ready') {
    // QUIT lets replies already due arrive first; a dead server gets no more than the command timeout.
    await redis.quit().catch(() => redis.disconnect())
  } else {
    redis.disconnect() // not connected: stop the reconnect loop
  }
  await ended
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
