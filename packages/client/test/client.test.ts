/**
 * The client against a real local-mode service (the embedded emulator), over
 * Node's fetch: cookie sessions through a small cookie jar, and body tokens
 * through a token store, as a CMS back end would use it.
 */
import {
  AdminCreateUserCommand, AssociateSoftwareTokenCommand, SetUserMFAPreferenceCommand, VerifySoftwareTokenCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { authenticator } from 'otplib'
import t from 'tap'
import { buildTestApp, freePort, PASSWORD, uniqueUsername } from '../../../test/helper.js'
import { sdkFor } from '../../../test/helpers/emulator-sdk.js'
import { fileTimeout } from '../../../test/helpers/timeouts.js'
import { continueSignIn, createClient, ProblemError, signIn, signOut, unwrap, type StoredTokens } from '../src/index.js'
import { cookieJar } from './cookie-jar.js'

t.setTimeout(fileTimeout(30_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, local, latestCode, confirmedUser } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const admin = sdkFor(t, local)

/** A client as a page on the service's origin would have it: its cookies in a jar, its session hint in memory. */
function browserClient () {
  const jar = cookieJar(origin)
  let hint = false
  const client = createClient({ baseUrl: origin, fetch: jar.fetch, sessionHint: { get: () => hint, set: on => { hint = on } } })
  return { client, jar }
}

t.test('sign-up, the code, confirm, sign in, /me, refresh on a 401, sign out: all through the client', async t => {
  const { client, jar } = browserClient()
  const username = uniqueUsername('client')
  const created = await unwrap(client.api.POST('/auth/signup', { body: { username, password: PASSWORD, email: `${username}@example.com` } }))
  t.equal(created.confirmed, false)
  const messages = await unwrap(client.api.GET('/local/messages', { params: { query: { username } } }))
  t.equal(messages[0]?.code, latestCode(username), 'the code, from /local/messages')
  t.match(await unwrap(client.api.POST('/auth/signup/confirm', { body: { username, code: messages[0]!.code! } })), { status: 'confirmed' })

  t.match(await signIn(client, { username, password: PASSWORD }), { step: 'done', username })
  t.equal((await unwrap(client.api.GET('/me'))).username, username)

  // The access cookie forged: /me answers 401, the client refreshes once and asks again.
  jar.cookies.set('bff_access', 'forged')
  t.equal((await unwrap(client.api.GET('/me'))).username, username, 'refreshed and retried')
  t.not(jar.cookies.get('bff_access'), 'forged', 'a new access cookie')
  // Expired (the browser dropped it): the same.
  jar.cookies.delete('bff_access')
  t.equal((await unwrap(client.api.GET('/me'))).username, username, 'refreshed after the cookie expired')

  await signOut(client)
  const after = await client.api.GET('/me')
  t.equal(after.response.status, 401, 'signed out: no refresh brings it back')
  t.notOk(jar.cookies.has('bff_refresh'), 'the refresh cookie is gone')
})

t.test('a refresh that fails is not retried: the 401 comes through as a ProblemError', async t => {
  const { client, jar } = browserClient()
  const { username } = await confirmedUser('stale')
  await signIn(client, { username, password: PASSWORD })
  jar.cookies.set('bff_access', 'forged')
  jar.cookies.set('bff_refresh', 'forged')
  const error = await unwrap(client.api.GET('/me')).catch((e: unknown) => e)
  t.ok(error instanceof ProblemError)
  t.equal((error as ProblemError).status, 401)
})

t.test('a wrong password is a typed ProblemError', async t => {
  const { client } = browserClient()
  const { username } = await confirmedUser('wrong')
  const error = await signIn(client, { username, password: 'Wrong-Horse-9' }).catch((e: unknown) => e)
  t.ok(error instanceof ProblemError, 'a ProblemError')
  const problem = error as ProblemError
  const code: typeof problem.code = 'INVALID_CREDENTIALS'
  t.equal(problem.code, code)
  t.equal(problem.status, 401)
  t.equal(problem.detail, undefined, 'no detail that would tell a user exists')
})

t.test('the challenge walk: an invited user gets the newPassword step, answers it, and is done', async t => {
  const { client } = browserClient()
  const username = uniqueUsername('invited')
  await admin.send(new AdminCreateUserCommand({
    UserPoolId: local.config.pool.userPoolId,
    Username: username,
    DesiredDeliveryMediums: ['EMAIL'],
    UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }]
  }))
  const step = await signIn(client, { username, password: latestCode(username) })
  if (step.step !== 'newPassword') return t.fail(`expected newPassword, got ${step.step}`)
  t.same(step.requiredAttributes, [])
  t.match(await continueSignIn(client, step, { newPassword: PASSWORD }), { step: 'done', username })
  t.equal((await unwrap(client.api.GET('/me'))).username, username)
})

t.test('TOTP MFA, server-side: the totp step, a wrong code (CODE_MISMATCH), the right one; body tokens used as Bearer', async t => {
  let stored: StoredTokens | undefined
  const client = createClient({ baseUrl: origin, tokens: 'body', tokenStore: { get: () => stored, set: tokens => { stored = tokens } } })
  const { username } = await confirmedUser('totp')
  t.match(await signIn(client, { username, password: PASSWORD }), { step: 'done' })
  t.match(stored, { accessToken: /^eyJ/, refreshToken: String }, 'the tokens, kept by the store')
  const { SecretCode } = await admin.send(new AssociateSoftwareTokenCommand({ AccessToken: stored!.accessToken }))
  await admin.send(new VerifySoftwareTokenCommand({ AccessToken: stored!.accessToken, UserCode: authenticator.generate(SecretCode!) }))
  await admin.send(new SetUserMFAPreferenceCommand({
    AccessToken: stored!.accessToken,
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true }
  }))

  const step = await signIn(client, { username, password: PASSWORD })
  if (step.step !== 'totp') return t.fail(`expected totp, got ${step.step}`)
  const wrong = await continueSignIn(client, step, { code: '000000' }).catch((e: unknown) => e)
  t.equal((wrong as ProblemError).code, 'CODE_MISMATCH')
  t.match(await continueSignIn(client, step, { code: authenticator.generate(SecretCode!) }), { step: 'done', tokens: { accessToken: /^eyJ/ } })
  t.equal((await unwrap(client.api.GET('/me'))).username, username, 'Bearer from the stored tokens')

  // A revoked-looking access token: refreshed with the stored refresh token, then retried.
  stored = { ...stored!, accessToken: 'not-a-token' }
  t.equal((await unwrap(client.api.GET('/me'))).username, username, 'refreshed in the body and retried')
  t.match(stored, { accessToken: /^eyJ/, refreshToken: String }, 'the new access token stored, the refresh token kept')
  await signOut(client)
  t.equal(stored, undefined, 'signed out: the store is cleared')
})
