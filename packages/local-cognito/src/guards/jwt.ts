/**
 * The emulator's tokens, read and (re)signed here: cognito-local signs every
 * token with one static RSA key shipped in the package, so the local layer can
 * check a signature as Cognito would, and add the claims Cognito has and
 * cognito-local lacks (origin_jti). Local mode only: never trust this key
 * anywhere else.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { createRequire } from 'node:module'

export type Claims = Record<string, unknown>

interface KeyFile { jwk: JsonWebKey & { kid: string }, pem: string }

const require = createRequire(import.meta.url)
let keys: { private: KeyObject, public: KeyObject, kid: string } | undefined

/** The emulator's signing key, loaded on first use from the package (the same key its JWKS serves). */
function emulatorKeys (): NonNullable<typeof keys> {
  if (!keys) {
    const file = require('cognito-local/lib/keys/cognitoLocal.private.json') as KeyFile
    const privateKey = createPrivateKey(file.pem)
    keys = { private: privateKey, public: createPublicKey(privateKey), kid: file.jwk.kid }
  }
  return keys
}

/** The payload of a JWT, unverified; undefined if it is not one. */
export function decodeJwt (token: unknown): Claims | undefined {
  if (typeof token !== 'string') return undefined
  const part = token.split('.')[1]
  if (part === undefined) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? claims as Claims : undefined
  } catch {
    return undefined
  }
}

/** The payload, if the token is an RS256 JWT signed by the emulator's key; undefined otherwise. */
export function verifiedJwt (token: string): Claims | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [header, payload, signature] = parts as [string, string, string]
  let head: unknown
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  const { kid, public: key } = emulatorKeys()
  const h = head as { alg?: unknown, kid?: unknown }
  if (h?.alg !== 'RS256' || h.kid !== kid) return undefined
  const ok = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))
  return ok ? decodeJwt(token) : undefined
}

/** The token with `extra` claims added, signed again with the emulator's key (same header). */
export function withClaims (token: string, extra: Claims): string {
  const [header] = token.split('.')
  const claims = decodeJwt(token)
  if (header === undefined || claims === undefined) return token
  const payload = Buffer.from(JSON.stringify({ ...claims, ...extra })).toString('base64url')
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), emulatorKeys().private).toString('base64url')
  return `${header}.${payload}.${signature}`
}

/** Now, in the seconds JWT times use. */
export function nowSeconds (): number {
  return Math.floor(Date.now() / 1000)
}
