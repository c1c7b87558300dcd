/**
 * The help desk's admin routes in local mode (the emulator and the local
 * layer): groups made, changed and deleted; a lost authenticator reset, with
 * the user's sessions ended; sign-in factors, the admin's and the user's own;
 * and what a pool like the local one answers for sign-in events, devices and
 * identity links (no threat protection, no device tracking, no providers).
 */
import { authenticator } from 'otplib'
import t from 'tap'
import { buildTestApp, expectProblem, uniqueUsername } from '../../helper.js'
import { fileTimeout } from '../../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))
const { app, local, logs, confirmedUser } = await buildTestApp(t)

interface Tokens { accessToken: string, refreshToken: string }

async function tokensOf (username: string, password: string): Promise<Tokens> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  if (res.statusCode !== 200 || res.json().status !== 'authenticated') throw new Error(`login failed: ${res.body}`)
  return res.json().tokens as Tokens
}
interface AuditLine { audit?: { action: string, result: string, target: { user?: string, group?: string } } }
const audits = () => logs.map(line => JSON.parse(line) as AuditLine).flatMap(entry => entry.audit === undefined ? [] : [entry.audit])

const admin = await tokensOf(local.demoAdmin.username, local.demoAdmin.password)
const auth = (token = admin.accessToken) => ({ authorization: `Bearer ${token}` })
const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: auth(token) })
const send = (method: 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object, token?: string) =>
  app.inject({ method, url, headers: auth(token), ...(payload === undefined ? {} : { payload }) })

t.test('groups: create, change, delete, each audited', async t => {
  const name = uniqueUsername('helpers')
  const created = await send('POST', '/admin/groups', { name, description: 'First line', precedence: 5 })
  t.equal(created.statusCode, 201, created.body)
  t.same(created.json(), { name, description: 'First line', precedence: 5 })
  t.ok((await get('/admin/groups')).json().groups.some((g: { name: string }) => g.name === name), 'listed')
  expectProblem(t, await send('POST', '/admin/groups', { name }), 'GROUP_EXISTS')

  const changed = await send('PATCH', `/admin/groups/${name}`, { precedence: 1, roleArn: 'arn:aws:iam::123456789012:role/helpers' })
  t.same(changed.json(), { name, description: 'First line', precedence: 1, roleArn: 'arn:aws:iam::123456789012:role/helpers' })
  expectProblem(t, await send('PATCH', '/admin/groups/no-such-group', { precedence: 1 }), 'GROUP_NOT_FOUND')
  expectProblem(t, await send('PATCH', `/admin/groups/${name}`, {}), 'VALIDATION_FAILED', {
    detail: '/body: must NOT have fewer than 1 properties', errors: [{ field: '/body', message: 'must NOT have fewer than 1 properties' }]
  })

  t.same((await send('DELETE', `/admin/groups/${name}`)).json(), { status: 'deleted' })
  t.notOk((await get('/admin/groups')).json().groups.some((g: { name: string }) => g.name === name), 'gone')
  expectProblem(t, await send('DELETE', `/admin/groups/${name}`), 'GROUP_NOT_FOUND')

  const lines = audits().filter(audit => audit.target.group === name).map(audit => [audit.action, audit.result])
  t.same(lines, [
    ['group.create', 'ok'], ['group.create', 'GROUP_EXISTS'], ['group.update', 'ok'], ['group.update', 'VALIDATION_FAILED'],
    ['group.delete', 'ok'], ['group.delete', 'GROUP_NOT_FOUND']
  ])
})

t.test('PATCH /admin/groups/{g} changes only the fields sent: the others are kept, in the answer and in the pool', async t => {
  const name = uniqueUsername('keepers')
  const roleArn = 'arn:aws:iam::123456789012:role/keepers'
  const stored = async () => ((await get('/admin/groups')).json().groups as Array<{ name: string }>).find(g => g.name === name)
  t.equal((await send('POST', '/admin/groups', { name, description: 'Help desk', precedence: 5, roleArn })).statusCode, 201)

  const precedence = await send('PATCH', `/admin/groups/${name}`, { precedence: 2 })
  t.same(precedence.json(), { name, description: 'Help desk', precedence: 2, roleArn }, 'only precedence changed')
  t.same(await stored(), { name, description: 'Help desk', precedence: 2, roleArn }, 'as stored')

  const description = await send('PATCH', `/admin/groups/${name}`, { description: 'Second line' })
  t.same(description.json(), { name, description: 'Second line', precedence: 2, roleArn }, 'only the description changed')
  t.same(await stored(), { name, description: 'Second line', precedence: 2, roleArn }, 'as stored')

  const zero = await send('PATCH', `/admin/groups/${name}`, { precedence: 0 })
  t.same(zero.json(), { name, description: 'Second line', precedence: 0, roleArn }, 'precedence 0 is a value, not a missing one')
  t.same((await send('PATCH', `/admin/groups/${name}`, { roleArn: `${roleArn}-2` })).json(),
    { name, description: 'Second line', precedence: 0, roleArn: `${roleArn}-2` }, 'and precedence 0 is kept')
})

t.test('MFA reset: a lost authenticator is turned off, and the user\'s sessions end', async t => {
  const { username, password } = await confirmedUser('lostphone')
  const user = await tokensOf(username, password)
  // The user sets up TOTP and turns it on.
  const secret = (await app.inject({ method: 'POST', url: '/me/mfa/totp', headers: auth(user.accessToken) })).json().secret as string
  const verified = await app.inject({
    method: 'POST', url: '/me/mfa/totp/verify', headers: auth(user.accessToken), payload: { code: authenticator.generate(secret) }
  })
  t.equal(verified.statusCode, 204, verified.body)
  const totpOn = { totp: { enabled: true, preferred: true } }
  const on = await app.inject({ method: 'PUT', url: '/me/mfa', headers: auth(user.accessToken), payload: totpOn })
  t.equal(on.statusCode, 200, on.body)
  t.same((await get(`/admin/users/${username}/auth-factors`)).json(),
    { factors: ['PASSWORD'], mfa: { preferred: 'SOFTWARE_TOKEN_MFA', enabled: ['SOFTWARE_TOKEN_MFA'] } })
  const signIn = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  t.equal(signIn.json().challenge, 'SOFTWARE_TOKEN_MFA', 'a sign-in asks for the authenticator')

  const reset = await send('POST', `/admin/users/${username}/mfa/reset`)
  t.same(reset.json(), { status: 'mfa-reset', tokensRevoked: true, mfaTurnedOff: ['SOFTWARE_TOKEN_MFA'] })
  t.same((await get(`/admin/users/${username}`)).json().mfa, { enabled: [] }, 'no MFA left')
  // Ended at Cognito (the refresh token) and here (the access token).
  expectProblem(t, await app.inject({ method: 'GET', url: '/me', headers: auth(user.accessToken) }), 'TOKEN_INVALID')
  expectProblem(t, await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: user.refreshToken, tokenDelivery: 'body' } }),
    'SESSION_EXPIRED')
  const after = await tokensOf(username, password)
  t.same((await app.inject({ method: 'GET', url: '/me/auth-factors', headers: auth(after.accessToken) })).json(),
    { factors: ['PASSWORD'], mfa: { enabled: [] } }, 'the user\'s own view, with the password alone')

  expectProblem(t, await send('POST', '/admin/users/no-such-user/mfa/reset'), 'USER_NOT_FOUND')
  t.same(audits().filter(audit => audit.action === 'user.mfa-reset').map(audit => [audit.target.user, audit.result]),
    [[username, 'ok'], ['no-such-user', 'USER_NOT_FOUND']], 'audited')
})

t.test('what a pool without threat protection, device tracking or providers answers', async t => {
  const username = local.demoUser.username
  expectProblem(t, await get(`/admin/users/${username}/auth-events`), 'THREAT_PROTECTION_OFF')
  expectProblem(t, await send('POST', `/admin/users/${username}/auth-events/ev-1/feedback`, { feedback: 'invalid' }), 'THREAT_PROTECTION_OFF')
  t.same((await get(`/admin/users/${username}/devices`)).json(), { devices: [] })
  expectProblem(t, await send('DELETE', `/admin/users/${username}/devices/us-east-1_0a1b2c3d-0000-4000-8000-000000000000`), 'DEVICE_NOT_FOUND')
  const link = await send('POST', `/admin/users/${username}/identities/Google`, { providerUserId: '1234567890' })
  // Cognito's reason is passed on for a link.
  const noProvider = 'The local user pool has no such identity provider: local mode links no external identities.'
  expectProblem(t, link, 'INVALID_PARAMETER', { detail: noProvider })
  expectProblem(t, await send('DELETE', `/admin/users/${username}/identities/Google`), 'IDENTITY_NOT_FOUND',
    { detail: 'The user has no identity linked from Google.' })
  expectProblem(t, await get('/admin/users/no-such-user/devices'), 'USER_NOT_FOUND')
  // Not an admin: refused before Cognito is asked.
  const user = await tokensOf(username, local.demoUser.password)
  const notAdmin = { detail: 'Only members of the admins group may call the admin API.' }
  expectProblem(t, await send('POST', `/admin/users/${username}/mfa/reset`, undefined, user.accessToken), 'ADMIN_REQUIRED', notAdmin)
  expectProblem(t, await send('POST', '/admin/groups', { name: 'sneaky' }, user.accessToken), 'ADMIN_REQUIRED', notAdmin)
})
