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
 * A sealed value over a browser's 4,096 bytes travels in numbered chunks
 * (cookie-chunks.ts), each with the same attributes. Every response that
 * writes or clears a cookie also clears the chunks of it the request brought
 * and this response does not rewrite, so none outlives its session.
 *
 * Plain values in and out: the cookies a request brought, and the cookie
 * changes a response must carry. The Fastify adapter (plugins/sessions.ts)
 * reads the request and writes Set-Cookie.
 */
import type { BaseLogger } from 'pino'
import type { Config } from '../config/index.js'
import type { Tokens } from '../cognito/types.js'
import { secondsLeft } from '../verify/claims.js'
import { familyNames, joinCookie, splitCookie } from './cookie-chunks.js'
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
  /**
   * The session's cookies (the refresh cookie only when there is a refresh token), each split into chunks when it
   * does not fit; `present` (the cookies the request brought) for the chunks of earlier values to clear.
   */
  set (tokens: Tokens, username: string, present?: RequestCookies): CookieChange[]
  /** Every session cookie cleared, with every chunk of them `present` brought. */
  clear (present?: RequestCookies): CookieChange[]
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
    const joined = joinCookie(names[role], cookies.values, cookies.header)
    if (!joined.ok) {
      const why = joined.refusal === 'sent twice'
        ? 'session cookie sent twice (planted by another subdomain?); not trusted'
        : 'session cookie chunks incomplete, extra or out of order (dropped by the browser?); not trusted'
      log.warn({ cookie: names[role] }, why)
      return undefined
    }
    return joined.value === undefined ? undefined : sealer.unseal(role, joined.value)
  }
  const optionsOf = (role: keyof CookieNames): CookieOptions => role === 'refresh' ? refreshOptions : base
  // The family's names the request brought that `written` does not hold: each cleared.
  const stale = (role: keyof CookieNames, written: readonly string[], present: RequestCookies | undefined): CookieChange[] =>
    familyNames(names[role])
      .filter(name => !written.includes(name) && present?.values[name] !== undefined)
      .map(name => ({ name, value: null, options: optionsOf(role) }))
  const write = (role: keyof CookieNames, sealed: string, maxAge: number, present: RequestCookies | undefined): CookieChange[] => {
    const pieces = splitCookie(names[role], sealed)
    const options = { ...optionsOf(role), maxAge }
    return [
      ...pieces.map(([name, value]) => ({ name, value, options })),
      ...stale(role, pieces.map(([name]) => name), present)
    ]
  }

  return {
    names,

    set (tokens, username, present) {
      const changes = [
        ...write('access', sealer.seal('access', tokens.accessToken), secondsLeft(tokens.accessToken), present),
        ...write('id', sealer.seal('id', tokens.idToken), secondsLeft(tokens.idToken), present)
      ]
      if (tokens.refreshToken) {
        const value: RefreshCookie = { refreshToken: tokens.refreshToken, username }
        changes.push(...write('refresh', sealer.seal('refresh', JSON.stringify(value)), refreshMaxAge(), present))
      }
      return changes
    },

    clear: present => (['access', 'id', 'refresh'] as const).flatMap(role => [
      { name: names[role], value: null, options: optionsOf(role) },
      ...stale(role, [names[role]], present)
    ]),

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
