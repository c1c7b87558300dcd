/**
 * Local mode's stand-in for the legacy user service (LOCAL_LEGACY_USERS): a JSON file of users, served on a
 * loopback port by the contract the user-migration trigger speaks (triggers/README.md): `POST` with
 * `{ username, password? }` and `Authorization: Bearer <secret>` → 200 `{ attributes }`, 401 wrong password,
 * 404 no such user. The trigger itself asks it, over HTTP, as it asks the real service.
 *
 * The file: `[{ "username": "lee", "email": "lee@example.com", "attributes": { "given_name": "Lee" },
 * "passwordHash": "scrypt$16384$8$1$<salt>$<hash>" }]`, salt and hash in base64 (`npm run legacy-user`
 * prints one). Read once, at start. Passwords are compared through scrypt in constant time; none is ever logged.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'

type ScryptOptions = { N: number, r: number, p: number, maxmem: number }
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: ScryptOptions) => Promise<Buffer>

export interface LegacyUser {
  username: string
  email: string
  attributes?: Record<string, string>
  passwordHash: string
}

export interface LegacyStub {
  /** The user-migration trigger's settings pointing at this stub. */
  env: { LEGACY_USERS_URL: string, LEGACY_USERS_SECRET: string }
  close (): Promise<void>
}

interface ParsedHash { N: number, r: number, p: number, salt: Buffer, hash: Buffer }

const HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/

export function parseHash (text: string): ParsedHash | undefined {
  const match = HASH.exec(text)
  if (match === null) return undefined
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const salt = Buffer.from(match[4] ?? '', 'base64')
  const hash = Buffer.from(match[5] ?? '', 'base64')
  if (N < 2 || (N & (N - 1)) !== 0 || r < 1 || p < 1 || salt.length < 8 || hash.length < 16) return undefined
  return { N, r, p, salt, hash }
}

/** `scrypt$N$r$p$salt$hash` for a password (Node's scrypt defaults: N=16384, r=8, p=1; 16-byte salt, 32-byte hash). */
export async function hashPassword (password: string, { N = 16384, r = 8, p = 1 } = {}): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scryptAsync(password, salt, 32, { N, r, p, maxmem: maxmem(N, r) })
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`
}

export async function verifyPassword (password: string, parsed: ParsedHash): Promise<boolean> {
  const { N, r, p } = parsed
  const computed = await scryptAsync(password, parsed.salt, parsed.hash.length, { N, r, p, maxmem: maxmem(N, r) })
  return timingSafeEqual(computed, parsed.hash)
}

function maxmem (N: number, r: number): number {
  return 256 * N * r + 32 * 1024 * 1024
}

/** The users of the file, checked: a mistake in it stops the start with the entry's position, never a password. */
export async function readLegacyUsers (file: string): Promise<Map<string, { user: LegacyUser, hash: ParsedHash }>> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of users`)
  const users = new Map<string, { user: LegacyUser, hash: ParsedHash }>()
  parsed.forEach((entry: Partial<LegacyUser> | null, index) => {
    const hash = typeof entry?.passwordHash === 'string' ? parseHash(entry.passwordHash) : undefined
    if (typeof entry?.username !== 'string' || entry.username === '' || typeof entry.email !== 'string' || hash === undefined) {
      throw new Error(`${file}: user ${index} needs a username, an email and a passwordHash scrypt$N$r$p$salt$hash (base64)`)
    }
    users.set(entry.username, { user: entry as LegacyUser, hash })
  })
  return users
}

export async function startLegacyStub (file: string): Promise<LegacyStub> {
  const users = await readLegacyUsers(file)
  const secret = randomBytes(32).toString('base64url')
  const expected = Buffer.from(`Bearer ${secret}`)
  const server = createServer((request, response) => {
    const answer = (status: number, body?: object): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body))
    }
    const given = Buffer.from(request.headers.authorization ?? '')
    if (request.method !== 'POST' || given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(403)
    readBody(request).then(async text => {
      const body = JSON.parse(text) as { username?: unknown, password?: unknown }
      const found = typeof body.username === 'string' ? users.get(body.username) : undefined
      if (found === undefined) return answer(404)
      if (body.password !== undefined && (typeof body.password !== 'string' || !await verifyPassword(body.password, found.hash))) return answer(401)
      answer(200, { attributes: { ...found.user.attributes, email: found.user.email } })
    }).catch(() => answer(400))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    env: { LEGACY_USERS_URL: `http://127.0.0.1:${port}/users`, LEGACY_USERS_SECRET: secret },
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

async function readBody (request: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of request) {
    text += String(chunk)
    if (text.length > 16 * 1024) throw new Error('too long')
  }
  return text
}
