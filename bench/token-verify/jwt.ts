/**
 * What the token benchmark signs with and serves: RSA keys, RS256 access
 * tokens shaped like Cognito's, and a JWKS endpoint that counts its fetches
 * (by the `?c=` tag each contender adds to its JWKS URL; get-jwks fetches the
 * bare path). The same approach as test/helpers/jwks-server.ts, copied so the
 * benchmark does not depend on test code.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export const POOL_ID = 'us-east-1_Bench01'
export const CLIENT_ID = '5b2nch6cl13nt1dabcdefghij0'
/** The issuer cognito-express insists on (it builds it from region and pool id). */
export const AWS_ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicJwk: Record<string, unknown>
}

export function makeKey (kid: string, modulusLength: number): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength })
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } }
}

const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url')

/** An RS256 JWT over `payload`. */
export function signJwt (key: Pick<SigningKey, 'kid' | 'privateKey'>, payload: Record<string, unknown>): string {
  const input = `${encode({ kid: key.kid, alg: 'RS256' })}.${encode(payload)}`
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
}

/** The claims of a Cognito access token (what the service requires, plus what Cognito adds), valid for an hour. */
export function accessClaims (issuer: string, username: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return {
    sub: randomUUID(),
    iss: issuer,
    version: 2,
    client_id: CLIENT_ID,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    exp: now + 3600,
    iat: now,
    jti: randomUUID(),
    username
  }
}

export interface JwksServer {
  server: Server
  /** http://127.0.0.1:PORT/POOL_ID: the issuer every contender but cognito-express checks. */
  issuer: string
  /** The JWKS URL with a tag, so fetches are counted per contender. */
  jwksUri (tag: string): string
  /** Fetches so far, by tag ('get-jwks' for untagged ones), and in all. */
  fetches (): { total: number, byTag: Record<string, number> }
  close (): Promise<void>
}

export async function startJwksServer (keys: SigningKey[]): Promise<JwksServer> {
  const body = JSON.stringify({ keys: keys.map(key => key.publicJwk) })
  const byTag: Record<string, number> = {}
  let total = 0
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== `/${POOL_ID}/.well-known/jwks.json`) return response.writeHead(404).end()
    const tag = url.searchParams.get('c') ?? 'get-jwks'
    byTag[tag] = (byTag[tag] ?? 0) + 1
    total += 1
    response.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL_ID}`
  return {
    server,
    issuer,
    jwksUri: tag => `${issuer}/.well-known/jwks.json?c=${tag}`,
    fetches: () => ({ total, byTag: { ...byTag } }),
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}
