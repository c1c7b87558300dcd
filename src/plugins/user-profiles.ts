/**
 * The signed-in user as Cognito has them (GetUser), read at most once per
 * USER_CACHE_SECONDS per user: `GET /me` on every page load would otherwise
 * spend the account's UserRead quota at a few hundred active users.
 *
 * Each instance keeps its own copy, by `sub`. The service's own writes say so
 * with `changed` (by username), which drops this instance's copy and puts a
 * new random mark in the shared store; every copy remembers the mark it was
 * read under, and a copy whose mark is no longer the store's is read again.
 * So a change through any instance sharing the store is seen at once by all
 * (no clocks compared); a change made elsewhere (the console, another app, a
 * trigger) within USER_CACHE_SECONDS. Concurrent reads of one user share one
 * GetUser. Errors are never kept.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import { randomUUID } from 'node:crypto'
import type { UserProfile } from '../cognito/gateway.js'
import type { SignedIn } from './authenticate.js'

declare module 'fastify' {
  interface FastifyInstance {
    userProfiles: UserProfiles
  }
}

export interface UserProfiles {
  /** The caller's profile: this instance's copy while it is fresh, else GetUser with the caller's access token. */
  read (caller: SignedIn): Promise<UserProfile>
  /** This service changed the user named `username` (attributes, verification, MFA, status, deletion): every copy is stale. */
  changed (username: string): Promise<void>
  /** Runs `write`, a change to the user named `username`, then `changed`: also when it failed (a timed-out write may have happened). */
  changing<T> (username: string, write: () => Promise<T>): Promise<T>
}

interface Copy {
  profile: UserProfile
  /** The store's mark when the read began (undefined: none was kept). */
  mark: string | undefined
}

const MAX_USERS = 10_000
/** A mark is a random id, replaced (never compared by time) on each change. */
const markKey = (username: string) => `profile-changed:${username.toLowerCase()}`

export default fp(async function userProfiles (fastify: FastifyInstance) {
  const { cognito, store } = fastify
  const ttl = fastify.config.cognito.userCacheMs
  const copies = ttl > 0 ? new LRUCache<string, Copy>({ max: MAX_USERS, ttl }) : undefined
  const reading = new Map<string, Promise<UserProfile>>()

  /** The store's mark for the user; a store failure means no cache for this read (Cognito answers), never a stale copy. */
  async function currentMark (username: string): Promise<{ ok: true, mark: string | undefined } | { ok: false }> {
    try {
      return { ok: true, mark: await store.peekOnce(markKey(username)) }
    } catch (err) {
      fastify.log.warn({ err }, 'user cache: the store did not answer; reading the user from Cognito')
      return { ok: false }
    }
  }

  async function read ({ user, accessToken }: SignedIn): Promise<UserProfile> {
    if (copies === undefined) return await cognito.getUser(accessToken)
    const current = await currentMark(user.username)
    if (!current.ok) return await cognito.getUser(accessToken)
    const copy = copies.get(user.sub)
    if (copy !== undefined && copy.mark === current.mark) return copy.profile
    // One GetUser per user and mark at a time; a read under a newer mark does not join an older one.
    const key = `${user.sub}\u0000${current.mark ?? ''}`
    const pending = reading.get(key)
    if (pending !== undefined) return await pending
    const fetching = cognito.getUser(accessToken).then(profile => {
      copies.set(user.sub, { profile, mark: current.mark })
      return profile
    }).finally(() => reading.delete(key))
    reading.set(key, fetching)
    return await fetching
  }

  async function changed (username: string): Promise<void> {
    if (copies === undefined) return
    try {
      // Replace the mark: take the old one, put a new one; a put lost to a concurrent change tries again.
      for (let attempt = 0; attempt < 3; attempt++) {
        await store.takeOnce(markKey(username))
        if (await store.putOnce(markKey(username), randomUUID(), ttl)) return
      }
    } catch (err) {
      // At least this instance forgets the user (its reads then fall back to Cognito while the store is down).
      for (const [sub, copy] of copies.entries()) {
        if (copy.profile.username.toLowerCase() === username.toLowerCase()) copies.delete(sub)
      }
      fastify.log.warn({ err }, 'user cache: the store did not answer; other instances may show the user unchanged for USER_CACHE_SECONDS')
    }
  }

  async function changing<T> (username: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } finally {
      await changed(username)
    }
  }

  fastify.decorate('userProfiles', { read, changed, changing })
}, { name: 'user-profiles', dependencies: ['cognito', 'store'] })
