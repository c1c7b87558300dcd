/**
 * The pool's signing keys, kept so that the JWKS endpoint being slow, down or
 * flooded never takes the service down with it. aws-jwt-verify's
 * SimpleJwksCache falls short in three ways this cache fixes:
 *
 * - Its penalty box only backs off after a fetch that SUCCEEDED without the
 *   kid: while the endpoint is down, every token with an unknown kid fetches
 *   again. Here an unknown kid refetches at most once per `minRefetchIntervalMs`
 *   per URI, counted from the last ATTEMPT, success or failure; callers in
 *   between are refused at once (or share the fetch already under way).
 * - It never refreshes a cached set, so a key the IdP withdrew (rotation,
 *   compromise) stays accepted forever. Here a set older than its
 *   Cache-Control max-age (clamped) is served stale while one background
 *   fetch replaces it; a failed refresh keeps the old keys.
 * - It has no notion of "degraded": `status` tells readiness whether the keys
 *   are fresh, kept after a failed refresh, or were never loaded.
 *
 * Fetch failures are aws-jwt-verify's `FetchError` (network, timeout, non-2xx)
 * or `JwksValidationError` (not a key set): the JWKS is unavailable, which is
 * not the token's fault. `KidNotFoundInJwksError` is: the token names a key the
 * pool does not publish.
 */
import { FetchError, JwksNotAvailableInCacheError, JwksValidationError, JwtWithoutValidKidError, KidNotFoundInJwksError } from 'aws-jwt-verify/error'
import { assertIsJwks, findJwkInJwks, type Jwks, type JwksCache, type JwkWithKid } from 'aws-jwt-verify/jwk'
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model'
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse'

export type JwksStatus = 'ok' | 'degraded' | 'missing'

export interface PoolJwksCacheOptions {
  /** The longest a fetch (and so a request waiting for one) may take. */
  timeoutMs: number
  /** At most one fetch per URI this often for unknown kids and background refreshes. Default 10 s. */
  minRefetchIntervalMs?: number
  /** Cache-Control max-age is clamped to [floor, ceiling]. Defaults 60 s and 24 h. */
  maxAgeFloorMs?: number
  maxAgeCeilingMs?: number
  /** How long a set is fresh when the response has no max-age. Default 1 h. */
  defaultMaxAgeMs?: number
  now?: () => number
  fetch?: typeof fetch
  /** Told once per kid (per cache) of an RSA key in the set shorter than 2048 bits, which is left out. */
  onWeakKey?: (weak: { jwksUri: string, kid: string, bits: number }) => void
}

interface DecomposedJwt { header: JwtHeader, payload: JwtPayload }

interface Entry {
  jwks?: Jwks
  /** When `jwks` was loaded, and how long it is fresh. */
  loadedAt: number
  maxAgeMs: number
  lastAttemptAt: number
  lastError?: unknown
  /** The last attempt failed. */
  failing: boolean
  inFlight?: Promise<Jwks>
}

export class PoolJwksCache implements JwksCache {
  private readonly entries = new Map<string, Entry>()
  private readonly timeoutMs: number
  private readonly minRefetchIntervalMs: number
  private readonly maxAgeFloorMs: number
  private readonly maxAgeCeilingMs: number
  private readonly defaultMaxAgeMs: number
  private readonly now: () => number
  private readonly fetch: typeof fetch
  private readonly onWeakKey: (weak: { jwksUri: string, kid: string, bits: number }) => void
  private readonly weakKidsTold = new Set<string>()
  private fetches = 0
  private failures = 0

  constructor (options: PoolJwksCacheOptions) {
    this.timeoutMs = options.timeoutMs
    this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? 10_000
    this.maxAgeFloorMs = options.maxAgeFloorMs ?? 60_000
    this.maxAgeCeilingMs = options.maxAgeCeilingMs ?? 24 * 3600_000
    this.defaultMaxAgeMs = options.defaultMaxAgeMs ?? 3600_000
    this.now = options.now ?? Date.now
    this.fetch = options.fetch ?? (async (input, init) => await fetch(input, init))
    this.onWeakKey = options.onWeakKey ?? (() => {})
  }

  async getJwk (jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    const kid = kidOf(decomposedJwt)
    const entry = this.entry(jwksUri)
    if (entry.jwks) {
      this.refreshIfStale(jwksUri, entry)
      const jwk = findJwkInJwks(entry.jwks, kid)
      if (jwk) return jwk
    }
    // A fetch under way is shared; otherwise one more is allowed only once the interval since the last attempt is over.
    if (!entry.inFlight && this.now() - entry.lastAttemptAt < this.minRefetchIntervalMs) {
      if (entry.jwks) throw kidNotFound(kid)
      throw entry.lastError ?? new FetchError(jwksUri, 'waiting before the next attempt')
    }
    const jwk = findJwkInJwks(await this.load(jwksUri), kid)
    if (!jwk) throw kidNotFound(kid)
    return jwk
  }

  getCachedJwk (jwksUri: string, decomposedJwt: DecomposedJwt): JwkWithKid {
    const kid = kidOf(decomposedJwt)
    const entry = this.entries.get(jwksUri)
    if (!entry?.jwks) throw new JwksNotAvailableInCacheError(`JWKS for uri ${jwksUri} not yet available in cache`)
    this.refreshIfStale(jwksUri, entry)
    const jwk = findJwkInJwks(entry.jwks, kid)
    if (!jwk) throw kidNotFound(kid)
    return jwk
  }

  /**
   * The key `kid` of the current set, without a fetch: what a token verified earlier needs still to be published. A
   * stale set is refreshed in the background, as by any other lookup. Undefined when the set lacks it (or was never loaded).
   */
  publishedJwk (jwksUri: string, kid: string): JwkWithKid | undefined {
    const entry = this.entries.get(jwksUri)
    if (!entry?.jwks) return undefined
    this.refreshIfStale(jwksUri, entry)
    return findJwkInJwks(entry.jwks, kid) as JwkWithKid | undefined
  }

  addJwks (jwksUri: string, jwks: Jwks): void {
    Object.assign(this.entry(jwksUri), { jwks: this.usableKeys(jwksUri, jwks), loadedAt: this.now(), maxAgeMs: this.defaultMaxAgeMs, failing: false })
  }

  /** Fetches now (sharing a fetch under way) and caches the result. */
  async getJwks (jwksUri: string): Promise<Jwks> {
    return await this.load(jwksUri)
  }

  /** Fetches now; rejects with `FetchError` or `JwksValidationError`, the cached keys (if any) staying in use. */
  async hydrate (jwksUri: string): Promise<void> {
    await this.load(jwksUri)
  }

  /** `degraded`: keys cached, but the last attempt to fetch them failed. `missing`: never loaded. */
  status (jwksUri: string): JwksStatus {
    const entry = this.entries.get(jwksUri)
    if (!entry?.jwks) return 'missing'
    return entry.failing ? 'degraded' : 'ok'
  }

  /** Fetch attempts and failed attempts, all URIs together. */
  stats (): { fetches: number, failures: number } {
    return { fetches: this.fetches, failures: this.failures }
  }

  private entry (jwksUri: string): Entry {
    let entry = this.entries.get(jwksUri)
    if (!entry) {
      entry = { loadedAt: -Infinity, maxAgeMs: 0, lastAttemptAt: -Infinity, failing: false }
      this.entries.set(jwksUri, entry)
    }
    return entry
  }

  /**
   * Stale-while-revalidate: the caller goes on with the cached keys; one background fetch replaces them. A set whose
   * last refresh failed is retried the same way, so `degraded` ends soon after the endpoint is back.
   */
  private refreshIfStale (jwksUri: string, entry: Entry): void {
    const now = this.now()
    const due = entry.failing || now - entry.loadedAt >= entry.maxAgeMs
    if (!due || entry.inFlight || now - entry.lastAttemptAt < this.minRefetchIntervalMs) return
    this.load(jwksUri).catch(() => {}) // kept in `lastError` and `status`
  }

  /** The one fetch per URI: concurrent callers share it; the outcome updates the entry. */
  private async load (jwksUri: string): Promise<Jwks> {
    const entry = this.entry(jwksUri)
    if (entry.inFlight) return await entry.inFlight
    entry.lastAttemptAt = this.now()
    this.fetches += 1
    const attempt = this.fetchJwks(jwksUri).then(({ jwks, maxAgeMs }) => {
      Object.assign(entry, { jwks, maxAgeMs, loadedAt: this.now(), failing: false, lastError: undefined })
      return jwks
    }, (err: unknown) => {
      this.failures += 1
      Object.assign(entry, { failing: true, lastError: err })
      throw err
    }).finally(() => { entry.inFlight = undefined })
    entry.inFlight = attempt
    return await attempt
  }

  private async fetchJwks (jwksUri: string): Promise<{ jwks: Jwks, maxAgeMs: number }> {
    let response: Response
    let body: string
    try {
      const { protocol } = new URL(jwksUri)
      if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`${protocol} is not http(s)`)
      // The timeout covers the body too: a response that starts and then stalls is aborted as well.
      response = await this.fetch(jwksUri, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' })
      body = await response.text()
    } catch (err) {
      throw new FetchError(jwksUri, describe(err, this.timeoutMs))
    }
    if (!response.ok) throw new FetchError(jwksUri, `HTTP ${response.status}`)
    return { jwks: this.usableKeys(jwksUri, parseJwks(body)), maxAgeMs: this.maxAgeOf(response.headers.get('cache-control')) }
  }

  /**
   * Only what Cognito signs with: RSA keys of 2048 bits or more with a kid, for signatures, RS256 if an alg is named.
   * A shorter RSA key is left out (and told once per kid). None left is an invalid set.
   */
  private usableKeys (jwksUri: string, jwks: Jwks): Jwks {
    const keys = jwks.keys.filter((jwk): jwk is JwkWithKid => {
      if (!(jwk.kty === 'RSA' && typeof jwk.kid === 'string' && jwk.kid !== '' && typeof jwk.n === 'string' && jwk.n !== '' &&
        Boolean(jwk.e) && (jwk.use === undefined || jwk.use === 'sig') && (jwk.alg === undefined || jwk.alg === 'RS256'))) return false
      const bits = modulusBits(jwk.n)
      if (bits >= MIN_RSA_BITS) return true
      if (!this.weakKidsTold.has(jwk.kid)) {
        this.weakKidsTold.add(jwk.kid)
        this.onWeakKey({ jwksUri, kid: jwk.kid, bits })
      }
      return false
    })
    if (keys.length === 0) throw new JwksValidationError('JWKS has no RSA signing key of 2048 bits or more with a kid')
    return { keys }
  }

  private maxAgeOf (cacheControl: string | null): number {
    if (cacheControl === null) return this.defaultMaxAgeMs
    // no-cache / no-store: as fresh as the floor allows.
    const seconds = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl)?.[1] ?? (/no-cache|no-store/i.test(cacheControl) ? '0' : undefined)
    if (seconds === undefined) return this.defaultMaxAgeMs
    return Math.min(this.maxAgeCeilingMs, Math.max(this.maxAgeFloorMs, Number(seconds) * 1000))
  }
}

function describe (err: unknown, timeoutMs: number): string {
  if (!(err instanceof Error)) return String(err)
  if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  // fetch says "fetch failed"; the reason (ECONNREFUSED, a redirect, ...) is its cause.
  const cause = err.cause instanceof Error ? `: ${(err.cause as Error & { code?: string }).code ?? err.cause.message}` : ''
  return `${err.message}${cause}`
}

function kidOf ({ header }: DecomposedJwt): string {
  if (typeof header.kid !== 'string') throw new JwtWithoutValidKidError('JWT header does not have valid kid claim')
  return header.kid
}

function kidNotFound (kid: string): KidNotFoundInJwksError {
  return new KidNotFoundInJwksError(`JWK for kid "${kid}" not found in the JWKS`)
}

function parseJwks (body: string): Jwks {
  try {
    const jwks = safeJsonParse(body)
    assertIsJwks(jwks)
    return jwks
  } catch (err) {
    if (err instanceof JwksValidationError) throw err
    throw new JwksValidationError(`JWKS is not valid: ${(err as Error).message}`)
  }
}

/** NIST SP 800-131A: RSA signatures need 2048 bits at least. Cognito's keys have 2048. */
const MIN_RSA_BITS = 2048

/** The bit length of a base64url modulus (leading zero bytes and bits not counted). */
function modulusBits (n: string): number {
  const bytes = Buffer.from(n, 'base64url')
  let first = 0
  while (first < bytes.length && bytes[first] === 0) first += 1
  if (first === bytes.length) return 0
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!))
}
