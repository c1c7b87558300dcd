/**
 * The one answer to "is this token good?". aws-jwt-verify checks the
 * signature against the pool's JWKS (cached; refetched for an unknown kid),
 * issuer, expiry, token_use and client id; then the store says whether the
 * token was revoked (logout) or its user signed out everywhere after it was
 * issued. The answer is the identity, or a typed refusal the caller maps to
 * its own response. One verifier per token use, built once; `hydrate` warms
 * the JWKS before the service reports ready.
 */
import { JwtVerifier } from 'aws-jwt-verify'
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier'
import { FetchError, JwksValidationError, JwtExpiredError } from 'aws-jwt-verify/error'
import type { Fetcher } from 'aws-jwt-verify/https'
import { SimpleJwksCache } from 'aws-jwt-verify/jwk'
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model'
import type { Pool } from '../config.js'
import type { SharedStore } from '../store/store.js'

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
  claims: JwtPayload
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

export interface TokenVerifier {
  verify (token: string, tokenUse: TokenUse): Promise<Verification>
  /** Refuses this token from now until it expires anyway. */
  revoke (token: VerifiedToken): Promise<void>
  /** Fetches the JWKS now, so the first user's request does not wait for it. */
  hydrate (): Promise<void>
  /** True once a JWKS has been fetched: readiness reports it. */
  isHydrated (): boolean
}

export interface VerifierOptions {
  pool: Pick<Pool, 'issuer' | 'jwksUri' | 'alternateIssuer' | 'clientId'>
  timeoutMs: number
  store: SharedStore
}

/**
 * aws-jwt-verify's own fetcher refuses plain http, which the embedded emulator
 * serves; this one uses fetch with a timeout for both.
 */
class TimeoutFetcher implements Fetcher {
  constructor (private readonly timeoutMs: number) {}

  async fetch (uri: string): Promise<ArrayBuffer> {
    let response: Response
    try {
      response = await fetch(uri, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' })
    } catch (err) {
      throw new FetchError(uri, (err as Error).message)
    }
    if (!response.ok) throw new FetchError(uri, `HTTP ${response.status}`)
    return await response.arrayBuffer()
  }
}

export function createTokenVerifier ({ pool, timeoutMs, store }: VerifierOptions): TokenVerifier {
  const jwksCache = new SimpleJwksCache({ fetcher: new TimeoutFetcher(timeoutMs) })
  // The pool's issuer, and for AWS pools also the other format Cognito may sign with; each with its own JWKS URL.
  const issuers = [{ issuer: pool.issuer, jwksUri: pool.jwksUri }, ...(pool.alternateIssuer ? [pool.alternateIssuer] : [])]
  const build = (tokenUse: TokenUse) => JwtVerifier.create(issuers.map(({ issuer, jwksUri }) => ({
    issuer,
    jwksUri,
    audience: null,
    customJwtCheck: ({ header, payload }: { header: JwtHeader, payload: JwtPayload }) => {
      validateCognitoJwtFields(payload, { tokenUse, clientId: pool.clientId })
      requireCognitoShape(header, payload)
    }
  })), { jwksCache })
  const verifiers = { access: build('access'), id: build('id') }
  let hydrated = false

  async function isRevoked (token: VerifiedToken): Promise<boolean> {
    if (token.jti !== undefined && await store.isTokenRevoked(token.jti)) return true
    const signedOutAt = await store.signedOutAt(token.sub)
    // Tokens issued before the mark are dead; one issued in the same second after a new sign-in stays good.
    return signedOutAt !== undefined && token.iat < signedOutAt
  }

  return {
    async verify (raw, tokenUse) {
      let claims: JwtPayload
      try {
        claims = await verifiers[tokenUse].verify(raw)
      } catch (err) {
        if (err instanceof FetchError || err instanceof JwksValidationError) return { ok: false, refusal: 'unavailable', cause: err }
        return { ok: false, refusal: err instanceof JwtExpiredError ? 'expired' : 'invalid', cause: err }
      }
      const token = identityOf(claims, tokenUse)
      // A store outage is not the token's fault either: it propagates as a 5xx.
      if (await isRevoked(token)) return { ok: false, refusal: 'revoked' }
      hydrated = true
      return { ok: true, token }
    },

    async revoke (token) {
      if (token.jti !== undefined) await store.revokeToken(token.jti, token.exp)
    },

    async hydrate () {
      // Readiness is the pool's own issuer; the other format's keys are fetched alongside, or when first needed.
      if (pool.alternateIssuer) jwksCache.getJwks(pool.alternateIssuer.jwksUri).catch(() => {})
      await jwksCache.getJwks(pool.jwksUri)
      hydrated = true
    },

    isHydrated: () => hydrated
  }
}

/** How far in the future an `iat` may be: clocks differ a little, tokens are not minted ahead. */
const IAT_SKEW_SECONDS = 60

/**
 * What aws-jwt-verify leaves optional and Cognito always sets: an `exp` (a
 * token without one would never expire) and an `iat` not in the future; and no
 * `crit` header, since this verifier understands no JWS extension (RFC 7515
 * says to refuse one it does not understand).
 */
function requireCognitoShape (header: JwtHeader, payload: JwtPayload): void {
  if (typeof payload.exp !== 'number') throw new TokenShapeError('the token has no exp claim')
  if (typeof payload.iat !== 'number') throw new TokenShapeError('the token has no iat claim')
  if (payload.iat > Date.now() / 1000 + IAT_SKEW_SECONDS) throw new TokenShapeError('the token\'s iat is in the future')
  if ('crit' in header) throw new TokenShapeError('the token has a crit header')
}

class TokenShapeError extends Error {
  override name = 'TokenShapeError'
}

function identityOf (claims: JwtPayload, tokenUse: TokenUse): VerifiedToken {
  const username = claims.username ?? claims['cognito:username']
  return {
    sub: String(claims.sub),
    username: typeof username === 'string' ? username : String(claims.sub),
    tokenUse,
    groups: Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].map(String) : [],
    scope: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    exp: Number(claims.exp),
    iat: Number(claims.iat),
    jti: typeof claims.jti === 'string' ? claims.jti : undefined,
    claims
  }
}
