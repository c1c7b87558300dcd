import t from 'tap'
import { secretHash } from '../../src/cognito/secret-hash.js'

// Vectors computed outside Node, e.g.:
//   printf 'aliceclient123' | openssl dgst -sha256 -hmac 'secret' -binary | base64
const VECTORS = [
  { username: 'alice', clientId: 'client123', secret: 'secret', expected: 'oKHO337pkuh1r3zUNCZ1oCL3YgM0Yi2nkcAZsKQTIH8=' },
  { username: 'alice1example', clientId: '23456789', secret: 'secret', expected: 'SRSokfDPYgNH3Tm3eRbqKCsFZg9Ia07+tqRIgXhLH5s=' },
  // Non-ASCII username: hashed as UTF-8 bytes; a realistic 26-char client id and 45-char secret.
  {
    username: 'José@example.com',
    clientId: '3n4b5urk1ft4fl3mg5e62d9ado',
    secret: 'k9f7v3lr5q0c2t1s8hq6a4mne0p2b9u7x1y3z5w8d0g2',
    expected: 'dsjksa6fjgANbMBpwdAt5FZvHa33jOxYA9KSaTFE9MY='
  }
]

t.test('secretHash matches HMAC-SHA256(secret, username + clientId) computed with openssl', async t => {
  for (const { username, clientId, secret, expected } of VECTORS) {
    t.equal(secretHash(username, clientId, secret), expected, `${username} / ${clientId}`)
  }
})

t.test('secretHash is keyed by the secret and binds both username and client id', async t => {
  const base = secretHash('alice', 'client123', 'secret')
  t.not(secretHash('alice', 'client123', 'Secret'), base, 'another secret')
  t.not(secretHash('alicf', 'client123', 'secret'), base, 'another username')
  t.not(secretHash('alice', 'client124', 'secret'), base, 'another client id')
  t.match(base, /^[A-Za-z0-9+/]{43}=$/, 'standard base64 of 32 bytes, padded')
})
