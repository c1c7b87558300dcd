/**
 * Cookie sealing: AES-256-GCM, so a sealed value is both secret and tamper-proof.
 * Keys are derived per purpose with HKDF from the configured secrets; the first
 * secret seals, every secret unseals (rotation). The purpose (the cookie name)
 * is authenticated too, so one cookie's value cannot be replayed as another.
 *
 * Format: `v1.<base64url(iv[12] | ciphertext | tag[16])>`, unpadded. Only that
 * exact encoding unseals: Node's base64url decoder skips characters it does
 * not know, so `value!!`, a `.` inside, the `+`/`/` alphabet or `=` padding
 * would otherwise decode to the same bytes.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1.'
const IV_BYTES = 12
const TAG_BYTES = 16
const BASE64URL = /^[A-Za-z0-9_-]+$/

export interface Sealer {
  seal (purpose: string, plaintext: string): string
  /** The plaintext, or undefined when the value is malformed, tampered or sealed with an unknown key. */
  unseal (purpose: string, sealed: string): string | undefined
}

export function createSealer (secrets: readonly string[]): Sealer {
  if (secrets.length === 0) throw new Error('createSealer needs at least one secret')
  const keyCache = new Map<string, Buffer[]>()
  const keysFor = (purpose: string): Buffer[] => {
    let keys = keyCache.get(purpose)
    if (!keys) {
      keys = secrets.map(secret => Buffer.from(hkdfSync('sha256', secret, 'cognito-bff', `cookie:${purpose}`, 32)))
      keyCache.set(purpose, keys)
    }
    return keys
  }

  return {
    seal (purpose, plaintext) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', keysFor(purpose)[0]!, iv)
      cipher.setAAD(Buffer.from(purpose))
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
    },

    unseal (purpose, sealed) {
      if (!sealed.startsWith(VERSION)) return undefined
      const encoded = sealed.slice(VERSION.length)
      if (!BASE64URL.test(encoded)) return undefined
      const raw = Buffer.from(encoded, 'base64url')
      // A trailing character that carries extra bits also decodes to the same bytes.
      if (raw.length < IV_BYTES + TAG_BYTES || raw.toString('base64url') !== encoded) return undefined
      const iv = raw.subarray(0, IV_BYTES)
      const tag = raw.subarray(raw.length - TAG_BYTES)
      const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES)
      for (const key of keysFor(purpose)) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, iv)
          decipher.setAAD(Buffer.from(purpose))
          decipher.setAuthTag(tag)
          return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
        } catch {
          // wrong key or tampered: try the next key
        }
      }
      return undefined
    }
  }
}
