/**
 * A compact RS256 JWS taken apart and its signature checked; what the claims
 * mean is the verifier's business. This is the work of every token seen for
 * the first time, so it does only what it must: one base64url decode per
 * segment, JSON parsed by secure-json-parse (a `__proto__` or `constructor`
 * key is refused; Cognito never sends one), and node's one-shot
 * `crypto.verify` with a KeyObject made once per JWK. aws-jwt-verify, which
 * keeps the JWKS here, parses with a reviver on every JSON value and checks
 * with a streaming Verify object: the same answer, a third slower
 * (bench/RESULTS.md).
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { JwkWithKid } from 'aws-jwt-verify/jwk'
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model'
import secureJson from 'secure-json-parse'

export interface DecodedJwt {
  header: JwtHeader
  payload: JwtPayload
  /** `header.payload`, what the signature covers. */
  signingInput: string
  signature: Buffer
}

export class JwtShapeError extends Error {
  override name = 'JwtShapeError'
}

/** Three base64url segments (no padding: RFC 7515 leaves it out), the last one the signature. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const

/** The token's parts; throws JwtShapeError when it is not a compact JWS whose header and payload are JSON objects. */
export function decodeJwt (raw: string): DecodedJwt {
  if (!COMPACT_JWS.test(raw)) throw new JwtShapeError('not a compact JWS')
  const headerEnd = raw.indexOf('.')
  const payloadEnd = raw.indexOf('.', headerEnd + 1)
  return {
    header: jsonObject(raw.slice(0, headerEnd), 'header') as JwtHeader,
    payload: jsonObject(raw.slice(headerEnd + 1, payloadEnd), 'payload') as JwtPayload,
    signingInput: raw.slice(0, payloadEnd),
    signature: Buffer.from(raw.slice(payloadEnd + 1), 'base64url')
  }
}

function jsonObject (segment: string, part: string): Record<string, unknown> {
  let value: unknown
  try {
    value = secureJson.parse(Buffer.from(segment, 'base64url').toString('utf8'), undefined, PARSE_OPTIONS)
  } catch {
    throw new JwtShapeError(`the ${part} is not JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtShapeError(`the ${part} is not a JSON object`)
  return value as Record<string, unknown>
}

// JWKs come from the cache as the same objects until the set is refetched: their KeyObjects go with them.
const keyObjects = new WeakMap<JwkWithKid, KeyObject>()

/**
 * Whether `jwt` carries an RS256 signature by `jwk`. The caller has checked
 * that the header says RS256; the key must be an RSA signing key that allows it.
 */
export function hasRs256Signature (jwt: DecodedJwt, jwk: JwkWithKid): boolean {
  if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig') || (jwk.alg !== undefined && jwk.alg !== 'RS256')) return false
  let key = keyObjects.get(jwk)
  if (key === undefined) {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    keyObjects.set(jwk, key)
  }
  return verify('sha256', Buffer.from(jwt.signingInput, 'latin1'), key, jwt.signature)
}
