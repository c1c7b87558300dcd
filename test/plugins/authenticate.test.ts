/**
 * The signed-in guard end to end, on the embedded emulator. The emulator
 * accepts any token on GetUser, so every refusal here is the BFF's own
 * verification. Variants are signed with the emulator's real key
 * (it ships in the cognito-local package) or a freshly generated one.
 */
import { createPrivateKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { FastifyRequest } from 'fastify'
import t from 'tap'
import type { ApiError } from '../../src/errors/catalog.js'
import { signedIn } from '../../src/plugins/authenticate.js'
import type { VerifiedToken } from '../../src/verify/verifier.js'
import { buildTestApp, expectProblem } from '../helper.js'

const require = createRequire(import.meta.url)
const emulatorJwk = JSON.parse(await readFile(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8')).jwk
const emulatorKey = createPrivateKey({ key: emulatorJwk, format: 'jwk' })
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

function sign (header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url')
  const input = `${encode(header)}.${encode(payload)}`
  const signature = header.alg === 'none' ? '' : createSign('RSA-SHA256').update(input).sign(key).toString('base64url')
  return `${input}.${signature}`
}

const { app, confirmedUser } = await buildTestApp(t)
const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...await confirmedUser('verify'), tokenDelivery: 'body' } })
const { accessToken, idToken } = login.json().tokens
const [headerPart, payloadPart] = accessToken.split('.')
const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString())
const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString())

async function me (token: string) {
  return await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } })
}

t.test('control: a token re-signed with the emulator key and unchanged claims is accepted', async t => {
  t.equal((await me(sign(header, claims, emulatorKey))).statusCode, 200)
})

const now = Math.floor(Date.now() / 1000)
const refusals: Array<[string, string]> = [
  ['expired', sign(header, { ...claims, iat: now - 7200, exp: now - 3600 }, emulatorKey)],
  ['another issuer', sign(header, { ...claims, iss: 'http://127.0.0.1:1/local_Other' }, emulatorKey)],
  ['another app client', sign(header, { ...claims, client_id: 'someoneelse' }, emulatorKey)],
  ['an ID token used as an access token', idToken],
  ['signed by another key with the same kid', sign(header, claims, strangerKey)],
  ['alg none', sign({ ...header, alg: 'none' }, claims, emulatorKey)],
  ['unknown kid', sign({ ...header, kid: 'other' }, claims, emulatorKey)],
  // Once a 500 (an expiry date made of nothing); now refused like any malformed token.
  ['no exp claim', sign(header, { ...claims, exp: undefined }, emulatorKey)],
  ['iat an hour ahead', sign(header, { ...claims, iat: now + 3600, exp: now + 7200 }, emulatorKey)],
  [
    'payload changed after signing',
    `${headerPart}.${Buffer.from(JSON.stringify({ ...claims, username: 'demo' })).toString('base64url')}.${accessToken.split('.')[2]}`
  ]
]

for (const [name, token] of refusals) {
  t.test(`refused: ${name}`, async t => {
    // No detail: the reason is not told to the caller.
    const response = await me(token)
    expectProblem(t, response, 'TOKEN_INVALID')
    t.equal(response.headers['www-authenticate'], 'Bearer error="invalid_token"', 'RFC 6750')
  })
}

t.test('WWW-Authenticate: Bearer without a token, invalid_request for a malformed header', async t => {
  const none = await app.inject({ method: 'GET', url: '/me' })
  expectProblem(t, none, 'UNAUTHENTICATED', { detail: 'Sign in, or send Authorization: Bearer <access token>.' })
  t.equal(none.headers['www-authenticate'], 'Bearer')
  const basic = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic Zm9vOmJhcg==' } })
  expectProblem(t, basic, 'TOKEN_INVALID', { detail: 'The Authorization header must be "Bearer <access token>".' })
  t.equal(basic.headers['www-authenticate'], 'Bearer error="invalid_request"')
})

t.test('signedIn: the caller requireUser verified, or UNAUTHENTICATED where no guard ran (never an unchecked null)', async t => {
  const verified = { user: { sub: 'sub-1', username: 'alice' } as VerifiedToken, accessToken: 'access-token' }
  t.same(signedIn(verified as unknown as FastifyRequest), verified)
  const unguarded = [{ user: null, accessToken: null }, { user: verified.user, accessToken: null }, { user: null, accessToken: 'access-token' }]
  t.equal(unguarded.length, 3)
  for (const request of unguarded) {
    const err = t.throws(() => signedIn(request as unknown as FastifyRequest)) as ApiError
    t.match(err, { code: 'UNAUTHENTICATED', statusCode: 401, detail: 'Sign in, or send Authorization: Bearer <access token>.' })
  }
})
