/**
 * Token sessions on the emulator's user records. cognito-local appends every
 * refresh token it issues to `RefreshTokens` and never forgets one (not even
 * an expired one, which it still accepts), so a user's record, and the whole
 * pool file rewritten on every login, grows with every login. Cognito
 * forgets expired and revoked refresh tokens and keeps at most 20 token
 * sessions per user (UserPoolTokenSessionConfig MaxPerUser, default 20),
 * evicting the oldest on the next sign-in.
 *
 * A session is one refresh token; the access and ID tokens issued with it or
 * from it carry its jti as `origin_jti` (the token-sessions guard adds it).
 * An access token is good while its session is: its refresh token is still
 * on the record, or expired less than a day ago (the longest an access token
 * Cognito issues lives). A revoked, evicted or signed-out session is simply
 * gone from the record, so nothing about it has to be remembered.
 */
import type { User } from 'cognito-local/lib/services/userPoolService.js'
import { decodeJwt, nowSeconds } from './guards/jwt.ts'

/** Cognito's default maximum of token sessions per user. */
export const MAX_SESSIONS_PER_USER = 20
/** The longest access token Cognito issues lives a day: a session that expired is remembered that long. */
const ACCESS_TOKEN_MAX_SECONDS = 24 * 60 * 60

export interface SessionFields {
  RefreshTokens?: string[]
  /** Sessions whose refresh token expired: origin jti → until when their access tokens may still be good (epoch seconds). */
  LocalExpiredSessions?: Record<string, number>
  /** The last global sign-out or disabling (epoch seconds): access tokens issued before it are revoked. */
  LocalSignedOutAt?: number
}

/**
 * The user record as it should be stored: only live refresh tokens, at most
 * MAX_SESSIONS_PER_USER of them (the oldest are evicted, ending their
 * sessions), and expired sessions remembered only while their access tokens
 * could still be valid.
 */
export function pruneSessions<T extends SessionFields> (user: T, now = nowSeconds()): T {
  const expired: Record<string, number> = {}
  for (const [jti, until] of Object.entries(user.LocalExpiredSessions ?? {})) {
    if (until > now) expired[jti] = until
  }
  const live: string[] = []
  for (const token of new Set(user.RefreshTokens ?? [])) {
    const claims = decodeJwt(token)
    if (typeof claims?.exp !== 'number' || claims.exp > now) {
      live.push(token)
      continue
    }
    const until = claims.exp + ACCESS_TOKEN_MAX_SECONDS
    if (typeof claims.jti === 'string' && until > now) expired[claims.jti] = until
  }
  live.splice(0, Math.max(0, live.length - MAX_SESSIONS_PER_USER))
  const next = { ...user, RefreshTokens: live }
  if (Object.keys(expired).length > 0) next.LocalExpiredSessions = expired
  else delete next.LocalExpiredSessions
  return next
}

/** The user record signed out everywhere: every session ended, and every token issued until now revoked. */
export function signOutEverywhere<T extends SessionFields> (user: T, now = nowSeconds()): T {
  const next = { ...user, RefreshTokens: [], LocalSignedOutAt: now }
  delete next.LocalExpiredSessions
  return next
}

/** The user record with every access token issued until now revoked (sessions go on: their refresh tokens still work). */
export function revokeIssuedTokens<T extends SessionFields> (user: T, now = nowSeconds()): T {
  return { ...user, LocalSignedOutAt: now }
}

/** Whether an access token (its claims) belongs to a session that has ended, or was issued before a sign-out. */
export function sessionEnded (user: SessionFields, claims: Record<string, unknown>, now = nowSeconds()): boolean {
  // Strictly before: a token issued in the same second as the sign-out may be a new sign-in.
  // (A global sign-out also ends the sessions, which catches their tokens of that second.)
  if (typeof claims.iat === 'number' && user.LocalSignedOutAt !== undefined && claims.iat < user.LocalSignedOutAt) return true
  const origin = claims.origin_jti
  // Tokens without one (the hosted UI's /oauth2/token issues them) can only be revoked by a sign-out.
  if (typeof origin !== 'string') return false
  if ((user.LocalExpiredSessions?.[origin] ?? 0) > now) return false
  return !(user.RefreshTokens ?? []).some(token => decodeJwt(token)?.jti === origin)
}

/** The data store's hook: user records are pruned whenever they are saved. */
export function prepareRecord (key: readonly string[], value: unknown): unknown {
  if (key.length === 2 && key[0] === 'Users' && value !== null && typeof value === 'object') return pruneSessions(value as User & SessionFields)
  return value
}
