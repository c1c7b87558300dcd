/** sameSecret: equality of two strings in constant time, used for state nonces, OIDC nonces and hand-off site secrets. */
import t from 'tap'
import { sameSecret } from '../../src/oauth/login-attempt.js'

const SECRET = 'f3a9c1e07b2d4c58a6e1f0b9d2c3a4e5'

t.test('sameSecret: a table of equal and unequal pairs, each checked both ways round', async t => {
  const cases: Array<{ name: string, a: string, b: string, same: boolean }> = [
    { name: 'identical', a: SECRET, b: SECRET, same: true },
    { name: 'identical, unicode', a: 'clé-secrète-🔑', b: 'clé-secrète-🔑', same: true },
    // Both empty are equal strings; no caller holds an empty one (hand-off secrets are 32+ characters by config, nonces generated).
    { name: 'both empty', a: '', b: '', same: true },
    { name: 'last character differs', a: SECRET, b: SECRET.slice(0, -1) + '6', same: false },
    { name: 'first character differs', a: SECRET, b: '0' + SECRET.slice(1), same: false },
    { name: 'case differs', a: 'abcdef', b: 'ABCDEF', same: false },
    // A comparison over the shorter length only would call these equal.
    { name: 'a prefix', a: SECRET, b: SECRET.slice(0, 16), same: false },
    { name: 'one character more', a: SECRET, b: SECRET + 'x', same: false },
    { name: 'empty against one character', a: '', b: 'a', same: false },
    { name: 'empty against the secret', a: '', b: SECRET, same: false },
    { name: 'trailing space', a: SECRET, b: SECRET + ' ', same: false },
    { name: 'trailing NUL', a: SECRET, b: SECRET + '\u0000', same: false },
    // Same number of UTF-16 units, different number of UTF-8 bytes: a check on string length would let timingSafeEqual throw.
    { name: 'same string length, different byte length', a: 'aé', b: 'ab', same: false },
    // Same byte length, different bytes.
    { name: 'é against ab (two bytes each)', a: 'é', b: 'ab', same: false },
    // Compared as bytes: no Unicode normalisation.
    { name: 'precomposed é against e + combining accent', a: '\u00e9', b: 'e\u0301', same: false }
  ]
  t.equal(cases.length, 15)
  for (const { name, a, b, same } of cases) {
    t.equal(sameSecret(a, b), same, `${name}: ${same ? 'same' : 'different'}`)
    t.equal(sameSecret(b, a), same, `${name}, swapped`)
  }
})

t.test('sameSecret never throws, whatever the lengths', async t => {
  const values = ['', 'a', 'é', '🔑', SECRET, SECRET.repeat(100)]
  let pairs = 0
  for (const a of values) {
    for (const b of values) {
      t.doesNotThrow(() => sameSecret(a, b))
      pairs++
    }
  }
  t.equal(pairs, 36)
})
