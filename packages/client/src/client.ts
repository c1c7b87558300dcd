/**
 * The client: openapi-fetch over the contract's paths, with the service's
 * rules built in. Cookie sessions (`credentials: 'include'`, the default, for
 * browsers) or body tokens (`tokens: 'body'`, for a server: the tokens kept by
 * `tokenStore`, sent as Bearer). A 401 on an API call refreshes the session
 * once (POST /auth/refresh) and retries the request once.
 */
import createFetchClient, { type Client } from 'openapi-fetch'
import type { paths } from './schema.js'

export interface StoredTokens {
  accessToken: string
  idToken: string
  refreshToken?: string
}

/** Where body-delivered tokens live (a server's session, memory...); `undefined` clears them. */
export interface TokenStore {
  get (): StoredTokens | undefined | Promise<StoredTokens | undefined>
  set (tokens: StoredTokens | undefined): void | Promise<void>
}

export interface ClientOptions {
  /** The service's origin (and path prefix); '' (the default) is the page's own origin. */
  baseUrl?: string
  /** 'cookie' (default): httpOnly cookies, the browser's case. 'body': tokens in the answers, kept by `tokenStore`. */
  tokens?: 'cookie' | 'body'
  tokenStore?: TokenStore
  /** A fetch to use instead of globalThis.fetch (Node with a cookie jar, a test...). */
  fetch?: (request: Request) => Promise<Response>
  headers?: Record<string, string>
  /**
   * Cookie mode: whether a session may exist (the page cannot read its httpOnly cookies). A 401 UNAUTHENTICATED is
   * refreshed only when it may; TOKEN_INVALID always is. Default: localStorage when there is one, else memory.
   */
  sessionHint?: { get (): boolean, set (on: boolean): void }
}

export interface BffClient {
  /** openapi-fetch over every path of the contract: `api.GET('/me')`, typed. */
  api: Client<paths>
  baseUrl: string
  tokens: 'cookie' | 'body'
  /** POST /auth/refresh now (one at a time); false when the session could not be refreshed. */
  refresh (): Promise<boolean>
  /** Body mode: the tokens the store holds. */
  storedTokens (): Promise<StoredTokens | undefined>
  /** Forget the local session state (hint, stored tokens); the service's side is POST /auth/logout. */
  forget (): Promise<void>
}

const HINT_KEY = 'cognito-bff.session'
// Answers that carry a session, or end one: never refreshed and retried.
const AUTH_PATHS = /\/auth\/(login|challenge|refresh|logout|signup)/

function defaultHint (): { get (): boolean, set (on: boolean): void } {
  let memory = false
  const storage = typeof localStorage === 'undefined' ? undefined : localStorage
  return {
    get: () => storage ? storage.getItem(HINT_KEY) === '1' : memory,
    set: on => { if (storage) { if (on) storage.setItem(HINT_KEY, '1'); else storage.removeItem(HINT_KEY) } else memory = on }
  }
}

async function jsonOf (response: Response): Promise<Record<string, unknown> | undefined> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return undefined
  try {
    return await response.clone().json() as Record<string, unknown>
  } catch {
    return undefined
  }
}

export function createClient (options: ClientOptions = {}): BffClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/$/, '')
  const mode = options.tokens ?? 'cookie'
  const store = options.tokenStore
  if (mode === 'body' && !store) throw new TypeError("tokens: 'body' needs a tokenStore")
  const hint = options.sessionHint ?? defaultHint()
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request))

  const withBearer = async (request: Request): Promise<Request> => {
    const tokens = mode === 'body' ? await store?.get() : undefined
    if (!tokens || request.headers.has('authorization')) return request
    const headers = new Headers(request.headers)
    headers.set('authorization', `Bearer ${tokens.accessToken}`)
    return new Request(request, { headers })
  }

  // Keeps what an answer says about the session: tokens (body mode) and the hint.
  const observe = async (request: Request, response: Response): Promise<void> => {
    if (!AUTH_PATHS.test(new URL(request.url, 'http://x').pathname)) return
    if (/\/auth\/logout/.test(request.url)) { if (response.ok) await forget(); return }
    const body = response.ok ? await jsonOf(response) : undefined
    if (body?.status !== 'authenticated') return
    hint.set(true)
    const tokens = body.tokens as StoredTokens | undefined
    if (mode === 'body' && tokens && store) {
      const previous = await store.get()
      await store.set({ accessToken: tokens.accessToken, idToken: tokens.idToken, refreshToken: tokens.refreshToken ?? previous?.refreshToken })
    }
  }

  const forget = async (): Promise<void> => {
    hint.set(false)
    if (store) await store.set(undefined)
  }

  let refreshing: Promise<boolean> | undefined
  const refresh = (): Promise<boolean> => {
    refreshing ??= (async () => {
      const refreshToken = mode === 'body' ? (await store?.get())?.refreshToken : undefined
      if (mode === 'body' && !refreshToken) return false
      const request = new Request(`${baseUrl}/auth/refresh`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(mode === 'body' ? { refreshToken, tokenDelivery: 'body' } : {})
      })
      const response = await send(request)
      await observe(request, response)
      if (!response.ok) await forget()
      return response.ok
    })().finally(() => { refreshing = undefined })
    return refreshing
  }

  const mayRefresh = async (response: Response): Promise<boolean> => {
    const code = (await jsonOf(response))?.code
    if (code === 'TOKEN_INVALID') return true
    if (code !== 'UNAUTHENTICATED') return false
    return mode === 'body' ? (await store?.get())?.refreshToken !== undefined : hint.get()
  }

  const fetchWithRefresh = async (request: Request): Promise<Response> => {
    const retry = request.clone()
    const response = await send(await withBearer(request))
    await observe(request, response)
    if (response.status !== 401 || AUTH_PATHS.test(request.url) || !await mayRefresh(response) || !await refresh()) return response
    return await send(await withBearer(retry))
  }

  const api = createFetchClient<paths>({
    baseUrl,
    credentials: 'include',
    headers: options.headers,
    fetch: fetchWithRefresh
  })
  return { api, baseUrl, tokens: mode, refresh, forget, storedTokens: async () => await store?.get() }
}
