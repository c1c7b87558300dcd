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
 *
 * Plain values in and out: the cookies a request brought, and the cookie
 * changes a response must carry. The Fastify adapter (plugins/sessions.ts)
 * reads the request and writes Set-Cookie.
 */
import type { BaseLogger } from 'pino'
import type { Config } from '../config/index.js'
import type { Tokens } from '../cognito/types.js'
import { secondsLeft } from '../verify/claims.js'
import type { Sealer } from './seal.js'

export type CookieNames = Record<'access' | 'id' | 'refresh', string>

/** Set-Cookie attributes (as the cookie plugin's setCookie and clearCookie take them). */
export interface CookieOptions {
  httpOnly: boolean
  secure: boolean
  sameSite: 'strict' | 'lax' | 'none'
  path: string
  /** Seconds; absent when clearing. */
  maxAge?: number
}

/** One Set-Cookie a response must carry: a new value, or `null` to clear the cookie. */
export interface CookieChange {
  name: string
  value: string | null
  options: CookieOptions
}

/** The cookies a request brought, as plain values. */
export interface RequestCookies {
  /** Parsed: name to value (the first one, when a name comes twice). */
  values: Readonly<Record<string, string | undefined>>
  /** The raw Cookie header, to tell a name sent twice. */
  header: string | undefined
}

/** Where a service notes what only an operator should read: the request's logger, in the app. */
export type ServiceLog = Pick<BaseLogger, 'warn' | 'debug'>

/** The names for plain-http local mode, or with the prefixes browsers enforce over https. */
export function cookieNames (secure: boolean): CookieNames {
  return secure
    ? { access: '__Host-bff_access', id: '__Host-bff_id', refresh: '__Secure-bff_refresh' }
    : { access: 'bff_access', id: 'bff_id', refresh: 'bff_refresh' }
}

const REFRESH_COOKIE_PATH = '/auth'
/** Cognito's default refresh-token lifetime, until the app client's is read; the pool may end it sooner, refresh then says SESSION_EXPIRED. */
export const REFRESH_MAX_AGE_SECONDS = 30 * 24 * 3600

export interface RefreshCookie {
  refreshToken: string
  /** Cognito username, needed for SECRET_HASH on refresh. */
  username: string
}

export interface SessionCookies {
  names: CookieNames
  /** The session's cookies (the refresh cookie only when there is a refresh token). */
  set (tokens: Tokens, username: string): CookieChange[]
  /** Every session cookie cleared. */
  clear (): CookieChange[]
  /** Each reader: the unsealed value, or undefined when absent, sent twice (noted in `log`), tampered or sealed with an unknown key. */
  accessToken (cookies: RequestCookies, log: ServiceLog): string | undefined
  idToken (cookies: RequestCookies, log: ServiceLog): string | undefined
  refresh (cookies: RequestCookies, log: ServiceLog): RefreshCookie | undefined
}

export function createSessionCookies (
  config: Pick<Config, 'cookies'>,
  sealer: Sealer,
  /** The app client's refresh-token validity, as last read. */
  refreshMaxAge: () => number = () => REFRESH_MAX_AGE_SECONDS
): SessionCookies {
  const base: CookieOptions = {
    httpOnly: true,
    secure: config.cookies.secure,
    sameSite: config.cookies.sameSite,
    path: '/'
  }
  const refreshOptions = { ...base, path: REFRESH_COOKIE_PATH }
  const names = cookieNames(config.cookies.secure)

  // The sealing purpose is the cookie's role, whatever its name, so a value cannot change roles.
  const read = (cookies: RequestCookies, log: ServiceLog, role: keyof CookieNames): string | undefined => {
    const value = cookies.values[names[role]]
    if (value === undefined) return undefined
    if (occurrences(cookies.header, names[role]) > 1) {
      log.warn({ cookie: names[role] }, 'session cookie sent twice (planted by another subdomain?); not trusted')
      return undefined
    }
    return sealer.unseal(role, value)
  }

  return {
    names,

    set (tokens, username) {
      const changes: CookieChange[] = [
        { name: names.access, value: sealer.seal('access', tokens.accessToken), options: { ...base, maxAge: secondsLeft(tokens.accessToken) } },
        { name: names.id, value: sealer.seal('id', tokens.idToken), options: { ...base, maxAge: secondsLeft(tokens.idToken) } }
      ]
      if (tokens.refreshToken) {
        const value: RefreshCookie = { refreshToken: tokens.refreshToken, username }
        const sealed = sealer.seal('refresh', JSON.stringify(value))
        changes.push({ name: names.refresh, value: sealed, options: { ...refreshOptions, maxAge: refreshMaxAge() } })
      }
      return changes
    },

    clear: () => [
      { name: names.access, value: null, options: base },
      { name: names.id, value: null, options: base },
      { name: names.refresh, value: null, options: refreshOptions }
    ],

    accessToken: (cookies, log) => read(cookies, log, 'access'),
    idToken: (cookies, log) => read(cookies, log, 'id'),

    refresh (cookies, log) {
      const raw = read(cookies, log, 'refresh')
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
