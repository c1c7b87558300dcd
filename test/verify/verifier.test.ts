/**
 * The verifier's answers, one per kind of token, against a real JWKS server
 * with a real key pair and the real memory store: the identity, or the
 * refusal a caller branches on.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { createMemoryStore } from '../../src/store/memory-store.js'
import { createTokenVerifier } from '../../src/verify/verifier.js'
import { CLIENT_ID, startJwksServer } from '../helpers/jwks-server.js'
import { JWKS_TIMEOUT_MS, LATE_MS, NEVER_ANSWERS_TIMEOUT_MS, until } from '../helpers/timeouts.js'

const jwks = await startJwksServer(t)
const store = createMemoryStore()
const verifier = createTokenVerifier({
  pool: { issuer: jwks.issuer, jwksUri: `${jwks.issuer}/.well-known/jwks.json`, clientId: CLIENT_ID },
  timeoutMs: JWKS_TIMEOUT_MS,
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
  t.equal(verifier.jwksStatus(), 'ok', 'a verification loads the JWKS')
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
  ['a crit header this verifier does not understand', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { crit: ['exp'] } }), 'invalid'],
  ['alg NONE (casing)', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { alg: 'NONE' } }), 'invalid'],
  ['alg None, signature dropped', unsigned(jwks.accessToken('alice'), 'None'), 'invalid'],
  ['HS256 signed with the RSA public key as the secret', hs256WithPublicKey(jwks.accessToken('alice')), 'invalid'],
  ['RS512 (a pool key with another algorithm)', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { alg: 'RS512' } }), 'invalid'],
  ['a kid the JWKS does not have', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { kid: 'someone-elses-key' } }), 'invalid'],
  ['an embedded jwk header', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } } }), 'invalid'],
  ['a jku header', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { jku: 'https://evil.example.net/jwks.json' } }), 'invalid'],
  ['an x5u header', jwks.sign(claimsOf(jwks.accessToken('alice')), { header: { x5u: 'https://evil.example.net/cert.pem' } }), 'invalid'],
  ['not valid yet (nbf ahead)', jwks.accessToken('alice', { nbf: now + 600 }), 'invalid'],
  ['a tampered payload', tamper(jwks.accessToken('alice')), 'invalid'],
  ['truncated', jwks.accessToken('alice').slice(0, -10), 'invalid'],
  ['an extra segment', `${jwks.accessToken('alice')}.abc`, 'invalid'],
  ['oversized (over 16 kB)', jwks.accessToken('alice', { padding: 'x'.repeat(17_000) }), 'invalid'],
  ['garbage', '\u0000not a token at all', 'invalid'],
  ['a __proto__ claim, correctly signed', withRawPayload(jwks.accessToken('alice'), ',"__proto__":{"admin":true}}'), 'invalid'],
  ['a constructor claim, correctly signed', withRawPayload(jwks.accessToken('alice'), ',"constructor":{"prototype":{"admin":true}}}'), 'invalid'],
  ['a __proto__ claim written with escapes', withRawPayload(jwks.accessToken('alice'), ',"\\u005f_proto\\u005F_":{"admin":true}}'), 'invalid'],
  ['a __proto__ member inside a claim', withRawPayload(jwks.accessToken('alice'), ',"custom:x":[{"__proto__":{"admin":true}}]}'), 'invalid'],
  ['a constructor.prototype inside a claim', withRawPayload(jwks.accessToken('alice'), ',"custom:x":{"constructor":{"prototype":{}}}}'), 'invalid'],
  ['a __proto__ header', jwks.signRaw(JSON.stringify(claimsOf(jwks.accessToken('alice'))), '{"alg":"RS256","kid":"test-key-1","__proto__":{}}'),
    'invalid'],
  ['base64 padding in a segment', `${jwks.accessToken('alice')}=`, 'invalid'],
  ['a header that is not a JSON object', jwks.signRaw(JSON.stringify(claimsOf(jwks.accessToken('alice'))), '"RS256"'), 'invalid'],
  ['a payload that is a JSON array', jwks.signRaw('[1,2]'), 'invalid'],
  ['empty', '', 'invalid']
]
for (const [name, token, refusal] of refusals) {
  t.test(`refused as ${refusal}: ${name}`, async t => {
    t.match(await verifier.verify(token, 'access'), { ok: false, refusal })
  })
}

t.test('the control for the hand-written refusals: the same claims, signed the same way, are good', async t => {
  t.match(await verifier.verify(jwks.signRaw(JSON.stringify(claimsOf(jwks.accessToken('alice')))), 'access'), { ok: true })
  // Only a constructor that carries a prototype could reach one: a claim of that name with any other value is a claim.
  const harmless = withRawPayload(jwks.accessToken('alice'), ',"constructor":"x","custom:y":{"constructor":{}}}')
  t.match(await verifier.verify(harmless, 'access'), { ok: true })
})

/**
 * Time claims that are not a time (issue 19): JSON text, since 1e999 has no JavaScript number to write (it parses to
 * Infinity). Each is correctly signed; the control is the same token with the claim as Cognito writes it.
 */
const NOT_TIMES = ['1e13', '1e300', '1e999', '-1', '1.5', '"123"', 'null']
const TIME_CLAIMS = ['exp', 'iat', 'auth_time', 'nbf']
for (const claim of TIME_CLAIMS) {
  t.test(`${claim}: a time Cognito would write is good; one a Date cannot hold, or not a whole second, is invalid`, async t => {
    const claims = { ...claimsOf(jwks.accessToken('alice')), nbf: now - 10 }
    t.match(await verifier.verify(jwks.signRaw(JSON.stringify(claims)), 'access'), { ok: true }, 'the control')
    for (const text of NOT_TIMES) {
      const token = withClaimText(claims, claim, text)
      t.match(await verifier.verify(token, 'access'), { ok: false, refusal: 'invalid' }, `${claim}: ${text}`)
    }
  })
}

/**
 * Strict parsing (issue 19): claims that name someone or something are strings; header and payload are UTF-8 and
 * name each member once. Each token is correctly signed; the control has the same awkward-but-valid JSON (escaped
 * quotes and backslashes, a member name repeated in two objects of an array, escapes that spell another name).
 */
const base = () => ({ ...claimsOf(jwks.accessToken('alice')) })
const json = (claims: Record<string, unknown>) => JSON.stringify(claims)
const HEADER = '{"alg":"RS256","kid":"test-key-1"}'
const strictControl = json(base()).slice(0, -1) + ',"note":"ends in a backslash\\\\","q\\"uote":"a\\":b","list":[{"k":1},{"k":2}],"\\u0073u":1}'
/** The good claims as JSON text with `before`, the raw `bytes` and `after` in place of the closing brace. */
const withBytes = (before: string, bytes: number[], after: string) =>
  Buffer.concat([Buffer.from(json(base()).slice(0, -1) + before), Buffer.from(bytes), Buffer.from(after)])
const strictRefusals: Array<[string, string | Buffer, (string | Buffer)?]> = [
  ['sub a number', json({ ...base(), sub: 42 })],
  ['sub null', json({ ...base(), sub: null })],
  ['sub an array', json({ ...base(), sub: ['a', 'b'] })],
  ['sub missing', json({ ...base(), sub: undefined })],
  ['sub empty', json({ ...base(), sub: '' })],
  ['username a number', json({ ...base(), username: 1 })],
  ['username an array', json({ ...base(), username: ['admin'] })],
  ['cognito:username an object', json({ ...base(), 'cognito:username': { name: 'admin' } })],
  ['client_id a number (ID token, where aud is the client)',
    json({ ...base(), token_use: 'id', aud: CLIENT_ID, client_id: 7, 'cognito:username': 'alice', username: undefined })],
  ['token_use an array', json({ ...base(), token_use: ['access'] })],
  ['jti a number', json({ ...base(), jti: 12345 })],
  ['jti null', json({ ...base(), jti: null })],
  ['origin_jti an object', json({ ...base(), origin_jti: { session: 1 } })],
  ['origin_jti an array', json({ ...base(), origin_jti: ['s1', 's2'] })],
  ['payload not UTF-8 (0xFF in a claim)', withBytes(',"note":"a', [0xff], 'b"}')],
  ['payload not UTF-8 (overlong "/")', withBytes(',"note":"a', [0xc0, 0xaf], 'b"}')],
  ['payload not UTF-8 (an encoded surrogate)', withBytes(',"note":"', [0xed, 0xa0, 0x80], '"}')],
  ['payload not UTF-8 (truncated sequence in a name)', withBytes(',"n', [0xe2, 0x82], '":1}')],
  ['header not UTF-8', json(base()), Buffer.concat([Buffer.from('{"alg":"RS256","kid":"test-key-1","x":"'), Buffer.from([0xfe]), Buffer.from('"}')])],
  ['a BOM before the payload', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json(base()))])],
  ['sub twice (the last one wins in JSON.parse)', json(base()).slice(0, -1) + ',"sub":"someone-else"}'],
  ['username twice', json(base()).slice(0, -1) + ',"username":"admin"}'],
  ['exp twice', json(base()).slice(0, -1) + ',"exp":99999999999}'],
  ['a name twice, once escaped', json(base()).slice(0, -1) + ',"\\u0073ub":"someone-else"}'],
  ['a name twice in a nested object', json(base()).slice(0, -1) + ',"address":{"street":"a","street":"b"}}'],
  ['a name twice in an object inside an array', json(base()).slice(0, -1) + ',"list":[{"k":1,"k":2}]}'],
  ['a name twice with whitespace around the colon', json(base()).slice(0, -1) + ' , "username" \n : "admin" }'],
  ['alg twice in the header', json(base()), '{"alg":"none","kid":"test-key-1","alg":"RS256"}'],
  ['kid twice in the header', json(base()), '{"alg":"RS256","kid":"another-key","kid":"test-key-1"}']
]

t.test('strict parsing, the control: awkward but valid JSON, correctly signed, is good', async t => {
  t.match(await verifier.verify(jwks.signRaw(strictControl, HEADER), 'access'), { ok: true, token: { username: 'alice' } })
})

for (const [name, payload, header] of strictRefusals) {
  t.test(`strict parsing, refused as invalid: ${name}`, async t => {
    t.match(await verifier.verify(jwks.signRaw(payload, header ?? HEADER)), { ok: false, refusal: 'invalid' })
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
    timeoutMs: JWKS_TIMEOUT_MS,
    store
  })
  t.match(await both.verify(jwks.accessToken('alice'), 'access'), { ok: true }, 'the original format')
  t.match(await both.verify(jwks.accessToken('alice', { iss: updated }), 'access'), { ok: true }, 'the updated format')
  t.match(await verifier.verify(jwks.accessToken('alice', { iss: updated }), 'access'), { ok: false, refusal: 'invalid' }, 'not without it')
  t.match(await both.verify(jwks.accessToken('alice', { iss: `${updated}x` }), 'access'), { ok: false, refusal: 'invalid' }, 'a third issuer')
})

t.test('an unreachable JWKS is "unavailable", not the token\'s fault', async t => {
  // Connection refused: an answer at once, whatever the timeout.
  const offline = createTokenVerifier({
    pool: { issuer: jwks.issuer, jwksUri: 'http://127.0.0.1:1/jwks.json', clientId: CLIENT_ID },
    timeoutMs: JWKS_TIMEOUT_MS,
    store
  })
  t.match(await offline.verify(jwks.accessToken('alice'), 'access'), { ok: false, refusal: 'unavailable' })
  await t.rejects(offline.hydrate())
  t.equal(offline.jwksStatus(), 'missing')
})

t.test('a JWKS that never answers is "unavailable" once the timeout has passed', async t => {
  // The server accepts and never answers, so the timeout is the only way out: a short one cannot lose a race.
  const held: ServerResponse[] = []
  const silent = createServer((_request, response) => { held.push(response) })
  t.teardown(() => new Promise<void>(resolve => { silent.closeAllConnections(); silent.close(() => resolve()) }))
  await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
  const jwksUri = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/jwks.json`
  const hanging = createTokenVerifier({ pool: { issuer: jwks.issuer, jwksUri, clientId: CLIENT_ID }, timeoutMs: NEVER_ANSWERS_TIMEOUT_MS, store })
  const started = performance.now()
  t.match(await hanging.verify(jwks.accessToken('alice'), 'access'), { ok: false, refusal: 'unavailable' })
  const ms = performance.now() - started
  t.ok(ms >= NEVER_ANSWERS_TIMEOUT_MS - 50 && ms < NEVER_ANSWERS_TIMEOUT_MS + LATE_MS, `after the timeout (${Math.round(ms)} ms)`)
  t.equal(held.length, 1, 'the one request was held')
  t.equal(hanging.jwksStatus(), 'missing')
})

t.test('tokens of the other app clients listed are good; the skew is configurable', async t => {
  const cms = createTokenVerifier({
    pool: { issuer: jwks.issuer, jwksUri: `${jwks.issuer}/.well-known/jwks.json`, clientId: CLIENT_ID },
    otherClientIds: ['cmsclient'],
    clockSkewSeconds: 0,
    timeoutMs: JWKS_TIMEOUT_MS,
    store
  })
  t.match(await cms.verify(jwks.accessToken('alice', { client_id: 'cmsclient' }), 'access'), { ok: true, token: { clientId: 'cmsclient' } })
  t.match(await cms.verify(jwks.accessToken('alice'), 'access'), { ok: true, token: { clientId: CLIENT_ID } })
  t.match(await verifier.verify(jwks.accessToken('alice', { client_id: 'cmsclient' }), 'access'), { ok: false, refusal: 'invalid' })
  t.match(await cms.verify(jwks.accessToken('alice', { iat: now + 30 }), 'access'), { ok: false, refusal: 'invalid' }, 'no skew: iat ahead refused')
})

t.test('revoking one token of a session refuses every token of it (origin_jti)', async t => {
  const first = jwks.accessToken('dave', { sub: 'sub-dave', jti: 'a1', origin_jti: 'session-1' })
  const refreshed = jwks.accessToken('dave', { sub: 'sub-dave', jti: 'a2', origin_jti: 'session-1' })
  const otherSession = jwks.accessToken('dave', { sub: 'sub-dave', jti: 'a3', origin_jti: 'session-2' })
  for (const token of [first, refreshed, otherSession]) t.match(await verifier.verify(token, 'access'), { ok: true })
  const latest = await verifier.verify(refreshed, 'access')
  if (!latest.ok) throw new Error('control token refused')
  await verifier.revoke(latest.token)
  t.match(await verifier.verify(first, 'access'), { ok: false, refusal: 'revoked' }, 'the token from before the refresh')
  t.match(await verifier.verify(otherSession, 'access'), { ok: true }, 'another session of the same user')
})

t.test('an ID token beside its session\'s access token needs no second revocation lookup; any other pairing looks up its own', async t => {
  const server = await startJwksServer(t)
  const store = createMemoryStore()
  let lookups = 0
  const counted = Object.assign(Object.create(store) as typeof store, {
    isRevoked: async (token: Parameters<typeof store.isRevoked>[0]) => { lookups += 1; return await store.isRevoked(token) }
  })
  const pair = createTokenVerifier({
    pool: { issuer: server.issuer, jwksUri: `${server.issuer}/.well-known/jwks.json`, clientId: CLIENT_ID },
    timeoutMs: JWKS_TIMEOUT_MS,
    store: counted
  })
  const session = { sub: 'sub-fay', origin_jti: 'session-f1' }
  const idToken = (claims: Record<string, unknown>) => server.accessToken('fay', {
    ...session, token_use: 'id', aud: CLIENT_ID, client_id: undefined, scope: undefined, username: undefined, 'cognito:username': 'fay', ...claims
  })
  const access = await pair.verify(server.accessToken('fay', { ...session, jti: 'a-f1', iat: now - 5 }), 'access')
  if (!access.ok) throw new Error('the access token was refused')
  const counting = async (token: string) => {
    const before = lookups
    const verification = await pair.verify(token, 'id', { alongside: access.token })
    return { ok: verification.ok, lookups: lookups - before }
  }
  t.same(await counting(idToken({ jti: 'i-f1', iat: now - 5 })), { ok: true, lookups: 0 },
    'the same session, issued together: answered by the pair\'s one lookup')
  t.same(await counting(idToken({ jti: 'i-f2', origin_jti: 'session-f2', iat: now - 5 })), { ok: true, lookups: 1 },
    'another session: its own lookup')
  t.same(await counting(idToken({ jti: 'i-f3', iat: now - 60 })), { ok: true, lookups: 1 }, 'issued before the access token: its own lookup')
  t.same(await counting(idToken({ jti: 'i-f4', sub: 'sub-other', iat: now - 5 })), { ok: true, lookups: 1 }, 'another user: its own lookup')
  // What the lookup it skips would have found, it finds where it is not skipped: a revoked other session is refused.
  await store.revokeToken('sub-fay', 'session-f2', now + 3600)
  t.match(await pair.verify(idToken({ jti: 'i-f5', origin_jti: 'session-f2', iat: now - 5 }), 'id', { alongside: access.token }),
    { ok: false, refusal: 'revoked' })
})

t.test('a verified token is cached: no second RSA check, but revocation and expiry still apply, and refusals are not cached', async t => {
  const server = await startJwksServer(t)
  const cached = createTokenVerifier({
    pool: { issuer: server.issuer, jwksUri: `${server.issuer}/.well-known/jwks.json`, clientId: CLIENT_ID },
    timeoutMs: JWKS_TIMEOUT_MS,
    store: createMemoryStore()
  })
  const token = server.accessToken('erin', { jti: 'cache-1' })
  const first = await cached.verify(token, 'access')
  t.match(first, { ok: true })
  // Same bytes, checked again: from the cache. The first hit builds the identity from the token's text and the cache
  // keeps it, so every later hit answers that same object (a verifier without the cache would build a new one).
  const second = await cached.verify(token, 'access')
  const third = await cached.verify(token, 'access')
  t.ok(second.ok && third.ok && second.token === third.token, 'the third answer is the identity the cache kept')
  t.same(second.ok && second.token, first.ok && first.token, 'the same identity as the first check\'s')
  t.match(await cached.verify(token, 'id'), { ok: false, refusal: 'invalid' }, 'cached per token use')
  if (first.ok) await cached.revoke(first.token)
  t.match(await cached.verify(token, 'access'), { ok: false, refusal: 'revoked' }, 'a cached token is still revoked')

  // Good for one to two seconds (exp is a whole second): long enough to be verified first on a busy machine.
  const shortLived = server.accessToken('erin', { iat: now - 10, exp: Math.floor(Date.now() / 1000) + 2 })
  t.match(await cached.verify(shortLived, 'access'), { ok: true })
  const later = await until(async () => {
    const result = await cached.verify(shortLived, 'access')
    return !result.ok && result
  }, { what: 'the short-lived token refused' })
  t.match(later, { ok: false, refusal: 'expired' }, 'the cache entry dies with the token')
  t.ok(Date.now() / 1000 >= Number(claimsOf(shortLived).exp), 'and not before its exp')
})

/** `claims` as JSON text with `claim` written as `text` (what JSON.stringify cannot write: 1e999), signed by the pool's key. */
function withClaimText (claims: Record<string, unknown>, claim: string, text: string): string {
  const { [claim]: _replaced, ...rest } = claims
  return jwks.signRaw(`${JSON.stringify(rest).slice(0, -1)},${JSON.stringify(claim)}:${text}}`)
}

/** The token's claims as JSON text with `tail` in place of the closing brace, signed by the pool's key. */
function withRawPayload (jwt: string, tail: string): string {
  return jwks.signRaw(JSON.stringify(claimsOf(jwt)).slice(0, -1) + tail)
}

function unsigned (jwt: string, alg: string): string {
  const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url')
  return `${encode({ alg, kid: 'CognitoLocal' })}.${encode(claimsOf(jwt))}.`
}

/** The classic algorithm confusion: the public key (as served) used as an HMAC secret. */
function hs256WithPublicKey (jwt: string): string {
  const [, payload] = jwt.split('.')
  const { kid } = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid })).toString('base64url')
  const secret = JSON.stringify(jwks.publicJwk)
  return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`
}

function tamper (jwt: string): string {
  const [header, , signature] = jwt.split('.')
  const claims = { ...claimsOf(jwt), username: 'admin' }
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
}

function withoutClaim (jwt: string, name: string): Record<string, unknown> {
  const { [name]: _dropped, ...rest } = claimsOf(jwt)
  return rest
}

function claimsOf (jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString())
}

t.test('a cached token whose key is withdrawn from the JWKS is refused once the set is refreshed; one whose key stays is kept', async t => {
  // The JWKS says max-age=60; the cache's clock is the test's, so the minute passes without waiting.
  const server = await startJwksServer(t, { maxAgeSeconds: 60 })
  const clock = { now: Date.now() }
  const rotating = createTokenVerifier({
    pool: { issuer: server.issuer, jwksUri: `${server.issuer}/.well-known/jwks.json`, clientId: CLIENT_ID },
    timeoutMs: JWKS_TIMEOUT_MS,
    store: createMemoryStore(),
    jwks: { now: () => clock.now }
  })
  const old = server.accessToken('frank')
  await rotating.verify(old, 'access')
  const first = await rotating.verify(old, 'access')
  const again = await rotating.verify(old, 'access')
  t.ok(first.ok && again.ok && first.token === again.token, 'verified, then answered from the cache (the identity it kept)')

  const oldKid = (JSON.parse(Buffer.from(old.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid
  server.rotate()
  const fresh = server.accessToken('frank')
  clock.now += 61_000
  t.match(await rotating.verify(old, 'access'), { ok: true }, 'past max-age: still good while the set is refreshed in the background')
  await until(() => server.fetches() === 2, { what: 'the refresh' })
  await until(async () => await rotating.verify(fresh, 'access').then(result => result.ok), { what: 'the new key in use' })
  t.equal(server.fetches(), 2, 'the new key came with the refresh, not a fetch of its own')
  const kept = await rotating.verify(old, 'access')
  t.ok(kept.ok && first.ok && kept.token === first.token, 'the control: a key still published keeps its tokens cached (no RSA again)')

  server.withdraw(oldKid)
  clock.now += 61_000
  const refused = await until(async () => {
    const result = await rotating.verify(old, 'access')
    return !result.ok && result
  }, { what: 'the token of the withdrawn key refused' })
  t.match(refused, { ok: false, refusal: 'invalid' }, 'withdrawn: the cached token is refused')
  t.equal(server.fetches(), 3, 'after one more refresh')
  t.match(await rotating.verify(old, 'access'), { ok: false, refusal: 'invalid' }, 'and stays refused')
  t.match(await rotating.verify(fresh, 'access'), { ok: true }, 'the new key\'s tokens are good')
})
