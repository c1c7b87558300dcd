/**
 * Bad input to the admin routes and the user's own session and AWS-credential
 * routes (the sibling of bad-input.test.ts, same rows and asserts): a
 * malformed username, group name, device key, event id, provider name or
 * session id, and bodies with fields missing, unknown or of the wrong shape,
 * each refused with its whole problem before any Cognito call, the bad value
 * not echoed. Admin rows run in local mode as the demo admin; POST
 * /me/aws-credentials in AWS mode over a mocked identity SDK (local mode has
 * no identity pool: it answers 501 before reading the body).
 */
import { randomUUID } from 'node:crypto'
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity'
import { mockClient } from 'aws-sdk-client-mock'
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { checker, invalid, problem, type Case } from '../helpers/bad-input.js'
import { buildAwsApp, buildTestApp } from '../helper.js'
import { CLIENT_ID } from '../helpers/jwks-server.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))
const { app, local, logs } = await buildTestApp(t)

/** Calls the service sent the local Cognito. */
let cognitoCalls = 0
local.sdk.middlewareStack.add(next => async args => {
  cognitoCalls++
  return await next(args)
}, { step: 'initialize', name: 'countCalls' })
const check = checker(app, () => cognitoCalls)

const login = await app.inject({
  method: 'POST', url: '/auth/login', payload: { username: local.demoAdmin.username, password: local.demoAdmin.password, tokenDelivery: 'body' }
})
const headers = { authorization: `Bearer ${String(login.json().tokens.accessToken)}` }
const admin = (method: InjectOptions['method'], url: string, payload?: object): InjectOptions =>
  ({ method, url, headers, ...(payload === undefined ? {} : { payload }) })

// The schemas' patterns, written out: the message names the pattern, never the value.
const NAME = 'must match pattern "^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$"'
const EVENT_ID = 'must match pattern "^[\\w-]+$"'
const DEVICE_KEY = 'must match pattern "^[\\w-]+_[0-9a-f-]+$"'
const PROVIDER = 'must match pattern "^[^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+$"'
const SESSION_ID = 'must match pattern "^(tkn|sso)[a-z0-9]{25}$"'
const ROLE_ARN = 'must match pattern "^arn:[\\w+=/,.@-]+:iam::\\d{12}:role/[\\w+=/,.@-]+$"'
const USER_ROLE = 'must match pattern "^arn:aws[a-z-]*:iam::\\d{12}:role/\\S+$"'
const user = 'probe-user'
const sessionId = `tkn${'0'.repeat(25)}`

t.test('the control: a well-formed admin request does reach Cognito', async t => {
  const before = cognitoCalls
  const res = await app.inject(admin('GET', '/admin/users/no-such-probe-user/sessions'))
  t.equal(res.json().code, 'USER_NOT_FOUND', res.body)
  t.ok(cognitoCalls > before, 'counted')
})

t.test('malformed path values', async t => {
  // [what, method, url with the bad value, the value as sent, the field, the message, a body that is otherwise good]
  const rows: Array<[string, InjectOptions['method'], (bad: string) => string, string, string, string, object?]> = [
    ['username with a space', 'GET', bad => `/admin/users/${bad}/sessions`, 'bad%20user', '/params/username', NAME],
    ['username with a control character', 'GET', bad => `/admin/users/${bad}/auth-factors`, 'bad%07user', '/params/username', NAME],
    ['group name with a space', 'PATCH', bad => `/admin/groups/${bad}`, 'bad%20group', '/params/group', NAME, { precedence: 1 }],
    ['group name with a space', 'DELETE', bad => `/admin/groups/${bad}`, 'bad%20group', '/params/group', NAME],
    ['device key without its region', 'DELETE', bad => `/admin/users/${user}/devices/${bad}`, 'nodevicekey', '/params/deviceKey', DEVICE_KEY],
    ['device key with a dot', 'DELETE', bad => `/admin/users/${user}/devices/${bad}`, 'us-east-1_ab.cd', '/params/deviceKey', DEVICE_KEY],
    ['event id with a dot', 'POST', bad => `/admin/users/${user}/auth-events/${bad}/feedback`, 'evt.1234', '/params/eventId', EVENT_ID,
      { feedback: 'valid' }],
    ['event id of 51 characters', 'POST', bad => `/admin/users/${user}/auth-events/${bad}/feedback`, 'e'.repeat(51), '/params/eventId',
      'must NOT have more than 50 characters', { feedback: 'valid' }],
    ['provider starting with _', 'POST', bad => `/admin/users/${user}/identities/${bad}`, '_Probeprovider', '/params/provider', PROVIDER,
      { providerUserId: '1234' }],
    ['provider with a space', 'DELETE', bad => `/admin/users/${user}/identities/${bad}`, 'Probe%20provider', '/params/provider', PROVIDER],
    ['provider of 33 characters', 'DELETE', bad => `/admin/users/${user}/identities/${bad}`, 'P'.repeat(33), '/params/provider',
      'must NOT have more than 32 characters'],
    ['session id too short', 'DELETE', bad => `/admin/users/${user}/sessions/${bad}`, 'tkn1234', '/params/sessionId', SESSION_ID],
    ['session id in capitals', 'DELETE', bad => `/admin/users/${user}/sessions/${bad}`, `TKN${'A'.repeat(25)}`, '/params/sessionId', SESSION_ID],
    ['session id of the wrong kind', 'DELETE', bad => `/admin/users/${user}/sessions/${bad}`, `abc${'0'.repeat(25)}`, '/params/sessionId',
      SESSION_ID]
  ]
  const cases: Case[] = rows.map(([what, method, url, bad, field, message, body]) => ({
    name: `${String(method)} ${url('{bad}')}: ${what}`,
    request: admin(method, url(bad), body),
    expect: invalid([field, message]),
    notEchoed: [bad, decodeURIComponent(bad)]
  }))
  cases.push({
    // Longer than the router's longest path parameter (100): refused before the schema is asked.
    name: 'POST /admin/users/{bad}/mfa/reset: username of 129 characters',
    request: admin('POST', `/admin/users/${'u'.repeat(129)}/mfa/reset`),
    expect: problem('VALIDATION_FAILED', 'The URL is not valid.'),
    notEchoed: ['u'.repeat(129)]
  }, {
    name: 'DELETE /admin/users/{u}/sessions/{id}: a malformed username with a good session id',
    request: admin('DELETE', `/admin/users/bad%20user/sessions/${sessionId}`),
    expect: invalid(['/params/username', NAME]),
    notEchoed: ['bad user']
  })
  await check(t, cases)
})

t.test('admin bodies: missing, unknown and malformed fields', async t => {
  const group = 'probe-group'
  const cases: Case[] = [
    { name: 'POST /admin/groups {}', request: admin('POST', '/admin/groups', {}), expect: invalid(['/body/name', 'is required']) },
    {
      name: 'POST /admin/groups without name',
      request: admin('POST', '/admin/groups', { description: 'Help desk', precedence: 1 }),
      expect: invalid(['/body/name', 'is required'])
    },
    {
      name: 'POST /admin/groups with members',
      request: admin('POST', '/admin/groups', { name: group, members: ['s3cr3t-member'] }),
      expect: invalid(['/body/members', 'is not a known field']),
      notEchoed: ['s3cr3t-member']
    },
    {
      name: 'POST /admin/groups name with a space',
      request: admin('POST', '/admin/groups', { name: 'bad group' }),
      expect: invalid(['/body/name', NAME]),
      notEchoed: ['bad group']
    },
    {
      name: 'POST /admin/groups precedence below 0',
      request: admin('POST', '/admin/groups', { name: group, precedence: -1 }),
      expect: invalid(['/body/precedence', 'must be >= 0'])
    },
    {
      name: 'POST /admin/groups precedence as text',
      request: admin('POST', '/admin/groups', { name: group, precedence: '5' }),
      expect: invalid(['/body/precedence', 'must be integer'])
    },
    {
      name: 'POST /admin/groups roleArn not a role',
      request: admin('POST', '/admin/groups', { name: group, roleArn: 'arn:aws:s3:::probe-bucket-name' }),
      expect: invalid(['/body/roleArn', ROLE_ARN]),
      notEchoed: ['probe-bucket-name']
    },
    {
      name: 'PATCH /admin/groups/{g} {}',
      request: admin('PATCH', `/admin/groups/${group}`, {}),
      expect: invalid(['/body', 'must NOT have fewer than 1 properties'])
    },
    {
      name: 'PATCH /admin/groups/{g} renaming (name is not a field)',
      request: admin('PATCH', `/admin/groups/${group}`, { name: 'renamed-probe' }),
      expect: invalid(['/body/name', 'is not a known field']),
      notEchoed: ['renamed-probe']
    },
    {
      name: 'PATCH /admin/groups/{g} precedence a fraction',
      request: admin('PATCH', `/admin/groups/${group}`, { precedence: 1.5 }),
      expect: invalid(['/body/precedence', 'must be integer'])
    },
    {
      name: 'PATCH /admin/groups/{g} description of 2049 characters',
      request: admin('PATCH', `/admin/groups/${group}`, { description: 'd'.repeat(2049) }),
      expect: invalid(['/body/description', 'must NOT have more than 2048 characters'])
    },
    {
      name: 'POST …/auth-events/{id}/feedback {}',
      request: admin('POST', `/admin/users/${user}/auth-events/evt-1/feedback`, {}),
      expect: invalid(['/body/feedback', 'is required'])
    },
    {
      name: 'POST …/auth-events/{id}/feedback in Cognito\'s spelling',
      request: admin('POST', `/admin/users/${user}/auth-events/evt-1/feedback`, { feedback: 'Invalid' }),
      expect: invalid(['/body/feedback', 'must be equal to one of the allowed values'])
    },
    {
      name: 'POST …/auth-events/{id}/feedback with an unknown field',
      request: admin('POST', `/admin/users/${user}/auth-events/evt-1/feedback`, { feedback: 'invalid', signOut: true }),
      expect: invalid(['/body/signOut', 'is not a known field'])
    },
    {
      name: 'POST …/identities/{provider} {}',
      request: admin('POST', `/admin/users/${user}/identities/Google`, {}),
      expect: invalid(['/body/providerUserId', 'is required'])
    },
    {
      name: 'POST …/identities/{provider} with an unknown field',
      request: admin('POST', `/admin/users/${user}/identities/Google`, { providerUserId: '1234', email: 's3cr3t@example.com' }),
      expect: invalid(['/body/email', 'is not a known field']),
      notEchoed: ['s3cr3t@example.com']
    },
    {
      name: 'POST …/identities/{provider} attribute with a space',
      request: admin('POST', `/admin/users/${user}/identities/Google`, { providerUserId: '1234', attribute: 'Cognito Subject' }),
      expect: invalid(['/body/attribute', 'must match pattern "^[\\w:.-]+$"']),
      notEchoed: ['Cognito Subject']
    },
    {
      name: 'POST …/identities/{provider} providerUserId a number',
      request: admin('POST', `/admin/users/${user}/identities/Google`, { providerUserId: 1234 }),
      expect: invalid(['/body/providerUserId', 'must be string'])
    }
  ]
  await check(t, cases)
})

t.test('POST /me/aws-credentials bodies (AWS mode, mocked identity SDK: refused before any call)', async t => {
  const identity = mockClient(CognitoIdentityClient)
  t.teardown(() => identity.restore())
  const aws = await buildAwsApp(t, { env: { IDENTITY_POOL_ID: 'us-east-1:4f7c2a1e-9b3d-4c8e-a6f0-1d2e3f4a5b6c' } })
  const sub = randomUUID()
  const now = Math.floor(Date.now() / 1000)
  const idToken = aws.jwks.sign({
    sub, aud: CLIENT_ID, token_use: 'id', 'cognito:username': 'alice', auth_time: now, iat: now, exp: now + 3600, iss: aws.jwks.issuer
  })
  const me = (payload: object): InjectOptions => ({
    method: 'POST', url: '/me/aws-credentials', headers: { authorization: `Bearer ${aws.jwks.accessToken('alice', { sub })}` }, payload
  })
  const cases: Case[] = [
    {
      name: 'role not an ARN',
      request: me({ idToken, role: 'uploaders' }),
      expect: invalid(['/body/role', 'must NOT have fewer than 20 characters'], ['/body/role', USER_ROLE]),
      notEchoed: ['uploaders', idToken]
    },
    {
      name: 'role an S3 ARN',
      request: me({ idToken, role: 'arn:aws:s3:::probe-bucket-name' }),
      expect: invalid(['/body/role', USER_ROLE]),
      notEchoed: ['probe-bucket-name', idToken]
    },
    {
      name: 'an unknown field',
      request: me({ idToken, accessToken: 'not-this-one-probe' }),
      expect: invalid(['/body/accessToken', 'is not a known field']),
      notEchoed: ['not-this-one-probe', idToken]
    },
    { name: 'idToken empty', request: me({ idToken: '' }), expect: invalid(['/body/idToken', 'must NOT have fewer than 1 characters']) },
    { name: 'idToken a number', request: me({ idToken: 42 }), expect: invalid(['/body/idToken', 'must be string']) }
  ]
  await checker(aws.app, () => identity.calls().length)(t, cases)
})

t.test('nothing above was logged as a server failure', async t => {
  const failures = logs.map(line => JSON.parse(line) as { level: number, msg?: string }).filter(entry => entry.level >= 50)
  t.same(failures, [])
})
