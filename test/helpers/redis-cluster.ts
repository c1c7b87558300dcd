/**
 * A real Redis Cluster for tests, as `redis-cli --cluster create` builds one:
 * 3 primaries and a replica each by default, every node a `redis-server` of
 * helpers/redis-server.ts (its own free port on 127.0.0.1 and temp dir), with a
 * short `cluster-node-timeout` so that a replica takes over from a killed
 * primary within seconds. Every node is torn down with the test that started
 * it, even when building the cluster fails.
 */
import { execFile } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { findOnPath, startRedisServer, type RedisServer } from './redis-server.js'

export interface RedisCluster {
  /** Every node, primaries first as `--cluster create` was given them (roles change after a failover). */
  nodes: RedisServer[]
  /** A seed node's URL, `redis://127.0.0.1:<port>` (no credentials). */
  url: string
  /** The node that serves `slot` as primary right now, as the live nodes see it. */
  primaryOf (slot: number): Promise<RedisServer>
  /** The nodes replicating `primary` right now (its INFO replication). */
  replicasOf (primary: RedisServer): Promise<RedisServer[]>
  /** The hash slot of `key` (CLUSTER KEYSLOT). */
  slotOf (key: string): Promise<number>
  /** Waits until every running node says cluster_state:ok, knows every running node, and every running replica is in sync. */
  untilHealthy (ms?: number): Promise<void>
  /** Waits until every replica of `primary` has all it wrote (replication offsets equal). */
  untilReplicated (primary: RedisServer, ms?: number): Promise<void>
  /** Stops every node (SIGTERM). */
  stop (): Promise<void>
  /** Starts every stopped node again on its port; each keeps its cluster identity (nodes.conf), not its data. */
  start (): Promise<void>
}

export interface RedisClusterOptions {
  primaries?: number
  replicasPerPrimary?: number
  /** `cluster-node-timeout`: how long a primary may be silent before it is failed over. Default 1500 ms. */
  nodeTimeoutMs?: number
}

// Generous: on a busy machine building and converging a cluster takes many times longer than the ~2 s it takes idle.
const HEALTHY_TIMEOUT_MS = 60_000

export async function startRedisCluster (t: { teardown (fn: () => unknown): void }, options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const primaries = options.primaries ?? 3
  const replicas = options.replicasPerPrimary ?? 1
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1500
  const cli = findOnPath('redis-cli')
  // validity factor 0: a replica takes over however long it was cut off from its primary (a test may freeze it a while).
  const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(nodeTimeoutMs),
    '--cluster-replica-validity-factor', '0']
  // Each node registers its own teardown as it starts.
  const nodes = await Promise.all(Array.from({ length: primaries * (1 + replicas) }, async () => await startRedisServer(t, { args })))
  const clients = new Map<RedisServer, Redis>()
  t.teardown(() => { for (const client of clients.values()) client.disconnect() })
  /** A plain connection to one node, for CLUSTER and INFO (no retries: a stopped node just fails). */
  const clientOf = (node: RedisServer): Redis => {
    let client = clients.get(node)
    if (client === undefined) {
      client = new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => 200 })
      client.on('error', () => {})
      clients.set(node, client)
    }
    return client
  }

  await promisify(execFile)(cli, ['--cluster', 'create', ...nodes.map(node => `127.0.0.1:${node.port}`),
    '--cluster-replicas', String(replicas), '--cluster-yes'])

  async function untilHealthy (ms = HEALTHY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + ms
    let last = ''
    for (;;) {
      const running = nodes.filter(node => node.running())
      last = await health(running).catch((err: Error) => err.message)
      if (last === '') return
      if (Date.now() > deadline) throw new Error(`the Redis cluster is not healthy within ${ms} ms: ${last}`)
      await sleep(50)
    }
  }

  /** '' when healthy, else why not. */
  async function health (running: RedisServer[]): Promise<string> {
    for (const node of running) {
      const info = await clientOf(node).cluster('INFO') as string
      if (!info.includes('cluster_state:ok')) return `${node.port}: not cluster_state:ok`
      // A killed node stays known (as failed): at least every running one.
      const known = Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1] ?? 0)
      if (known < running.length) return `${node.port}: knows ${known} of ${running.length} nodes yet`
      const replication = await clientOf(node).info('replication')
      if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return `${node.port}: replica not in sync`
    }
    return ''
  }

  await untilHealthy()

  return {
    nodes,
    url: nodes[0]!.url,
    async primaryOf (slot) {
      const live = nodes.find(node => node.running())
      if (live === undefined) throw new Error('no node is running')
      const ranges = await clientOf(live).cluster('SLOTS')
      const range = ranges.find(([from, to]) => slot >= from && slot <= to)
      const node = nodes.find(node => node.port === range?.[2]?.[1])
      if (node === undefined) throw new Error(`no primary serves slot ${slot}`)
      return node
    },
    async replicasOf (primary) {
      const info = await clientOf(primary).info('replication')
      const ports = [...info.matchAll(/^slave\d+:.*port=(\d+)/gm)].map(match => Number(match[1]))
      return nodes.filter(node => ports.includes(node.port))
    },
    async slotOf (key) {
      const live = nodes.find(node => node.running())
      if (live === undefined) throw new Error('no node is running')
      return await clientOf(live).cluster('KEYSLOT', key) as number
    },
    untilHealthy,
    async untilReplicated (primary, ms = HEALTHY_TIMEOUT_MS) {
      const deadline = Date.now() + ms
      for (;;) {
        const info = await clientOf(primary).info('replication')
        const offset = Number(/master_repl_offset:(\d+)/.exec(info)?.[1])
        const replicas = [...info.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map(match => Number(match[1]))
        if (replicas.length > 0 && replicas.every(replicated => replicated >= offset)) return
        if (Date.now() > deadline) throw new Error(`the replicas of ${primary.port} did not catch up within ${ms} ms`)
        await sleep(20)
      }
    },
    async stop () {
      await Promise.all(nodes.map(node => node.stop()))
    },
    async start () {
      await Promise.all(nodes.filter(node => !node.running()).map(node => node.start()))
    }
  }
}
