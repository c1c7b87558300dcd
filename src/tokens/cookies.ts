/**
 * Session cookies: one per token, names and attributes decided here only.
 * Every value is sealed (see seal.ts). The refresh cookie goes only to /auth,
 * the narrowest path that holds both of its users (refresh and logout).
 */
import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Tokens } from '../cognito/gateway.js'
import type { Sealer } from './seal.js'

export const COOKIE_NAMES = {
  access: 'bff_access',
  id: 'bff_id',
  refresh: 'bff_refresh'
} as const

export const REFRESH_COOKIE_PATH = '/auth'
/** Cognito's default refresh-token lifetime; the pool may end it sooner, refresh then says SESSION_EXPIRED. */
const REFRESH_MAX_AGE_SECONDS = 30 * 24 * 3600

export interface RefreshCookie {
  refreshToken: string
  /** Cognito username, needed for SECRET_HASH on refresh. */
  username: string
}

export interface SessionCookies {
  set (reply: FastifyReply, tokens: Tokens, username: string): void
  clear (reply: FastifyReply): void
  accessToken (request: FastifyRequest): string | undefined
  refresh (request: FastifyRequest): RefreshCookie | undefined
}

export function createSessionCookies (config: Config, sealer: Sealer): SessionCookies {
  const base: CookieSerializeOptions = {
    httpOnly: true,
    secure: config.cookies.secure,
    sameSite: config.cookies.sameSite,
    path: '/'
  }
  const refreshOptions = { ...base, path: REFRESH_COOKIE_PATH }

  const read = (request: FastifyRequest, name: string): string | undefined => {
    const value = request.cookies[name]
    return value === undefined ? undefined : sealer.unseal(name, value)
  }

  return {
    set (reply, tokens, username) {
      reply.setCookie(COOKIE_NAMES.access, sealer.seal(COOKIE_NAMES.access, tokens.accessToken), { ...base, maxAge: secondsLeft(tokens.accessToken) })
      reply.setCookie(COOKIE_NAMES.id, sealer.seal(COOKIE_NAMES.id, tokens.idToken), { ...base, maxAge: secondsLeft(tokens.idToken) })
      if (tokens.refreshToken) {
        const value: RefreshCookie = { refreshToken: tokens.refreshToken, username }
        reply.setCookie(COOKIE_NAMES.refresh, sealer.seal(COOKIE_NAMES.refresh, JSON.stringify(value)), { ...refreshOptions, maxAge: REFRESH_MAX_AGE_SECONDS })
      }
    },

    clear (reply) {
      reply.clearCookie(COOKIE_NAMES.access, base)
      reply.clearCookie(COOKIE_NAMES.id, base)
      reply.clearCookie(COOKIE_NAMES.refresh, refreshOptions)
    },

    accessToken: request => read(request, COOKIE_NAMES.access),

    refresh (request) {
      const raw = read(request, COOKIE_NAMES.refresh)
      if (raw === undefined) return undefined
      try {
        const value = JSON.parse(raw) as Partial<RefreshCookie>
        return typeof value.refreshToken === 'string' && typeof value.username === 'string'
          ? { refreshToken: value.refreshToken, username: value.username }
          : undefined
      } catch {
        return undefined
      }
    }
  }
}

/** Seconds until the JWT's `exp` (the cookie should not outlive the token); 0 if unreadable. */
export function secondsLeft (jwt: string): number {
  const exp = jwtClaims(jwt)?.exp
  return typeof exp === 'number' ? Math.max(0, Math.floor(exp - Date.now() / 1000)) : 0
}

/**
 * The claims of a JWT *without* verifying it. Only for values Cognito just
 * handed us (expiry, username), never for deciding who a caller is.
 */
export function jwtClaims (jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split('.')[1]
  if (!payload) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return claims && typeof claims === 'object' ? claims as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}
