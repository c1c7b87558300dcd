/**
 * The admin API end to end in local mode: the embedded emulator plus the
 * local layer (invitations, pagination, AdminResetUserPassword,
 * AdminUserGlobalSignOut, disabled users) answer as Cognito does, so the
 * README's admin walkthrough is what these tests do.
 */
import t from 'tap'
import { buildTestApp, expectProblem, PASSWORD, uniqueUsername } from '../../helper.js'

const { app, local, logs, latestCode, confirmedUser } = await buildTestApp(t)

interface Tokens { accessToken: string, refreshToken?: string }

async function login (username: string, password: string) {
  return await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
}
async function tokensOf (username: string, password: string): Promise<Tokens> {
  const res = await login(username, password)
  if (res.statusCode !== 200 || res.json().status !== 'authenticated') throw new Error(`login failed: ${res.body}`)
  return res.json().tokens as Tokens
}
const admin = await tokensOf(local.demoAdmin.username, local.demoAdmin.password)
const auth = (token = admin.accessToken) => ({ authorization: `Bearer ${token}` })
const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: auth(token) })
const send = (method: 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, payload?: object, token?: string) =>
  app.inject({ method, url, headers: auth(token), ...(payload === undefined ? {} : { payload }) })
const me = (token: string) => app.inject({ method: 'GET', url: '/me', headers: auth(token) })
const refresh = (refreshToken: string) =>
  app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken, tokenDelivery: 'body' } })

async function invite (username = uniqueUsername('inv')) {
  const res = await send('POST', '/admin/users', { username, attributes: { email: `${username}@example.com`, email_verified: 'true' } })
  if (res.statusCode !== 201) throw new Error(`invite failed: ${res.body}`)
  return { username, temporary: latestCode(username) }
}

/** The invited user's first sign-in: the temporary password, then NEW_PASSWORD_REQUIRED answered with their own. */
async function firstLogin (username: string, temporary: string, password = PASSWORD) {
  const started = await login(username, temporary)
  const { session, challenge } = started.json() as { session: string, challenge: string }
  return await app.inject({
    method: 'POST', url: '/auth/challenge', payload: { username, challenge, session, newPassword: password, tokenDelivery: 'body' }
  })
}

// Issue 19: no waiting for the next second between an admin's action and the user's next sign-in or refresh.
t.test('the README walkthrough: invite, first sign-in, disable and enable, groups, sign out everywhere', async t => {
  const username = uniqueUsername('carol')
  const invited = await send('POST', '/admin/users', { username, attributes: { email: `${username}@example.com`, email_verified: 'true' } })
  t.equal(invited.statusCode, 201)
  t.match(invited.json(), { username, status: 'FORCE_CHANGE_PASSWORD', enabled: true, attributes: { email: `${username}@example.com` } })
  t.notOk('temporaryPassword' in invited.json(), 'the temporary password is not in the answer')
  const [message] = local.outbox.list(username)
  t.match(message, { kind: 'AdminCreateUser', medium: 'EMAIL', destination: `${username}@example.com` }, 'the invitation went by e-mail')
  const temporary = message!.code
  t.match(temporary, /^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z\d]).{8,}$/, 'a generated temporary password meets the pool\'s policy')

  const started = await login(username, temporary)
  t.match(started.json(), { status: 'challenge', challenge: 'NEW_PASSWORD_REQUIRED', username })
  const finished = await firstLogin(username, temporary, 'Carol-Passw0rd!')
  t.equal(finished.json().status, 'authenticated', 'the first sign-in sets the user\'s own password')
  t.match((await get(`/admin/users/${username}`)).json(), { username, status: 'CONFIRMED', enabled: true, groups: [], mfa: { enabled: [] } })

  const carol = await tokensOf(username, 'Carol-Passw0rd!')
  t.same((await send('POST', `/admin/users/${username}/disable`)).json(), { status: 'disabled', tokensRevoked: true })
  expectProblem(t, await login(username, 'Carol-Passw0rd!'), 'INVALID_CREDENTIALS')
  expectProblem(t, await me(carol.accessToken), 'TOKEN_INVALID')
  expectProblem(t, await refresh(carol.refreshToken!), 'SESSION_EXPIRED')
  t.equal((await get(`/admin/users/${username}`)).json().enabled, false)
  t.same((await send('POST', `/admin/users/${username}/enable`)).json(), { status: 'enabled' })
  const again = await tokensOf(username, 'Carol-Passw0rd!')
  t.equal((await me(again.accessToken)).statusCode, 200, 'enabled: signs in again')

  t.same((await send('PUT', `/admin/groups/editors/users/${username}`)).json(), { status: 'added', tokensRevoked: true })
  t.same((await get('/admin/groups/editors/users')).json().users.map((u: { username: string }) => u.username), [username])
  expectProblem(t, await me(again.accessToken), 'TOKEN_INVALID')
  const refreshed = await refresh(again.refreshToken!)
  t.equal(refreshed.statusCode, 200, 'the refresh token still works')
  t.same((await me(refreshed.json().tokens.accessToken)).json().groups, ['editors'], 'the refreshed token carries the new group')

  t.same((await send('DELETE', `/admin/groups/editors/users/${username}`)).json(), { status: 'removed', tokensRevoked: true })
  t.same((await get(`/admin/users/${username}/groups`)).json(), { groups: [] })
  const latest = await tokensOf(username, 'Carol-Passw0rd!')
  t.same((await me(latest.accessToken)).json().groups, [])

  t.same((await send('POST', `/admin/users/${username}/signout`)).json(), { status: 'signed-out', tokensRevoked: true })
  expectProblem(t, await me(latest.accessToken), 'TOKEN_INVALID')
  expectProblem(t, await refresh(latest.refreshToken!), 'SESSION_EXPIRED')

  const lines = logs.map(line => JSON.parse(line) as { msg?: string, reqId?: string, audit?: Record<string, unknown> })
  const audit = lines.filter(line => line.msg === 'admin action' && (line.audit?.target as { user?: string } | undefined)?.user === username)
  t.same(audit.map(line => line.audit?.action), [
    'user.invite', 'user.get', 'user.disable', 'user.get', 'user.enable', 'group.add', 'group.remove', 'user.groups', 'user.signout'
  ], 'one audit line per action on the user')
  t.match(audit[0], {
    reqId: String(invited.headers['x-request-id']),
    audit: { actor: { username: 'admin' }, action: 'user.invite', target: { user: username }, result: 'ok', status: 201 }
  })
  for (const secret of [temporary, 'Carol-Passw0rd!']) t.notOk(logs.some(line => line.includes(secret)), 'no password in any log line')
})

t.test('searching and paging through users', async t => {
  const prefix = uniqueUsername('page')
  for (const n of [1, 2, 3]) await invite(`${prefix}x${n}`)
  const filter = encodeURIComponent(`username ^= "${prefix}"`)
  const first = await get(`/admin/users?filter=${filter}&limit=2`)
  t.equal(first.statusCode, 200)
  t.same(first.json().users.map((u: { username: string }) => u.username), [`${prefix}x1`, `${prefix}x2`])
  t.type(first.json().cursor, 'string', 'a cursor for the rest')
  const second = await get(`/admin/users?filter=${filter}&limit=2&cursor=${first.json().cursor as string}`)
  t.same(second.json().users.map((u: { username: string }) => u.username), [`${prefix}x3`])
  t.notOk('cursor' in second.json(), 'no cursor on the last page')
  const exact = await get(`/admin/users?filter=${encodeURIComponent(`email = "${prefix}x2@example.com"`)}`)
  t.same(exact.json().users.map((u: { username: string }) => u.username), [`${prefix}x2`])

  expectProblem(t, await get(`/admin/users?filter=${encodeURIComponent('email contains "x"')}`), 'INVALID_FILTER', {
    detail: 'The filter "email contains \\"x\\"" is not valid: write <attribute> = "<value>" or <attribute> ^= "<value>", with one of ' +
      'username, email, phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status, sub.'
  })
  expectProblem(t, await get('/admin/users?cursor=bm90LWEtY3Vyc29y'), 'INVALID_PARAMETER')
  t.equal((await get('/admin/users?limit=61')).statusCode, 400)

  const groups = await get('/admin/groups?limit=1')
  t.equal(groups.json().groups.length, 1)
  t.type(groups.json().cursor, 'string', 'groups page too')
  const all = await get('/admin/groups')
  t.same(all.json().groups.map((g: { name: string }) => g.name).sort(), ['admins', 'editors', 'viewers'], 'local mode\'s groups')
})

t.test('user changes: attributes, passwords, confirmation, resend, delete', async t => {
  const { username, temporary } = await invite()
  const patched = await send('PATCH', `/admin/users/${username}`, { attributes: { 'custom:plan': 'pro', name: 'Ann' } })
  t.match(patched.json().attributes, { 'custom:plan': 'pro', name: 'Ann' })
  const removed = await send('PATCH', `/admin/users/${username}`, { attributes: { 'custom:plan': null } })
  t.notOk('custom:plan' in removed.json().attributes, 'null deletes the attribute')
  expectProblem(t, await send('PATCH', `/admin/users/${username}`, { attributes: {} }), 'VALIDATION_FAILED', {
    detail: '/body/attributes: must NOT have fewer than 1 properties',
    errors: [{ field: '/body/attributes', message: 'must NOT have fewer than 1 properties' }]
  })

  // Resend: a new temporary password replaces the old one.
  t.same((await send('POST', `/admin/users/${username}/resend-invite`)).json(), { status: 'invited' })
  const resent = latestCode(username)
  t.not(resent, temporary)
  expectProblem(t, await login(username, temporary), 'INVALID_CREDENTIALS')
  t.equal((await firstLogin(username, resent)).json().status, 'authenticated')
  expectProblem(t, await send('POST', `/admin/users/${username}/resend-invite`), 'INVITE_NOT_PENDING', {
    detail: 'The user\'s status is CONFIRMED, not FORCE_CHANGE_PASSWORD: there is no invitation to send again.'
  })

  // Reset: the password stops working; the code Cognito sent sets a new one.
  t.same((await send('POST', `/admin/users/${username}/reset-password`)).json(), { status: 'reset', tokensRevoked: true })
  expectProblem(t, await login(username, PASSWORD), 'PASSWORD_RESET_REQUIRED')
  const reset = await app.inject({
    method: 'POST', url: '/auth/password/reset', payload: { username, code: latestCode(username), password: 'Brand-New-9!' }
  })
  t.equal(reset.statusCode, 200, reset.body)
  t.equal((await login(username, 'Brand-New-9!')).json().status, 'authenticated')

  // Set: permanent signs in as is; temporary asks for a new password at the next sign-in.
  await send('POST', `/admin/users/${username}/password`, { password: 'Permanent-9!', permanent: true })
  t.equal((await login(username, 'Permanent-9!')).json().status, 'authenticated')
  t.same((await send('POST', `/admin/users/${username}/password`, { password: 'Temporary-9!' })).json(),
    { status: 'password-set', tokensRevoked: true })
  t.match((await login(username, 'Temporary-9!')).json(), { status: 'challenge', challenge: 'NEW_PASSWORD_REQUIRED' })
  expectProblem(t, await send('POST', `/admin/users/${username}/password`, { password: 'short' }), 'INVALID_PASSWORD', {
    detail: 'Password did not conform with policy: Password not long enough'
  })

  // Delete: gone, and the user's tokens with it.
  const tokens = await tokensOf(username, 'Permanent-9!').catch(async () => {
    await send('POST', `/admin/users/${username}/password`, { password: 'Permanent-9!', permanent: true })
    return await tokensOf(username, 'Permanent-9!')
  })
  t.same((await send('DELETE', `/admin/users/${username}`)).json(), { status: 'deleted', tokensRevoked: true })
  for (const secret of [resent, 'Brand-New-9!', 'Permanent-9!', 'Temporary-9!']) {
    t.notOk(logs.some(line => line.includes(secret)), 'no password logged')
  }
  expectProblem(t, await get(`/admin/users/${username}`), 'USER_NOT_FOUND')
  expectProblem(t, await me(tokens.accessToken), 'TOKEN_INVALID')
})

t.test('confirming a sign-up for the user', async t => {
  const username = uniqueUsername('unconf')
  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  expectProblem(t, await login(username, PASSWORD), 'USER_NOT_CONFIRMED')
  t.same((await send('POST', `/admin/users/${username}/confirm`)).json(), { status: 'confirmed' })
  t.equal((await login(username, PASSWORD)).json().status, 'authenticated')
  expectProblem(t, await send('POST', `/admin/users/${username}/confirm`), 'ALREADY_CONFIRMED')
})

t.test('refusals in local mode: unknown user and group, duplicates, non-admins, a revoked admin token', async t => {
  expectProblem(t, await get('/admin/users/nobody-here'), 'USER_NOT_FOUND')
  expectProblem(t, await send('POST', '/admin/users/nobody-here/disable'), 'USER_NOT_FOUND')
  expectProblem(t, await send('POST', '/admin/users/nobody-here/signout'), 'USER_NOT_FOUND')
  expectProblem(t, await send('POST', '/admin/users/nobody-here/reset-password'), 'USER_NOT_FOUND')
  expectProblem(t, await send('POST', '/admin/users/nobody-here/resend-invite'), 'USER_NOT_FOUND')
  expectProblem(t, await get('/admin/groups/no-such-group/users'), 'GROUP_NOT_FOUND')
  const { username } = await confirmedUser('member')
  expectProblem(t, await send('PUT', `/admin/groups/no-such-group/users/${username}`), 'GROUP_NOT_FOUND')
  expectProblem(t, await send('PUT', '/admin/groups/editors/users/nobody-here'), 'USER_NOT_FOUND')
  expectProblem(t, await send('POST', '/admin/users', { username, attributes: { email: 'x@example.com' } }), 'USERNAME_EXISTS')
  expectProblem(t, await send('POST', '/admin/users', { username: uniqueUsername('x'), attributes: { sub: 'forged' } }), 'VALIDATION_FAILED', {
    detail: '/body/attributes/sub: is not a known field',
    errors: [{ field: '/body/attributes/sub', message: 'is not a known field' }]
  })

  const member = await tokensOf(username, PASSWORD)
  expectProblem(t, await get('/admin/users', member.accessToken), 'ADMIN_REQUIRED', {
    detail: 'Only members of the admins group may call the admin API.'
  })

  // An admin who signed out: their token is refused here like anyone's.
  const other = await tokensOf(local.demoAdmin.username, local.demoAdmin.password)
  t.equal((await get('/admin/groups', other.accessToken)).statusCode, 200)
  await app.inject({ method: 'POST', url: '/auth/logout', headers: auth(other.accessToken), payload: { refreshToken: other.refreshToken } })
  expectProblem(t, await get('/admin/groups', other.accessToken), 'TOKEN_INVALID')
})

t.test('disable, reset-password and set-password end the user\'s sessions at Cognito: an old refresh token stays dead', async t => {
  const { username, temporary } = await invite(uniqueUsername('ended'))
  t.equal((await firstLogin(username, temporary)).json().status, 'authenticated')
  const before = await tokensOf(username, PASSWORD)
  t.same((await send('POST', `/admin/users/${username}/disable`)).json(), { status: 'disabled', tokensRevoked: true })
  t.same((await send('POST', `/admin/users/${username}/enable`)).json(), { status: 'enabled' })
  expectProblem(t, await refresh(before.refreshToken!), 'SESSION_EXPIRED')

  const beforeReset = await tokensOf(username, PASSWORD)
  t.same((await send('POST', `/admin/users/${username}/reset-password`)).json(), { status: 'reset', tokensRevoked: true })
  expectProblem(t, await refresh(beforeReset.refreshToken!), 'SESSION_EXPIRED')
  expectProblem(t, await me(beforeReset.accessToken), 'TOKEN_INVALID')
  await send('POST', `/admin/users/${username}/password`, { password: PASSWORD, permanent: true })

  const beforeSet = await tokensOf(username, PASSWORD)
  t.same((await send('POST', `/admin/users/${username}/password`, { password: 'Another-Passw0rd!', permanent: true })).json(),
    { status: 'password-set', tokensRevoked: true })
  expectProblem(t, await refresh(beforeSet.refreshToken!), 'SESSION_EXPIRED')
  expectProblem(t, await me(beforeSet.accessToken), 'TOKEN_INVALID')
})
