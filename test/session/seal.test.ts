import t from 'tap'
import { createSealer } from '../../src/session/seal.js'

const KEY_A = 'a'.repeat(32)
const KEY_B = 'b'.repeat(32)

t.test('seals and unseals; the sealed value does not show the plaintext', async t => {
  const sealer = createSealer([KEY_A])
  const sealed = sealer.seal('bff_refresh', 'my-refresh-token')
  t.match(sealed, /^v1\.[\w-]+$/)
  t.notMatch(sealed, 'my-refresh-token')
  t.equal(sealer.unseal('bff_refresh', sealed), 'my-refresh-token')
  t.not(sealer.seal('bff_refresh', 'my-refresh-token'), sealed, 'a fresh IV every time')
})

t.test('refuses tampering, another purpose, another key, and junk', async t => {
  const sealer = createSealer([KEY_A])
  const sealed = sealer.seal('bff_access', 'token')
  const raw = Buffer.from(sealed.slice(3), 'base64url')
  raw[14] = raw[14]! ^ 1
  t.equal(sealer.unseal('bff_access', 'v1.' + raw.toString('base64url')), undefined, 'flipped bit')
  t.equal(sealer.unseal('bff_refresh', sealed), undefined, 'one cookie cannot stand in for another')
  t.equal(createSealer([KEY_B]).unseal('bff_access', sealed), undefined, 'another key')
  for (const junk of ['', 'v1.', 'v1.AAAA', 'v2.' + sealed.slice(3), 'eyJhbGciOiJSUzI1NiJ9.e30.sig']) {
    t.equal(sealer.unseal('bff_access', junk), undefined, `junk ${JSON.stringify(junk.slice(0, 12))}`)
  }
})

t.test('rotation: the first key seals, every key unseals', async t => {
  const old = createSealer([KEY_A]).seal('bff_id', 'id-token')
  const rotated = createSealer([KEY_B, KEY_A])
  t.equal(rotated.unseal('bff_id', old), 'id-token')
  t.equal(createSealer([KEY_B]).unseal('bff_id', rotated.seal('bff_id', 'new')), 'new')
})

t.test('only the exact encoding unseals: no junk characters, other alphabets, padding or spare bits', async t => {
  // Every case runs: none can silently drop out again (4 checks, then 2 per variant).
  t.plan(4 + 2 * 6)
  const sealer = createSealer([KEY_A])
  // 7 bytes of plaintext seal to 12 + 7 + 16 = 35 bytes, not a multiple of 3: the last base64url
  // character carries 4 bits the bytes do not use, so a sibling encoding of the same bytes exists.
  const plaintext = 'token-7'
  // A value whose encoding uses the url-safe characters, so the standard alphabet spells it differently.
  let sealed = sealer.seal('bff_access', plaintext)
  while (!/[-_]/.test(sealed.slice(3))) sealed = sealer.seal('bff_access', plaintext)
  const body = sealed.slice(3)
  t.equal(Buffer.from(body, 'base64url').length % 3, 2, 'the sealed bytes leave spare bits in the last character')
  const standard = Buffer.from(body, 'base64url').toString('base64')
  const variants: Record<string, string> = {
    'trailing junk': `${sealed}!!`,
    'a dot inside': `v1.${body.slice(0, 10)}.${body.slice(10)}`,
    'standard alphabet and padding': `v1.${standard}`,
    'padding added': `${sealed}${'='.repeat((4 - (body.length % 4)) % 4 || 4)}`,
    'a space inside': `v1.${body.slice(0, 10)} ${body.slice(10)}`
  }
  // The last character of an unpadded base64url string may carry bits the bytes do not use.
  const last = body.at(-1)!
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const sibling = [...alphabet].find(c => c !== last && Buffer.from(body.slice(0, -1) + c, 'base64url').equals(Buffer.from(body, 'base64url')))
  t.not(sibling, undefined, 'a sibling encoding of the same bytes exists')
  variants['spare bits set in the last character'] = `v1.${body.slice(0, -1)}${sibling}`
  t.equal(Object.keys(variants).length, 6, 'six non-canonical variants')
  t.equal(sealer.unseal('bff_access', sealed), plaintext, 'control: the exact value unseals')
  for (const [name, variant] of Object.entries(variants)) {
    t.not(variant, sealed)
    t.equal(sealer.unseal('bff_access', variant), undefined, name)
  }
})
