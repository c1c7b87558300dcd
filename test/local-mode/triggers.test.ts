/**
 * Local mode runs the pool's Lambda triggers (triggers/src) in process: the custom-message trigger writes the
 * e-mails /local/messages shows (their links to the service's pages), and the user-migration trigger moves a
 * LOCAL_LEGACY_USERS user into the pool at their first sign-in or reset.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { hashPassword } from '../../packages/local-cognito/src/legacy-users.ts'
import { buildTestApp, PASSWORD, uniqueUsername } from '../helper.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const origin = 'http://localhost:3999'
const LEGACY_PASSWORD = 'Legacy-Horse-7!'

/** The link of an e-mail's button, its HTML entities undone. */
export function linkOf (html: string): URL {
  const href = /<a href="([^"]+)"/.exec(html)?.[1]
  if (href === undefined) throw new Error('no link in the e-mail')
  return new URL(href.replaceAll('&amp;', '&'))
}

async function legacyFile (t: { teardown (fn: () => unknown): void }, users: object[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'legacy-users-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'users.json')
  await writeFile(file, JSON.stringify(users))
  return file
}

t.test('a sign-up\'s message carries the e-mail with its link to the confirm page, and still the code', async t => {
  const { app } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
  const username = uniqueUsername('mail')
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  const [message] = (await app.inject({ method: 'GET', url: `/local/messages?username=${username}` })).json()
  t.match(message, { kind: 'SignUp', code: /^\d{6}$/, subject: 'Confirm your account', text: `Your confirmation code is ${message.code}` })
  t.notMatch(message.html, '{####}', 'the placeholders are substituted')
  const link = linkOf(message.html)
  t.equal(link.origin + link.pathname, `${origin}/auth/signup/confirm`)
  t.same(Object.fromEntries(link.searchParams), { username, code: message.code })
})

t.test('a forgot-password message links to the reset page', async t => {
  const { app, confirmedUser } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
  const { username } = await confirmedUser('forgot')
  await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })
  const [message] = (await app.inject({ method: 'GET', url: `/local/messages?username=${username}` })).json()
  t.equal(message.kind, 'ForgotPassword')
  const link = linkOf(message.html)
  t.equal(link.origin + link.pathname, `${origin}/auth/password/reset`)
  t.same(Object.fromEntries(link.searchParams), { username, code: message.code })
})

t.test('LOCAL_LEGACY_USERS: the right password migrates the user at first sign-in; a wrong one is refused and creates nobody', async t => {
  const username = uniqueUsername('legacy')
  const file = await legacyFile(t, [{
    username, email: `${username}@example.com`, attributes: { given_name: 'Lee' }, passwordHash: await hashPassword(LEGACY_PASSWORD)
  }])
  const { app, local, logs } = await buildTestApp(t, { env: { PUBLIC_URL: origin, LOCAL_LEGACY_USERS: file } })

  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Not-The-Password-1' } })
  const nobody = uniqueUsername('nobody')
  const stranger = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: nobody, password: 'Not-The-Password-1' } })
  t.equal(wrong.statusCode, stranger.statusCode, 'a wrong password is refused as an unknown user is')
  t.same({ ...wrong.json(), instance: undefined }, { ...stranger.json(), instance: undefined })
  const admin = local.sdk
  const { AdminGetUserCommand } = await import('@aws-sdk/client-cognito-identity-provider')
  await t.rejects(admin.send(new AdminGetUserCommand({ UserPoolId: local.config.pool.userPoolId, Username: username })),
    { name: 'UserNotFoundException' }, 'the wrong password created nobody')

  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: LEGACY_PASSWORD } })
  t.equal(login.statusCode, 200, 'the legacy password signs in')
  const user = await admin.send(new AdminGetUserCommand({ UserPoolId: local.config.pool.userPoolId, Username: username }))
  t.equal(user.UserStatus, 'CONFIRMED')
  const attributes = Object.fromEntries((user.UserAttributes ?? []).map(a => [a.Name, a.Value]))
  t.match(attributes, { email: `${username}@example.com`, email_verified: 'true', given_name: 'Lee', sub: /^[0-9a-f-]{36}$/ })
  const again = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: LEGACY_PASSWORD } })
  t.equal(again.statusCode, 200, 'and again, now from the pool')
  t.notOk(logs.some(line => line.includes(LEGACY_PASSWORD)), 'no password in a log line')
})

t.test('LOCAL_LEGACY_USERS: a legacy user\'s forgot-password migrates them awaiting the reset; the link\'s reset signs in', async t => {
  const username = uniqueUsername('legacy')
  const file = await legacyFile(t, [{ username, email: `${username}@example.com`, passwordHash: await hashPassword(LEGACY_PASSWORD) }])
  const { app } = await buildTestApp(t, { env: { PUBLIC_URL: origin, LOCAL_LEGACY_USERS: file } })
  const forgot = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })
  t.ok(forgot.statusCode < 300)
  const [message] = (await app.inject({ method: 'GET', url: `/local/messages?username=${username}` })).json()
  t.equal(message?.kind, 'ForgotPassword', 'the reset e-mail went out')
  const reset = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { username, code: message.code, password: PASSWORD } })
  t.ok(reset.statusCode < 300, 'the reset works')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(login.statusCode, 200)
})

t.test('LOCAL_DEFAULT_GROUP: the post-confirmation trigger adds each confirmed user to the group (created); unset, to none', async t => {
  const { AdminListGroupsForUserCommand } = await import('@aws-sdk/client-cognito-identity-provider')
  const groupsOf = async (local: { sdk: { send: (c: never) => Promise<unknown> }, config: { pool: { userPoolId: string } } }, username: string) => {
    const command = new AdminListGroupsForUserCommand({ UserPoolId: local.config.pool.userPoolId, Username: username })
    const answer = await local.sdk.send(command as never) as { Groups?: Array<{ GroupName?: string }> }
    return (answer.Groups ?? []).map(g => g.GroupName)
  }
  const grouped = await buildTestApp(t, { env: { LOCAL_DEFAULT_GROUP: 'members' } })
  const { username } = await grouped.confirmedUser('grouped')
  t.same(await groupsOf(grouped.local, username), ['members'])
  const plain = await buildTestApp(t)
  const other = await plain.confirmedUser('plain')
  t.same(await groupsOf(plain.local, other.username), [])
})

t.test('LOCAL_LEGACY_USERS: a malformed file stops the start, naming the entry', async t => {
  const file = await legacyFile(t, [{ username: 'x', email: 'x@example.com', passwordHash: 'plain-text' }])
  await t.rejects(buildTestApp(t, { env: { LOCAL_LEGACY_USERS: file } }), /user 0 needs a username, an email and a passwordHash/)
})
