/**
 * The admin API over a mocked SDK client (AWS mode, tokens from a real JWKS
 * server): who the guard lets in (group, or a service client's scope) and
 * whom it refuses, and every error row of the admin operations, throttling
 * included, with Cognito's real exception classes.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminUserGlobalSignOutCommand,
  InvalidParameterException,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  AdminAddUserToGroupCommand,
  ResourceNotFoundException,
  TooManyRequestsException,
  UnsupportedUserStateException,
  UserNotFoundException,
  UsernameExistsException
} from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { expectProblem } from '../../helper.js'
import { CLIENT_ID } from '../../helpers/jwks-server.js'
import { mockedCognitoApp } from '../../helpers/mocked-cognito.js'
import { fileTimeout } from '../../helpers/timeouts.js'

// Six AWS-mode apps, each with its JWKS server: 165 s once on a machine at load 18, past tap's default 120 s.
t.setTimeout(fileTimeout(20_000))

const META = { httpStatusCode: 400, requestId: 'f00dcafe-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 }
const SERVICE_CLIENT = 'svc7admin0client0000000000'
const OTHER_CLIENT = 'cms0client000000000000000a'

async function mockedApp (t: Test, env: Record<string, string> = {}) {
  const built = await mockedCognitoApp(t, {
    ADMIN_API: 'true', ADMIN_SCOPES: 'bff/admin', ADMIN_CLIENT_IDS: SERVICE_CLIENT, TOKEN_CLIENT_IDS: OTHER_CLIENT, ...env
  })
  const { cognito, jwks } = built
  const admin = jwks.accessToken('root', { 'cognito:groups': ['admins'] })
  const get = (url: string, token = admin) => built.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
  const send = (method: 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, payload?: object, token = admin) =>
    built.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) })
  return { ...built, cognito, admin, get, send }
}

/** A client-credentials token as Cognito issues one: the client is the subject, no username, no groups. */
function serviceToken (jwks: { accessToken (u: string, c?: Record<string, unknown>): string }, clientId: string, scope: string): string {
  return jwks.accessToken('ignored', { sub: clientId, client_id: clientId, username: undefined, scope })
}

t.test('(mocked Cognito SDK) the guard: admins in, everyone else out, before Cognito is asked anything', async t => {
  const { app, cognito, jwks, get, logs } = await mockedApp(t)
  cognito.on(ListGroupsCommand).resolves({ Groups: [{ GroupName: 'admins' }] })

  t.equal((await get('/admin/groups')).statusCode, 200, 'a member of ADMIN_GROUP')
  t.equal((await get('/admin/groups', serviceToken(jwks, SERVICE_CLIENT, 'bff/admin'))).statusCode, 200,
    'a service token from an ADMIN_CLIENT_IDS client with an ADMIN_SCOPES scope')

  const noToken = await app.inject({ method: 'GET', url: '/admin/groups' })
  expectProblem(t, noToken, 'UNAUTHENTICATED', { detail: 'Sign in, or send Authorization: Bearer <access token>.' })

  const adminDetail = { detail: 'Only members of the admins group or admin service clients may call the admin API.' }
  expectProblem(t, await get('/admin/groups', jwks.accessToken('bob')), 'ADMIN_REQUIRED', adminDetail)
  expectProblem(t, await get('/admin/groups', jwks.accessToken('bob', { 'cognito:groups': ['editors'] })), 'ADMIN_REQUIRED', adminDetail)
  // The admin scope is only an admin's from a client listed as an admin client: any client may be allowed a scope of that name.
  expectProblem(t, await get('/admin/groups', serviceToken(jwks, OTHER_CLIENT, 'bff/admin')), 'ADMIN_REQUIRED', adminDetail)
  expectProblem(t, await get('/admin/groups', serviceToken(jwks, SERVICE_CLIENT, 'bff/read')), 'ADMIN_REQUIRED', adminDetail)

  // An admin's token from an app client the service does not accept at all, an expired one, and an ID token.
  expectProblem(t, await get('/admin/groups', jwks.accessToken('root', { 'cognito:groups': ['admins'], client_id: 'unknown0client00000000000' })),
    'TOKEN_INVALID')
  const past = Math.floor(Date.now() / 1000) - 7200
  expectProblem(t, await get('/admin/groups', jwks.accessToken('root', { 'cognito:groups': ['admins'], iat: past, exp: past + 3600 })),
    'TOKEN_INVALID')
  expectProblem(t, await get('/admin/groups', jwks.accessToken('root', { 'cognito:groups': ['admins'], token_use: 'id', aud: CLIENT_ID })),
    'TOKEN_INVALID')

  t.equal(cognito.commandCalls(ListGroupsCommand).length, 2, 'only the two admins reached Cognito')
  const audit = logs.map(line => JSON.parse(line) as { msg?: string, audit?: { result?: string, actor?: unknown } })
    .filter(entry => entry.msg === 'admin action')
  t.equal(audit.length, 10, 'one audit line per admin request, refused ones included')
  t.same(audit.map(entry => entry.audit?.result), [
    'ok', 'ok', 'UNAUTHENTICATED', 'ADMIN_REQUIRED', 'ADMIN_REQUIRED', 'ADMIN_REQUIRED', 'ADMIN_REQUIRED', 'TOKEN_INVALID', 'TOKEN_INVALID',
    'TOKEN_INVALID'
  ])
})

t.test('(mocked Cognito SDK) an admin token revoked in the store is refused', async t => {
  const { app, jwks, get } = await mockedApp(t)
  const sub = 'sub-of-root'
  const token = jwks.accessToken('root', { sub, 'cognito:groups': ['admins'], iat: Math.floor(Date.now() / 1000) - 10 })
  await app.store.markSignedOut(sub, Math.floor(Date.now() / 1000), Math.floor(Date.now() / 1000) + 3600)
  expectProblem(t, await get('/admin/groups', token), 'TOKEN_INVALID')
})

t.test('(mocked Cognito SDK) every error row of the admin API', async t => {
  const { app, cognito, get, send } = await mockedApp(t)
  // An empty username is refused as the schema would, before the guard: without a token too.
  expectProblem(t, await app.inject({ method: 'POST', url: '/admin/users//disable' }), 'VALIDATION_FAILED', {
    detail: '/params/username: must NOT have fewer than 1 characters',
    errors: [{ field: '/params/username', message: 'must NOT have fewer than 1 characters' }]
  })
  cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: META }))
  expectProblem(t, await get('/admin/users/ghost'), 'USER_NOT_FOUND')

  cognito.on(ListUsersInGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group not found.', $metadata: META }))
  expectProblem(t, await get('/admin/groups/ghosts/users'), 'GROUP_NOT_FOUND')
  cognito.on(AdminAddUserToGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group not found.', $metadata: META }))
  expectProblem(t, await send('PUT', '/admin/groups/ghosts/users/ann'), 'GROUP_NOT_FOUND')
  // A missing pool is the operator's problem, not a missing group.
  cognito.on(ListGroupsCommand).rejects(new ResourceNotFoundException({ message: 'User pool us-east-1_Mocked01 does not exist.', $metadata: META }))
  expectProblem(t, await get('/admin/groups'), 'INTERNAL_ERROR')

  cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'User account already exists', $metadata: META }))
  expectProblem(t, await send('POST', '/admin/users', { username: 'ann', attributes: { email: 'ann@example.com' } }), 'USERNAME_EXISTS')

  cognito.on(ListUsersCommand).rejects(new InvalidParameterException({ message: 'Error while parsing filter.', $metadata: META }))
  expectProblem(t, await get('/admin/users?filter=email%20%3D%20%22a%22'), 'INVALID_FILTER')
  // The route's own check names the filter, before Cognito is asked.
  const calls = cognito.commandCalls(ListUsersCommand).length
  expectProblem(t, await get('/admin/users?filter=password%20%3D%20%22x%22'), 'INVALID_FILTER', {
    detail: 'The filter "password = \\"x\\"" is not valid: write <attribute> = "<value>" or <attribute> ^= "<value>", with one of ' +
      'username, email, phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status, sub.'
  })
  t.equal(cognito.commandCalls(ListUsersCommand).length, calls, 'a malformed filter never reaches Cognito')

  // Resend: a user past the invitation is refused by the route, and by Cognito's own exception if the status changed in between.
  cognito.on(AdminGetUserCommand, { Username: 'done' }).resolves({ Username: 'done', UserStatus: 'CONFIRMED' })
  expectProblem(t, await send('POST', '/admin/users/done/resend-invite'), 'INVITE_NOT_PENDING', {
    detail: 'The user\'s status is CONFIRMED, not FORCE_CHANGE_PASSWORD: there is no invitation to send again.'
  })
  cognito.on(AdminGetUserCommand, { Username: 'racy' }).resolves({ Username: 'racy', UserStatus: 'FORCE_CHANGE_PASSWORD' })
  cognito.on(AdminCreateUserCommand, { MessageAction: 'RESEND' })
    .rejects(new UnsupportedUserStateException({ message: 'Resend not possible.', $metadata: META }))
  expectProblem(t, await send('POST', '/admin/users/racy/resend-invite'), 'INVITE_NOT_PENDING')
})

t.test('(mocked Cognito SDK) Cognito throttling is 429 with Retry-After', async t => {
  const { cognito, get, send } = await mockedApp(t)
  const throttled = () => new TooManyRequestsException({ message: 'Too many requests', $metadata: { ...META, httpStatusCode: 429 } })
  cognito.on(ListUsersCommand).rejects(throttled())
  cognito.on(AdminUserGlobalSignOutCommand).rejects(throttled())
  cognito.on(AdminListGroupsForUserCommand).rejects(throttled())
  for (const response of [await get('/admin/users'), await send('POST', '/admin/users/ann/signout'), await get('/admin/users/ann/groups')]) {
    expectProblem(t, response, 'UPSTREAM_THROTTLED')
    t.equal(response.headers['retry-after'], '1')
  }
})

t.test('(mocked Cognito SDK) a membership change revokes the member\'s tokens, unless configured not to', async t => {
  for (const revoke of [true, false]) {
    const { app, cognito, jwks, send } = await mockedApp(t, { REVOKE_ON_GROUP_CHANGE: String(revoke) })
    const sub = `sub-of-ann-${String(revoke)}`
    cognito.on(AdminAddUserToGroupCommand).resolves({})
    cognito.on(AdminGetUserCommand).resolves({ Username: 'ann', UserAttributes: [{ Name: 'sub', Value: sub }] })
    const anns = jwks.accessToken('ann', { sub })
    const before = await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token: anns } })
    t.equal(before.statusCode, 200, 'ann\'s token is good before')
    const res = await send('PUT', '/admin/groups/editors/users/ann')
    t.same(res.json(), { status: 'added', tokensRevoked: revoke })
    const after = await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token: anns } })
    t.equal(after.statusCode, revoke ? 401 : 200, revoke ? 'refused after the change' : 'still good with REVOKE_ON_GROUP_CHANGE=false')
  }
})

t.test('(mocked Cognito SDK) an invitation by e-mail, by SMS, or none; the temporary password goes to Cognito only', async t => {
  const { cognito, send, logs } = await mockedApp(t)
  cognito.on(AdminCreateUserCommand).callsFake(input => ({ User: { Username: input.Username, UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true } }))
  const attributes = { email: 'ann@example.com', phone_number: '+15555550100' }
  for (const [delivery, expected] of [
    [undefined, { DesiredDeliveryMediums: ['EMAIL'] }],
    ['SMS', { DesiredDeliveryMediums: ['SMS'] }],
    ['NONE', { MessageAction: 'SUPPRESS' }]
  ] as const) {
    const body = { username: 'ann', attributes, temporaryPassword: 'Temp-Pass-123!', ...(delivery ? { delivery } : {}) }
    const res = await send('POST', '/admin/users', body)
    t.equal(res.statusCode, 201)
    t.same(res.json(), { username: 'ann', status: 'FORCE_CHANGE_PASSWORD', enabled: true, attributes: {} })
    const input = cognito.commandCalls(AdminCreateUserCommand).at(-1)!.args[0].input
    t.match(input, { Username: 'ann', TemporaryPassword: 'Temp-Pass-123!', ...expected }, `delivery ${delivery ?? '(default)'}`)
    t.equal(input.MessageAction === undefined, delivery !== 'NONE')
  }
  t.notOk(logs.some(line => line.includes('Temp-Pass-123!')), 'the temporary password is in no log line')
})
