/**
 * A real JWKS endpoint on port 0 with a freshly generated RSA key: what a
 * user pool publishes, for tests that need tokens verified without starting
 * the emulator. `accessToken` signs one the app accepts; tests change claims
 * or the key to make one it must refuse.
 */
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export const POOL_ID = 'us-east-1_Mocked01'
export const CLIENT_ID = '3n4b5urk1ft4fl3mg5e62d9ado'
const KID = 'test-key-1'

export interface JwksServer {
  issuer: string
  /** The public key as the JWKS serves it. */
  publicJwk: Record<string, unknown>
  /** How many times the key set was fetched. */
  fetches (): number
  /** A signed JWT; header defaults to RS256 with this server's kid. */
  sign (payload: Record<string, unknown>, options?: { header?: Record<string, unknown>, key?: KeyObject }): string
  /**
   * Header and payload as exact JSON text (what `sign` cannot write: duplicate or `__proto__` keys, non-objects), or
   * exact bytes (not UTF-8), RS256-signed.
   */
  signRaw (payload: string | Buffer, header?: string | Buffer): string
  /** A valid access token for `username`; `claims` override any claim. */
  accessToken (username: string, claims?: Record<string, unknown>): string
  /** Publishes a new key (another kid) beside the others; it signs from now on. Returns its kid. */
  rotate (): string
  /** Takes the key `kid` out of the published set. */
  withdraw (kid: string): void
}

/** `maxAgeSeconds`: sent as Cache-Control max-age (none by default). */
export async function startJwksServer (t: { teardown (fn: () => unknown): void }, options: { maxAgeSeconds?: number } = {}): Promise<JwksServer> {
  const newKey = (kid: string) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } }
  }
  const first = newKey(KID)
  const jwk = first.jwk
  let privateKey = first.privateKey
  let kid = KID
  const published = [jwk]
  const cacheControl = options.maxAgeSeconds === undefined ? {} : { 'cache-control': `max-age=${options.maxAgeSeconds}` }
  let fetches = 0
  const server = createServer((request, response) => {
    if (request.url?.endsWith(`/${POOL_ID}/.well-known/jwks.json`) !== true) return response.writeHead(404).end()
    fetches += 1
    response.writeHead(200, { 'content-type': 'application/json', ...cacheControl }).end(JSON.stringify({ keys: published }))
  })
  t.teardown(() => new Promise<void>(resolve => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL_ID}`

  const sign: JwksServer['sign'] = (payload, options = {}) => {
    const header = { alg: 'RS256', kid, ...options.header }
    const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url')
    const input = `${encode(header)}.${encode(payload)}`
    const signature = header.alg === 'none' ? '' : createSign('RSA-SHA256').update(input).sign(options.key ?? privateKey).toString('base64url')
    return `${input}.${signature}`
  }

  const signRaw: JwksServer['signRaw'] = (payload, header = JSON.stringify({ alg: 'RS256', kid })) => {
    const encode = (part: string | Buffer) => (typeof part === 'string' ? Buffer.from(part) : part).toString('base64url')
    const input = `${encode(header)}.${encode(payload)}`
    return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`
  }

  return {
    issuer,
    publicJwk: jwk,
    fetches: () => fetches,
    sign,
    signRaw,
    accessToken (username, claims = {}) {
      const now = Math.floor(Date.now() / 1000)
      return sign({
        sub: randomUUID(),
        client_id: CLIENT_ID,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        username,
        auth_time: now,
        iat: now,
        exp: now + 3600,
        jti: randomUUID(),
        iss: issuer,
        ...claims
      })
    },
    rotate () {
      const next = newKey(`test-key-${published.length + 1}`)
      published.push(next.jwk)
      privateKey = next.privateKey
      kid = next.jwk.kid
      return kid
    },
    withdraw (withdrawn) {
      const at = published.findIndex(key => key.kid === withdrawn)
      if (at !== -1) published.splice(at, 1)
    }
  }
}
