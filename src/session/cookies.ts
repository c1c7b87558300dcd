/**
 * Session cookies: one per token, names and attributes decided here only.
 * Every value is sealed (see seal.ts). The refresh cookie goes only to /auth,
 * the narrowest path that holds both of its users (refresh and logout).
 *
 * Over https the names carry the browser-enforced prefixes: `__Host-` (only
 * this host can set it, Path=/) for the access and ID cookies, `__Secure-`
 * for the refresh cookie (its narrow path rules out `__Host-`). A sibling
 * subdomain could still plant a second refresh cookie on a longer path, so a
 * session cookie whose name comes twice is not trusted at all.
 */
import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config/index.js'
import type { Tokens } from '../cognito/types.js'
import { secondsLeft } from '../verify/claims.js'
import type { Sealer } from './seal.js'

export type CookieNames = Record<'access' | 'id' | 'refresh', string>

/** The names for plain-http local mode, or with the prefixes browsers enforce over https. */
export function cookieNames (secure: boolean): CookieNames {
  return secure
    ? { access: '__Host-bff_access', id: '__Host-bff_id', refresh: '__Secure-bff_refresh' }
    : { access: 'bff_access', id: 'bff_id', refresh: 'bff_refresh' }
}

const REFRESH_COOKIE_PATH = '/auth'
/** Cognito's default refresh-token lifetime; the pool may end it sooner, refresh then says SESSION_EXPIRED. */
const REFRESH_MAX_AGE_SECONDS = 30 * 24 * 3600

interface RefreshCookie {
  refreshToken: string
  /** Cognito username, needed for SECRET_HASH on refresh. */
  username: string
}

export interface SessionCookies {
  names: CookieNames
  set (reply: FastifyReply, tokens: Tokens, username: string): void
  clear (reply: FastifyReply): void
  accessToken (request: FastifyRequest): string | undefined
  idToken (request: FastifyRequest): string | undefined
  refresh (request: FastifyRequest): RefreshCookie | undefined
}

export function createSessionCookies (config: Pick<Config, 'cookies'>, sealer: Sealer): SessionCookies {
  const base: CookieSerializeOptions = {
    httpOnly: true,
    secure: config.cookies.secure,
    sameSite: config.cookies.sameSite,
    path: '/'
  }
  const refreshOptions = { ...base, path: REFRESH_COOKIE_PATH }
  const names = cookieNames(config.cookies.secure)

  // The sealing purpose is the cookie's role, whatever its name, so a value cannot change roles.
  const read = (request: FastifyRequest, role: keyof CookieNames): string | undefined => {
    const value = request.cookies[names[role]]
    if (value === undefined) return undefined
    if (occurrences(request.headers.cookie, names[role]) > 1) {
      request.log.warn({ cookie: names[role] }, 'session cookie sent twice (planted by another subdomain?); not trusted')
      return undefined
    }
    return sealer.unseal(role, value)
  }

  return {
    names,

    set (reply, tokens, username) {
      reply.setCookie(names.access, sealer.seal('access', tokens.accessToken), { ...base, maxAge: secondsLeft(tokens.accessToken) })
      reply.setCookie(names.id, sealer.seal('id', tokens.idToken), { ...base, maxAge: secondsLeft(tokens.idToken) })
      if (tokens.refreshToken) {
        const value: RefreshCookie = { refreshToken: tokens.refreshToken, username }
        reply.setCookie(names.refresh, sealer.seal('refresh', JSON.stringify(value)), { ...refreshOptions, maxAge: REFRESH_MAX_AGE_SECONDS })
      }
    },

    clear (reply) {
      reply.clearCookie(names.access, base)
      reply.clearCookie(names.id, base)
      reply.clearCookie(names.refresh, refreshOptions)
    },

    accessToken: request => read(request, 'access'),
    idToken: request => read(request, 'id'),

    refresh (request) {
      const raw = read(request, 'refresh')
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

/** How many times `name` appears in a Cookie header. */
function occurrences (header: string | undefined, name: string): number {
  if (header === undefined) return 0
  return header.split(';').filter(pair => pair.slice(0, pair.indexOf('=')).trim() === name).length
}
