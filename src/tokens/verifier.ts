/**
 * Local token verification with aws-jwt-verify: signature against the pool's
 * JWKS (cached; refetched for an unknown kid), issuer, expiry, token_use and
 * client id. One verifier per token use, built once; `hydrate` warms the JWKS
 * before the service reports ready.
 */
import { JwtVerifier } from 'aws-jwt-verify'
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier'
import { SimpleJwksCache } from 'aws-jwt-verify/jwk'
import { FetchError, JwksValidationError } from 'aws-jwt-verify/error'
import type { Fetcher } from 'aws-jwt-verify/https'
import { ApiError } from '../errors/catalog.js'
import type { JwtPayload } from 'aws-jwt-verify/jwt-model'

export interface VerifierSettings {
  issuer: string
  jwksUri: string
  clientId: string
  timeoutMs: number
}

export interface VerifiedToken {
  sub: string
  username: string
  tokenUse: 'access' | 'id'
  groups: string[]
  scope: string[]
  /** Seconds since the epoch. */
  exp: number
  jti?: string
  claims: JwtPayload
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

export type TokenVerifier = ReturnType<typeof createTokenVerifier>

export function createTokenVerifier (settings: VerifierSettings) {
  const jwksCache = new SimpleJwksCache({ fetcher: new TimeoutFetcher(settings.timeoutMs) })
  const build = (tokenUse: 'access' | 'id') => JwtVerifier.create({
    issuer: settings.issuer,
    jwksUri: settings.jwksUri,
    audience: null,
    customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse, clientId: settings.clientId })
  }, { jwksCache })
  const verifiers = { access: build('access'), id: build('id') }
  let hydrated = false

  return {
    /**
     * Resolves to the token's identity; rejects with aws-jwt-verify's error when
     * the token is not valid, or with UPSTREAM_UNAVAILABLE when the JWKS could
     * not be had (so an outage is not blamed on the caller's token).
     */
    async verify (token: string, tokenUse: 'access' | 'id'): Promise<VerifiedToken> {
      let claims: JwtPayload
      try {
        claims = await verifiers[tokenUse].verify(token)
      } catch (err) {
        if (err instanceof FetchError || err instanceof JwksValidationError) throw new ApiError('UPSTREAM_UNAVAILABLE', { cause: err, retryAfter: 1 })
        throw err
      }
      const username = claims.username ?? claims['cognito:username']
      return {
        sub: String(claims.sub),
        username: typeof username === 'string' ? username : String(claims.sub),
        tokenUse,
        groups: Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].map(String) : [],
        scope: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
        exp: Number(claims.exp),
        jti: typeof claims.jti === 'string' ? claims.jti : undefined,
        claims
      }
    },

    /** Fetches the JWKS now, so the first user's request does not wait for it. */
    async hydrate (): Promise<void> {
      await verifiers.access.hydrate()
      hydrated = true
    },

    /** True once a JWKS has been fetched: readiness reports it. */
    isHydrated: (): boolean => hydrated
  }
}
