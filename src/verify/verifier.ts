/**
 * The one answer to "is this token good?". A token seen for the first time is
 * taken apart and its RS256 signature checked against the pool's JWKS (jws.ts;
 * keys from jwks-cache.ts, refetched for an unknown kid), then its claims:
 * issuer, expiry, token_use and client id (aws-jwt-verify's Cognito checks),
 * and what Cognito always does and a forger might not (RS256 only, no
 * key-carrying or crit headers, exp and iat required, every time claim (exp,
 * iat, auth_time, nbf) whole seconds a Date can hold, nbf and iat within the
 * clock skew, a size limit). Then the store says whether the token was
 * revoked: its own jti, its session (origin_jti: every token minted from one
 * refresh token), or its user signed out everywhere after it was issued. The
 * answer is the identity, or a typed refusal the caller maps to its own
 * response. `hydrate` warms the JWKS before the service reports ready.
 *
 * Verified tokens are cached (by a hash of the token, until it expires), so a
 * token presented again costs no RSA; revocation is still looked up on every
 * use, the key that signed it must still be in the pool's current JWKS (a
 * withdrawn key's tokens are refused once the set is refreshed), and refusals
 * are never cached.
 */
import * as crypto from 'node:crypto'
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier'
import { FetchError, JwksValidationError, JwtExpiredError, JwtInvalidIssuerError, JwtInvalidSignatureError } from 'aws-jwt-verify/error'
import type { JwkWithKid } from 'aws-jwt-verify/jwk'
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model'
import { LRUCache } from 'lru-cache'
import type { Pool } from '../config/index.js'
import type { SharedStore } from '../store/store.js'
import { PoolJwksCache, type JwksStatus, type PoolJwksCacheOptions } from './jwks-cache.js'
import { LONGEST_TOKEN_SECONDS } from '../session/signed-out.js'
import { decodeJwt, hasRs256Signature, JwtShapeError, verifiedPayloadJson, type DecodedJwt } from './jws.js'

/** The verified-token cache's key: the token's sha256, in one call where node has it (20.12+). */
const digestOf: (raw: string) => string = typeof crypto.hash === 'function'
  ? raw => crypto.hash('sha256', raw, 'base64url')
  : raw => crypto.createHash('sha256').update(raw).digest('base64url')

export type TokenUse = 'access' | 'id'

export interface VerifiedToken {
  sub: string
  username: string
  tokenUse: TokenUse
  groups: string[]
  scope: string[]
  /** Seconds since the epoch. */
  exp: number
  iat: number
  jti?: string
  /** The session: the same for every token minted from one refresh token. */
  originJti?: string
  /** The app client the token was issued to. */
  clientId: string
  /** jti and origin_jti, those the token has: what a revocation names. */
  revocationIds: readonly string[]
  claims: JwtPayload
  /** The claims' JSON text, as signed: what an answer that lists every claim can send without serializing them again. */
  claimsJson: string
}

/**
 * Why a token was refused: `expired`, `invalid` (signature, issuer, client,
 * token use, shape), `revoked` (logout, or signed out everywhere), or
 * `unavailable` (the JWKS could not be had: not the token's fault).
 */
export type TokenRefusal = 'expired' | 'invalid' | 'revoked' | 'unavailable'

export type Verification =
  | { ok: true, token: VerifiedToken }
  | { ok: false, refusal: TokenRefusal, cause?: unknown }

export interface VerifyOptions {
  /**
   * A token of the same request, verified already (the access token beside an ID cookie). When both name the same
   * session (sub and origin_jti) and this one was issued no earlier, that token's revocation lookup answers for this
   * one too: one store round trip for the pair. Sound because a session's ID tokens are never revoked alone, only with
   * their session (origin_jti) or by a sign-out of their user (a mark that refuses what was issued before it).
   */
  alongside?: VerifiedToken
}

export interface TokenVerifier {
  /** `tokenUse` undefined: either, as the token says (checked like any other claim). */
  verify (token: string, tokenUse?: TokenUse, options?: VerifyOptions): Promise<Verification>
  /** Refuses this token from now until it expires anyway. */
  revoke (token: VerifiedToken): Promise<void>
  /** Fetches the JWKS now, so the first user's request does not wait for it. */
  hydrate (): Promise<void>
  /** The pool's keys: 'ok', 'degraded' (cached, but the last refresh failed) or 'missing' (never loaded). Readiness reports it. */
  jwksStatus (): JwksStatus
  /** JWKS fetch attempts and failures so far. */
  jwksStats (): { fetches: number, failures: number }
  /** Calls `listener` with the result of every verification (metrics); returns the function that stops it. */
  observe (listener: (result: VerificationResult) => void): () => void
}

/**
 * A verified token as the cache keeps it: its expiry and the key that signed it (which must still be published for
 * the token to stay good), and its identity once the token has been presented again. A token is its own claims: on its
 * first hit they are decoded again from the token presented (the cache's key is that token's digest, so the text is
 * the one verified), not kept. So a token never presented again (most of them, when callers present many short-lived
 * tokens) leaves one small object for the garbage collector to copy while the cache holds it, not the dozen of an
 * identity and its claims' text: on a miss-only load, that churn cost more than the whole check bar the RSA
 * (bench/RESULTS.md, contender V).
 */
interface CachedToken {
  exp: number
  identity: VerifiedToken | undefined
  jwksUri: string
  jwk: JwkWithKid
}

/** What a verification came to: 'ok', or the refusal. */
export type VerificationResult = 'ok' | TokenRefusal

export interface VerifierOptions {
  pool: Pick<Pool, 'issuer' | 'jwksUri' | 'alternateIssuer' | 'clientId'>
  /** Other app clients of the pool whose tokens are accepted too (an SPA client and a CMS client). */
  otherClientIds?: readonly string[]
  timeoutMs: number
  store: SharedStore
  /** How far nbf and iat may be ahead of this clock. */
  clockSkewSeconds?: number
  /** Longer tokens are refused before any parsing. */
  maxTokenBytes?: number
  /** Verified tokens kept for the next presentation. */
  cacheSize?: number
  /** The JWKS cache's clock and intervals (tests). */
  jwks?: Pick<PoolJwksCacheOptions, 'now' | 'minRefetchIntervalMs' | 'maxAgeFloorMs'>
  /** Where a JWKS key this verifier ignores (RSA under 2048 bits) is reported, once per kid. */
  log?: { warn: (details: object, message: string) => void }
}

const DEFAULT_SKEW_SECONDS = 60
const DEFAULT_MAX_TOKEN_BYTES = 16 * 1024
const DEFAULT_CACHE_SIZE = 10_000

export function createTokenVerifier (options: VerifierOptions): TokenVerifier {
  const { pool, timeoutMs, store } = options
  const skew = options.clockSkewSeconds ?? DEFAULT_SKEW_SECONDS
  const maxBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES
  const clientIds = [pool.clientId, ...(options.otherClientIds ?? [])]
  const verified = new LRUCache<string, CachedToken>({ max: options.cacheSize ?? DEFAULT_CACHE_SIZE })
  // Refetches at most once per interval for unknown kids (failures included), refreshes on Cache-Control, serves stale keys when down.
  const jwksCache = new PoolJwksCache({
    ...options.jwks,
    timeoutMs,
    onWeakKey: weak => options.log?.warn(weak, 'the JWKS has an RSA key shorter than 2048 bits: ignored, tokens it signed are refused')
  })
  // The pool's issuer, and for AWS pools also the other format Cognito may sign with; each with its own JWKS URL.
  const jwksUris = new Map([pool, ...(pool.alternateIssuer ? [pool.alternateIssuer] : [])].map(({ issuer, jwksUri }) => [issuer, jwksUri]))

  /** The claims of a token seen for the first time and the key that signed it, or the error that refuses it. */
  async function verifySignature (raw: string): Promise<{ claims: JwtPayload, claimsJson: string, jwksUri: string, jwk: JwkWithKid }> {
    const jwt = decodeJwt(raw)
    const { header, payload } = jwt
    requireCognitoShape(header, payload, skew)
    // The issuer picks the key set; a token from anywhere else has no key here.
    const jwksUri = typeof payload.iss === 'string' ? jwksUris.get(payload.iss) : undefined
    if (jwksUri === undefined) throw new JwtInvalidIssuerError('the token is from another issuer', payload.iss, [...jwksUris.keys()])
    const jwk = cachedJwk(jwksUri, jwt) ?? await jwksCache.getJwk(jwksUri, jwt)
    if (!hasRs256Signature(jwt, jwk)) throw new JwtInvalidSignatureError('Invalid signature')
    // Checked once the signature holds: a forger learns nothing from "expired".
    if ((payload.exp as number) < Date.now() / 1000) throw new JwtExpiredError('the token has expired', payload.exp)
    validateCognitoJwtFields(payload, { tokenUse: null, clientId: clientIds })
    return { claims: payload, claimsJson: jwt.payloadJson, jwksUri, jwk }
  }

  /**
   * Whether the key that signed a cached token is still in the pool's current set (which this refreshes when stale,
   * as any verification does). A refetched set has new objects: the same kid with the same modulus and exponent is
   * the same key, kept for the next time.
   */
  function stillPublished (cached: CachedToken): boolean {
    const current = jwksCache.publishedJwk(cached.jwksUri, cached.jwk.kid)
    if (current === cached.jwk) return true
    if (current === undefined || current.n !== cached.jwk.n || current.e !== cached.jwk.e) return false
    cached.jwk = current
    return true
  }

  /** The key from the cached set without a promise in between (the usual case); undefined when it must be fetched. */
  function cachedJwk (jwksUri: string, jwt: DecodedJwt): JwkWithKid | undefined {
    try {
      return jwksCache.getCachedJwk(jwksUri, jwt)
    } catch {
      return undefined
    }
  }

  const listeners = new Set<(result: VerificationResult) => void>()

  async function check (raw: string, tokenUse: TokenUse | undefined, alongside: VerifiedToken | undefined): Promise<Verification> {
    if (raw.length > maxBytes) return { ok: false, refusal: 'invalid', cause: new JwtShapeError('the token is too long') }
    const key = digestOf(raw)
    let cached = verified.get(key)
    if (cached !== undefined && cached.exp * 1000 <= Date.now()) {
      verified.delete(key)
      return { ok: false, refusal: 'expired' }
    }
    // A key withdrawn from the JWKS takes the tokens it signed with it: checked again in full, they are refused.
    if (cached !== undefined && !stillPublished(cached)) {
      verified.delete(key)
      cached = undefined
    }
    let token: VerifiedToken
    if (cached === undefined) {
      try {
        const { claims, claimsJson, jwksUri, jwk } = await verifySignature(raw)
        token = identityOf(claims, claimsJson)
        // No time to live of the cache's own: every hit checks the token's expiry (above), and the least recently used go first.
        verified.set(key, { exp: token.exp, identity: undefined, jwksUri, jwk })
      } catch (err) {
        if (err instanceof FetchError || err instanceof JwksValidationError) return { ok: false, refusal: 'unavailable', cause: err }
        return { ok: false, refusal: err instanceof JwtExpiredError ? 'expired' : 'invalid', cause: err }
      }
    } else {
      if (cached.identity === undefined) {
        const claimsJson = verifiedPayloadJson(raw)
        cached.identity = identityOf(JSON.parse(claimsJson) as JwtPayload, claimsJson)
      }
      token = cached.identity
    }
    if (tokenUse !== undefined && token.tokenUse !== tokenUse) {
      return { ok: false, refusal: 'invalid', cause: new JwtShapeError(`not an ${tokenUse} token`) }
    }
    // One question to the store (one round trip to Redis). An outage is not the token's fault: it propagates as a 5xx.
    if (alongside !== undefined && sameSessionNoOlder(token, alongside)) return { ok: true, token }
    if (await store.isRevoked({ ids: token.revocationIds, sub: token.sub, issuedAt: token.iat })) return { ok: false, refusal: 'revoked' }
    return { ok: true, token }
  }

  return {
    async verify (raw, tokenUse, options) {
      const verification = await check(raw, tokenUse, options?.alongside)
      if (listeners.size > 0) {
        const result = verification.ok ? 'ok' : verification.refusal
        for (const listener of listeners) listener(result)
      }
      return verification
    },

    observe (listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    async revoke (token) {
      // The session's tokens all go (those minted by earlier refreshes too); a token without one goes alone.
      const until = Math.max(token.exp, Math.floor(Date.now() / 1000) + LONGEST_TOKEN_SECONDS)
      if (token.originJti !== undefined) await store.revokeToken(token.sub, token.originJti, until)
      if (token.jti !== undefined) await store.revokeToken(token.sub, token.jti, token.exp)
    },

    async hydrate () {
      // Readiness is the pool's own issuer; the other format's keys are fetched alongside, or when first needed.
      if (pool.alternateIssuer) jwksCache.hydrate(pool.alternateIssuer.jwksUri).catch(() => {})
      await jwksCache.hydrate(pool.jwksUri)
    },

    jwksStatus: () => jwksCache.status(pool.jwksUri),
    jwksStats: () => jwksCache.stats()
  }
}

/** Whether `token` is an ID token of the session `checked` (an access token whose revocation was looked up) and no older. */
function sameSessionNoOlder (token: VerifiedToken, checked: VerifiedToken): boolean {
  return token.tokenUse === 'id' && checked.tokenUse === 'access' && token.sub === checked.sub &&
    token.originJti !== undefined && token.originJti === checked.originJti && token.iat >= checked.iat
}

/**
 * What aws-jwt-verify leaves optional and Cognito always sets: a `sub`, an
 * `exp` (a token without one would never expire) and an `iat` not in the
 * future; the claims that name someone (username, client, jti...) as strings,
 * never a number or an array another reader would coerce; and no
 * `crit` header, since this verifier understands no JWS extension (RFC 7515
 * says to refuse one it does not understand).
 */
function requireCognitoShape (header: JwtHeader, payload: JwtPayload, skewSeconds: number): void {
  // Cognito signs with RS256 only; a key of the JWKS must not be usable with another algorithm.
  if (header.alg !== 'RS256') throw new JwtShapeError('the token is not RS256')
  // Keys come from the pool's JWKS only, never from the token itself.
  for (const name of KEY_HEADERS) if (name in header) throw new JwtShapeError(`the token has a ${name} header`)
  if ('crit' in header) throw new JwtShapeError('the token has a crit header')
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new JwtShapeError('the token has no sub claim, or not a string')
  for (const name of STRING_CLAIMS) {
    if (payload[name] !== undefined && typeof payload[name] !== 'string') throw new JwtShapeError(`the token's ${name} is not a string`)
  }
  if (!isNumericDate(payload.exp)) throw new JwtShapeError('the token has no exp claim, or not a time')
  if (!isNumericDate(payload.iat)) throw new JwtShapeError('the token has no iat claim, or not a time')
  if (payload.auth_time !== undefined && !isNumericDate(payload.auth_time)) throw new JwtShapeError('the token\'s auth_time is not a time')
  if (payload.nbf !== undefined && !isNumericDate(payload.nbf)) throw new JwtShapeError('the token\'s nbf is not a time')
  const latest = Date.now() / 1000 + skewSeconds
  if (payload.iat > latest) throw new JwtShapeError('the token\'s iat is in the future')
  if (payload.nbf !== undefined && payload.nbf > latest) throw new JwtShapeError('the token is not valid yet')
}

/** The latest second a JavaScript Date can hold (8.64e15 ms after the epoch). */
const LAST_DATE_SECONDS = 8.64e12

/**
 * A time claim as Cognito writes it: whole seconds since the epoch, not before it, and one a Date can hold. JSON
 * allows 1e999 (Infinity once parsed), 1.5, -1 or 1e300; none of them is a time, and any would break whatever
 * turns it into a date (a 500) or never expire.
 */
function isNumericDate (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= LAST_DATE_SECONDS
}

const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c']
/** Claims that name someone or something (identity, client, revocation): Cognito writes each as a string, when it writes it. */
const STRING_CLAIMS = ['username', 'cognito:username', 'client_id', 'token_use', 'jti', 'origin_jti']

function identityOf (claims: JwtPayload, claimsJson: string): VerifiedToken {
  return new Identity(claims, claimsJson)
}

/**
 * A verified token's identity (what the cache keeps once the token is presented again), and the claims as their JSON
 * text. The parsed claims are not kept (their objects, one per claim, would be most of what a kept identity holds for
 * the garbage collector to copy): parsed again from the text, once, when first asked for.
 */
class Identity implements VerifiedToken {
  readonly sub: string
  readonly username: string
  readonly tokenUse: TokenUse
  readonly groups: string[]
  readonly scope: string[]
  readonly exp: number
  readonly iat: number
  readonly jti?: string
  readonly originJti?: string
  readonly clientId: string
  readonly revocationIds: readonly string[]
  readonly claimsJson: string
  #claims: JwtPayload | undefined

  constructor (claims: JwtPayload, claimsJson: string) {
    const tokenUse = claims.token_use as TokenUse
    const username = claims.username ?? claims['cognito:username']
    const jti = typeof claims.jti === 'string' ? claims.jti : undefined
    const originJti = typeof claims.origin_jti === 'string' ? claims.origin_jti : undefined
    this.sub = claims.sub as string
    this.username = typeof username === 'string' ? username : String(claims.sub)
    this.tokenUse = tokenUse
    this.groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].map(String) : []
    this.scope = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []
    this.exp = Number(claims.exp)
    this.iat = Number(claims.iat)
    if (jti !== undefined) this.jti = jti
    if (originJti !== undefined) this.originJti = originJti
    this.clientId = String(tokenUse === 'access' ? claims.client_id : claims.aud)
    this.revocationIds = [jti, originJti].filter(id => id !== undefined)
    this.claimsJson = claimsJson
  }

  get claims (): JwtPayload {
    this.#claims ??= JSON.parse(this.claimsJson) as JwtPayload
    return this.#claims
  }
}
