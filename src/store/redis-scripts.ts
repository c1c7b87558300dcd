/**
 * The Redis store's Lua scripts: every member that needs more than one
 * command runs as one script, so it is atomic across instances. ioredis's
 * `defineCommand` sends each as EVALSHA, falling back to EVAL on NOSCRIPT (a
 * restarted or failed-over Redis has an empty script cache). On a cluster a
 * script may only touch keys of one hash slot: each touches one key, except
 * IS_REVOKED, whose keys all carry the user's hash tag (redis-store.ts).
 */
import type { Cluster, Redis } from 'ioredis'

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

// INCREMENT only while the count is below ARGV[1] (the limit): a budget
// reserved before the attempt, so concurrent attempts cannot overdraw it.
const RESERVE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if count >= tonumber(ARGV[1]) then
  if ttl < 1 then ttl = tonumber(ARGV[2]) end
  return {0, count, ttl}
end
count = redis.call('INCR', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
if ttl < 1 then ttl = 1 end
return {1, count, ttl}
`

// Gives a reserved unit back; DECR keeps the TTL, and an ended window stays ended.
const RELEASE = `
local count = tonumber(redis.call('GET', KEYS[1]))
if count and count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
`

// The value is the expiry (epoch ms): a revocation only ever gets longer.
const REVOKE = `
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
return 1
`

// ARGV: at (epoch s), keepUntil (epoch ms), now (epoch ms), atMs (epoch ms).
// The mark only moves forward and its retention is never shortened (instances
// may race); with no previous mark, one already past keepUntil is not stored.
const SIGN_OUT = `
local at, keep, ms = ARGV[1], ARGV[2], ARGV[4]
local prev = redis.call('HMGET', KEYS[1], 'at', 'until', 'ms')
if prev[1] then
  if tonumber(prev[1]) > tonumber(at) then at = prev[1] end
  if prev[2] and tonumber(prev[2]) > tonumber(keep) then keep = prev[2] end
  if prev[3] and tonumber(prev[3]) > tonumber(ms) then ms = prev[3] end
elseif tonumber(keep) <= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], 'at', at, 'until', keep, 'ms', ms)
redis.call('PEXPIREAT', KEYS[1], keep)
return 1
`

// A token check's one question. KEYS (one slot: the user's hash tag): the user's signed-out mark, then the revocations of
// the token's ids, then their allowances after a mark; ARGV[1]: its iat, ARGV[2]: its number of ids. Under the mark,
// an allowance counts only when made against this very mark (its ms).
const IS_REVOKED = `
local n = tonumber(ARGV[2])
for i = 2, n + 1 do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 1 end
end
local mark = redis.call('HMGET', KEYS[1], 'at', 'ms')
if not mark[1] or tonumber(ARGV[1]) >= tonumber(mark[1]) then return 0 end
if mark[2] then
  for i = n + 2, 2 * n + 1 do
    if redis.call('GET', KEYS[i]) == mark[2] then return 0 end
  end
end
return 1
`

// Compare-and-delete: only the acquisition holding this token releases.
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

type Script = (key: string, ...args: string[]) => Promise<unknown>

export interface RedisScripts {
  /** (count key, windowMs) -> [count, ttl ms] */
  increment: Script
  /** (count key) -> [count, ttl ms], [0, 0] without a live window */
  peekCount: Script
  /** (count key, limit, windowMs) -> [1 granted | 0 refused, count, ttl ms] */
  reserve: Script
  /** (count key) -> the count after giving one back */
  release: Script
  /** (revoked key, until epoch ms) */
  revoke: Script
  /** (signout key, at epoch s, keepUntil epoch ms, now epoch ms, atMs epoch ms) */
  signOut: Script
  /** (lock key, holder's token) */
  unlock: Script
  /** (number of keys, signout key, ...revoked keys, ...allowed keys, iat, number of ids) -> 1 when revoked */
  isRevoked: (...args: Array<string | number>) => Promise<number>
}

/** Defines the scripts on `redis` (once per client) and returns them bound to it. */
export function defineScripts (redis: Redis | Cluster): RedisScripts {
  const commands = redis as unknown as Record<string, ((...args: Array<string | number>) => Promise<unknown>) | undefined>
  function script (name: string, lua: string): Script {
    redis.defineCommand(name, { numberOfKeys: 1, lua })
    const fn = commands[name]
    if (fn === undefined) throw new Error(`ioredis did not define ${name}`)
    return fn.bind(redis)
  }
  // Its number of keys varies (a token has a jti, an origin_jti, both or neither): passed first on each call.
  redis.defineCommand('bffIsRevoked', { lua: IS_REVOKED })
  const isRevoked = commands['bffIsRevoked']
  if (isRevoked === undefined) throw new Error('ioredis did not define bffIsRevoked')
  return {
    increment: script('bffIncrement', INCREMENT),
    peekCount: script('bffPeekCount', PEEK_COUNT),
    reserve: script('bffReserve', RESERVE),
    release: script('bffRelease', RELEASE),
    revoke: script('bffRevoke', REVOKE),
    signOut: script('bffSignOut', SIGN_OUT),
    unlock: script('bffUnlock', UNLOCK),
    isRevoked: isRevoked.bind(redis) as RedisScripts['isRevoked']
  }
}
