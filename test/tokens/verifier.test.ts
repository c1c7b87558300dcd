/**
 * The verifier's answers, one per kind of token, against a real JWKS server
 * with a real key pair and the real memory store: the identity, or the
 * refusal a caller branches on.
 */
import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { createMemoryStore } from '../../src/store/memory-store.js'
import { createTokenVerifier } from '../../src/tokens/verifier.js'
import { CLIENT_ID, startJwksServer } from '../helpers/jwks-server.js'

const jwks = await startJwksServer(t)
const store = createMemoryStore()
const verifier = createTokenVerifier({
  pool: { issuer: jwks.issuer, jwksUri: `${jwks.issuer}/.well-known/jwks.json`, clientId: CLIENT_ID },
  timeoutMs: 1000,
  store
})
const now = Math.floor(Date.now() / 1000)

t.test('a good access token gives the identity', async t => {
  const token = jwks.accessToken('alice', {
    sub: 'sub-alice',
    'cognito:groups': ['admins'],
    scope: 'openid aws.cognito.signin.user.admin',
    jti: 'jti-good'
  })
  const result = await verifier.verify(token, 'access')
  t.match(result, {
    ok: true,
    token: {
      sub: 'sub-alice',
      username: 'alice',
      tokenUse: 'access',
      groups: ['admins'],
      scope: ['openid', 'aws.cognito.signin.user.admin'],
      jti: 'jti-good'
    }
  })
  t.ok(verifier.isHydrated(), 'a verification loads the JWKS')
})

const refusals: Array<[string, string, 'expired' | 'invalid']> = [
  ['expired', jwks.accessToken('alice', { iat: now - 7200, exp: now - 3600 }), 'expired'],
  ['another issuer', jwks.accessToken('alice', { iss: 'http://127.0.0.1:1/us-east-1_Other' }), 'invalid'],
  ['another app client', jwks.accessToken('alice', { client_id: 'someoneelse' }), 'invalid'],
  ['an ID token where an access token is expected', jwks.accessToken('alice', { token_use: 'id', aud: CLIENT_ID }), 'invalid'],
  [
    'signed by another key with the same kid',
    jwks.sign({ ...claimsOf(jwks.accessToken('alice')) }, { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
    'invalid'
  ],
  ['alg none', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { alg: 'none' } }), 'invalid'],
  ['not a JWT', 'abc.def.ghi', 'invalid'],
  ['no exp (it would never expire)', jwks.sign(withoutClaim(jwks.accessToken('alice'), 'exp')), 'invalid'],
  ['no iat', jwks.sign(withoutClaim(jwks.accessToken('alice'), 'iat')), 'invalid'],
  ['iat in the future', jwks.accessToken('alice', { iat: now + 600, exp: now + 4200 }), 'invalid'],
  ['a crit header this verifier does not understand', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { crit: ['exp'] } }), 'invalid']
]
for (const [name, token, refusal] of refusals) {
  t.test(`refused as ${refusal}: ${name}`, async t => {
    t.match(await verifier.verify(token, 'access'), { ok: false, refusal })
  })
}

t.test('a little clock skew on iat is fine', async t => {
  t.match(await verifier.verify(jwks.accessToken('alice', { iat: now + 30 }), 'access'), { ok: true })
})

t.test('an ID token is good as an ID token only', async t => {
  const id = jwks.sign({
    ...claimsOf(jwks.accessToken('alice')),
    token_use: 'id',
    aud: CLIENT_ID,
    client_id: undefined,
    'cognito:username': 'alice',
    username: undefined
  })
  t.match(await verifier.verify(id, 'id'), { ok: true, token: { tokenUse: 'id', username: 'alice' } })
  t.match(await verifier.verify(id, 'access'), { ok: false, refusal: 'invalid' })
})

t.test('a revoked token is refused as revoked; others of the same user are not', async t => {
  const token = jwks.accessToken('bob', { sub: 'sub-bob', jti: 'jti-revoke-me' })
  const other = jwks.accessToken('bob', { sub: 'sub-bob', jti: 'jti-keep-me' })
  const first = await verifier.verify(token, 'access')
  if (!first.ok) throw new Error('control token refused')
  await verifier.revoke(first.token)
  t.match(await verifier.verify(token, 'access'), { ok: false, refusal: 'revoked' })
  t.match(await verifier.verify(other, 'access'), { ok: true })
})

t.test('after "signed out everywhere", tokens issued before it are revoked; later ones are good', async t => {
  const before = jwks.accessToken('carol', { sub: 'sub-carol', iat: now - 10 })
  const after = jwks.accessToken('carol', { sub: 'sub-carol', iat: now + 1 })
  await store.markSignedOut('sub-carol', now, now + 3600)
  t.match(await verifier.verify(before, 'access'), { ok: false, refusal: 'revoked' })
  t.match(await verifier.verify(after, 'access'), { ok: true })
})

t.test('both issuer formats of an AWS pool are accepted, each against its own JWKS URL; a third is not', async t => {
  const updated = jwks.issuer.replace('127.0.0.1', 'localhost')
  const both = createTokenVerifier({
    pool: {
      issuer: jwks.issuer,
      jwksUri: `${jwks.issuer}/.well-known/jwks.json`,
      alternateIssuer: { issuer: updated, jwksUri: `${updated}/.well-known/jwks.json` },
      clientId: CLIENT_ID
    },
    timeoutMs: 1000,
    store
  })
  t.match(await both.verify(jwks.accessToken('alice'), 'access'), { ok: true }, 'the original format')
  t.match(await both.verify(jwks.accessToken('alice', { iss: updated }), 'access'), { ok: true }, 'the updated format')
  t.match(await verifier.verify(jwks.accessToken('alice', { iss: updated }), 'access'), { ok: false, refusal: 'invalid' }, 'not without it')
  t.match(await both.verify(jwks.accessToken('alice', { iss: `${updated}x` }), 'access'), { ok: false, refusal: 'invalid' }, 'a third issuer')
})

t.test('an unreachable JWKS is "unavailable", not the token\'s fault', async t => {
  const offline = createTokenVerifier({
    pool: { issuer: jwks.issuer, jwksUri: 'http://127.0.0.1:1/jwks.json', clientId: CLIENT_ID },
    timeoutMs: 300,
    store
  })
  t.match(await offline.verify(jwks.accessToken('alice'), 'access'), { ok: false, refusal: 'unavailable' })
  await t.rejects(offline.hydrate())
  t.equal(offline.isHydrated(), false)
})

function withoutClaim (jwt: string, name: string): Record<string, unknown> {
  const { [name]: _dropped, ...rest } = claimsOf(jwt)
  return rest
}

function claimsOf (jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString())
}
