/**
 * A compact RS256 JWS taken apart and its signature checked; what the claims
 * mean is the verifier's business. This is the work of every token seen for
 * the first time, so it does only what it must: one base64url decode per
 * segment, decoded as strict UTF-8 (an invalid sequence is refused, not
 * replaced), JSON.parse, then one walk over what it made that refuses a
 * `__proto__` member or a `constructor` with a `prototype` (what
 * secure-json-parse refuses, found by the walk that is needed anyway rather
 * than by its scans of the text; Cognito never sends one) and counts the
 * members: a name given twice in one object is refused (JSON.parse keeps the
 * last; another parser may read the first). Then node's one-shot
 * `crypto.verify` with a KeyObject made once per JWK. aws-jwt-verify, which
 * keeps the JWKS here, parses with a reviver on every JSON value and checks
 * with a streaming Verify object: the same answer, a third slower
 * (bench/RESULTS.md).
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { JwkWithKid } from 'aws-jwt-verify/jwk'
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model'

export interface DecodedJwt {
  header: JwtHeader
  payload: JwtPayload
  /** The payload's JSON text, as signed. */
  payloadJson: string
  /** `header.payload`, what the signature covers. */
  signingInput: string
  signature: Buffer
}

export class JwtShapeError extends Error {
  override name = 'JwtShapeError'
}

/** Three base64url segments (no padding: RFC 7515 leaves it out), the last one the signature. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/** The token's parts; throws JwtShapeError when it is not a compact JWS whose header and payload are JSON objects. */
export function decodeJwt (raw: string): DecodedJwt {
  if (!COMPACT_JWS.test(raw)) throw new JwtShapeError('not a compact JWS')
  const headerEnd = raw.indexOf('.')
  const payloadEnd = raw.indexOf('.', headerEnd + 1)
  const payload = jsonObject(raw.slice(headerEnd + 1, payloadEnd), 'payload')
  return {
    header: jsonObject(raw.slice(0, headerEnd), 'header').value as JwtHeader,
    payload: payload.value as JwtPayload,
    payloadJson: payload.text,
    signingInput: raw.slice(0, payloadEnd),
    signature: Buffer.from(raw.slice(payloadEnd + 1), 'base64url')
  }
}

/** The payload's JSON text of a token `decodeJwt` took apart before (a cached token presented again): no checks. */
export function verifiedPayloadJson (raw: string): string {
  const headerEnd = raw.indexOf('.')
  return utf8.decode(Buffer.from(raw.slice(headerEnd + 1, raw.indexOf('.', headerEnd + 1)), 'base64url'))
}

// fatal: an invalid sequence throws instead of becoming U+FFFD; ignoreBOM: a BOM stays in the text, to be refused.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const BOM = 0xfeff

function jsonObject (segment: string, part: string): { value: Record<string, unknown>, text: string } {
  let text: string
  try {
    text = utf8.decode(Buffer.from(segment, 'base64url'))
  } catch {
    throw new JwtShapeError(`the ${part} is not UTF-8`)
  }
  // RFC 8259 forbids a BOM in JSON sent over a network (JSON.parse refuses one anyway: said here, for the reader).
  if (text.charCodeAt(0) === BOM) throw new JwtShapeError(`the ${part} starts with a BOM`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new JwtShapeError(`the ${part} is not JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtShapeError(`the ${part} is not a JSON object`)
  if (memberNamesIn(text) !== membersOf(value, part)) throw new JwtShapeError(`the ${part} has a member name twice in one object`)
  return { value: value as Record<string, unknown>, text }
}

/**
 * How many member names the JSON text writes: every string followed by a colon. `text` is known to be valid JSON,
 * so every string ends. One indexOf per quote: a few microseconds for a Cognito token.
 */
export function memberNamesIn (text: string): number {
  let count = 0
  let at = text.indexOf('"')
  while (at !== -1) {
    // The closing quote: the next one not escaped (preceded by an even run of backslashes).
    let end = text.indexOf('"', at + 1)
    while (isEscaped(text, end)) end = text.indexOf('"', end + 1)
    let next = end + 1
    while (isJsonSpace(text.charCodeAt(next))) next += 1
    if (text.charCodeAt(next) === COLON) count += 1
    at = text.indexOf('"', next)
  }
  return count
}

/**
 * How many members the parsed value has, nested ones included: fewer than the text writes when a name was repeated.
 * Throws on a member that could reach a prototype once the claims are copied or merged: `__proto__` (JSON.parse makes
 * it an own member), or a `constructor` object with a `prototype`.
 */
function membersOf (value: unknown, part: string): number {
  if (typeof value !== 'object' || value === null) return 0
  let count = 0
  if (Array.isArray(value)) {
    for (const item of value) count += membersOf(item, part)
    return count
  }
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key]
    if (key === '__proto__' || (key === 'constructor' && typeof member === 'object' && member !== null && Object.hasOwn(member, 'prototype'))) {
      throw new JwtShapeError(`the ${part} has a ${key} member`)
    }
    count += 1 + membersOf(member, part)
  }
  return count
}

const BACKSLASH = 0x5c
const COLON = 0x3a

function isEscaped (text: string, quote: number): boolean {
  let backslashes = 0
  while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1
  return backslashes % 2 === 1
}

function isJsonSpace (code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09
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
