/**
 * Bad input gets the route's documented 4xx problem, whole and exact, and
 * never a 500, a stack trace or an upstream error message. The cases are
 * tables: one row per request, checked by the same few asserts (test/helpers/bad-input.ts;
 * the admin routes and the user's session and AWS-credential routes: bad-input-admin.test.ts).
 */
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { checker, invalid, problem, type Case } from '../helpers/bad-input.js'
import { buildTestApp, PASSWORD } from '../helper.js'

const { app, logs, confirmedUser } = await buildTestApp(t)
const check = checker(app)

const username = 'probe-user'
const code = '123456'

/** Per POST route: a body that passes validation, and its required fields in schema order. */
const POST_ROUTES: Record<string, { valid: Record<string, string>, required: string[] }> = {
  '/auth/signup': { valid: { username, password: PASSWORD, email: 'probe@example.com' }, required: ['username', 'password'] },
  '/auth/signup/confirm': { valid: { username, code }, required: ['username', 'code'] },
  '/auth/signup/resend': { valid: { username }, required: ['username'] },
  '/auth/login': { valid: { username, password: PASSWORD, tokenDelivery: 'body' }, required: ['username', 'password'] },
  '/auth/refresh': { valid: { refreshToken: 'opaque-refresh-token', username, tokenDelivery: 'body' }, required: [] },
  '/auth/logout': { valid: { refreshToken: 'opaque-refresh-token' }, required: [] },
  '/auth/password/forgot': { valid: { username }, required: ['username'] },
  '/auth/password/reset': { valid: { username, code, password: PASSWORD }, required: ['username', 'code', 'password'] }
}

const post = (url: string, payload: unknown): InjectOptions => ({ method: 'POST', url, payload: payload as InjectOptions['payload'] })
const raw = (url: string, payload: string, contentType: string): InjectOptions => ({
  method: 'POST',
  url,
  payload,
  headers: { 'content-type': contentType }
})
const without = (body: Record<string, string>, field: string) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== field))

t.test('missing required fields', async t => {
  const cases: Case[] = []
  for (const [url, { valid, required }] of Object.entries(POST_ROUTES)) {
    if (required.length > 0) {
      cases.push({ name: `${url} {}`, request: post(url, {}), expect: invalid(...required.map(f => [`/body/${f}`, 'is required'] as const)) })
    }
    for (const field of required) {
      cases.push({ name: `${url} without ${field}`, request: post(url, without(valid, field)), expect: invalid([`/body/${field}`, 'is required']) })
    }
  }
  cases.push(
    // No body and no content type: the route still validates its required fields.
    {
      name: '/auth/login with no body at all',
      request: { method: 'POST', url: '/auth/login' },
      expect: invalid(['/body/username', 'is required'], ['/body/password', 'is required'])
    },
    {
      name: 'GET /auth/signup/confirm with no query',
      request: { method: 'GET', url: '/auth/signup/confirm' },
      expect: invalid(['/querystring/username', 'is required'], ['/querystring/code', 'is required'])
    },
    {
      name: 'GET /auth/signup/confirm without code',
      request: { method: 'GET', url: `/auth/signup/confirm?username=${username}` },
      expect: invalid(['/querystring/code', 'is required'])
    }
  )
  await check(t, cases)
})

t.test('wrong types are refused, not coerced', async t => {
  const cases: Case[] = []
  for (const [url, { valid }] of Object.entries(POST_ROUTES)) {
    // tokenDelivery is an enum: its errors are in the rows below.
    for (const field of Object.keys(valid).filter(name => name !== 'tokenDelivery')) {
      cases.push({
        name: `${url} ${field}: 12345`,
        request: post(url, { ...valid, [field]: 12345 }),
        expect: invalid([`/body/${field}`, 'must be string'])
      })
    }
  }
  for (const value of [true, null, { name: 'x' }, ['x']]) {
    cases.push({
      name: `/auth/login username: ${JSON.stringify(value)}`,
      request: post('/auth/login', { username: value, password: PASSWORD }),
      expect: invalid(['/body/username', 'must be string'])
    })
  }
  cases.push(
    {
      name: '/auth/login tokenDelivery: 12345',
      request: post('/auth/login', { username, password: PASSWORD, tokenDelivery: 12345 }),
      expect: invalid(['/body/tokenDelivery', 'must be string'], ['/body/tokenDelivery', 'must be equal to one of the allowed values'])
    },
    {
      name: '/auth/login tokenDelivery outside its enum',
      request: post('/auth/login', { username, password: PASSWORD, tokenDelivery: 'header' }),
      expect: invalid(['/body/tokenDelivery', 'must be equal to one of the allowed values'])
    },
    {
      name: '/auth/signup email not an e-mail',
      request: post('/auth/signup', { username, password: PASSWORD, email: 'not-an-email' }),
      expect: invalid(['/body/email', 'must match format "email"'])
    },
    {
      name: '/auth/signup/confirm empty code',
      request: post('/auth/signup/confirm', { username, code: '' }),
      expect: invalid(['/body/code', 'must NOT have fewer than 1 characters'], ['/body/code', 'must match pattern "^[\\S]+$"'])
    },
    // A repeated query parameter arrives as an array.
    {
      name: 'GET /auth/signup/confirm with username twice',
      request: { method: 'GET', url: `/auth/signup/confirm?username=${username}&username=other&code=${code}` },
      expect: invalid(['/querystring/username', 'must be string'])
    },
    {
      name: 'GET /local/messages with username twice',
      request: { method: 'GET', url: '/local/messages?username=a&username=b' },
      expect: invalid(['/querystring/username', 'must be string'])
    }
  )
  // Whole bodies that are JSON but not an object.
  for (const url of Object.keys(POST_ROUTES)) {
    for (const body of ['null', '[]', '"text"', '42']) {
      cases.push({ name: `${url} body ${body}`, request: raw(url, body, 'application/json'), expect: invalid(['/body', 'must be object']) })
    }
  }
  await check(t, cases)
})

t.test('unknown fields are refused, not dropped', async t => {
  const cases: Case[] = Object.entries(POST_ROUTES).map(([url, { valid }]) => ({
    name: `${url} with isAdmin`,
    request: post(url, { ...valid, isAdmin: true }),
    expect: invalid(['/body/isAdmin', 'is not a known field'])
  }))
  cases.push(
    {
      name: 'GET /auth/signup/confirm with an unknown parameter',
      request: { method: 'GET', url: `/auth/signup/confirm?username=${username}&code=${code}&next=s3cr3t-value` },
      expect: invalid(['/querystring/next', 'is not a known field']),
      notEchoed: ['s3cr3t-value']
    },
    {
      name: 'GET /auth/signup/confirm with only unknown parameters',
      request: { method: 'GET', url: '/auth/signup/confirm?user=a&token=s3cr3t-value' },
      expect: invalid(
        ['/querystring/username', 'is required'],
        ['/querystring/code', 'is required'],
        ['/querystring/user', 'is not a known field'],
        ['/querystring/token', 'is not a known field']
      ),
      notEchoed: ['s3cr3t-value']
    },
    {
      name: 'GET /local/messages with an unknown parameter',
      request: { method: 'GET', url: '/local/messages?all=true' },
      expect: invalid(['/querystring/all', 'is not a known field'])
    }
  )
  await check(t, cases)
})

t.test('sign-up refuses attributes a user may not set', async t => {
  const signUp = (attributes: unknown) => post('/auth/signup', { username, password: PASSWORD, attributes })
  const cases: Case[] = []
  for (const name of [
    'email_verified',
    'phone_number_verified',
    'foo',
    'sub',
    'cognito:groups',
    'custom:',
    'custom:name-longer-than-twenty',
    'Email'
  ]) {
    cases.push({
      name: `attribute ${name}`,
      request: signUp({ given_name: 'Probe', [name]: 'true' }),
      expect: invalid([`/body/attributes/${name}`, 'is not a known field'])
    })
  }
  const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`custom:a${i}`, 'x']))
  cases.push(
    { name: 'attribute value a number', request: signUp({ given_name: 42 }), expect: invalid(['/body/attributes/given_name', 'must be string']) },
    { name: 'attributes an array', request: signUp(['email_verified']), expect: invalid(['/body/attributes', 'must be object']) },
    { name: 'attributes a string', request: signUp('email_verified=true'), expect: invalid(['/body/attributes', 'must be object']) },
    { name: '51 attributes', request: signUp(tooMany), expect: invalid(['/body/attributes', 'must NOT have more than 50 properties']) }
  )
  await check(t, cases)
})

t.test('bodies that are too large, not JSON, or not JSON at all', async t => {
  const megabyte = JSON.stringify({ username, password: 'x'.repeat(1024 * 1024) })
  const cases: Case[] = []
  for (const url of Object.keys(POST_ROUTES)) {
    cases.push(
      {
        name: `${url} 1 MB of JSON`,
        request: raw(url, megabyte, 'application/json'),
        expect: problem('PAYLOAD_TOO_LARGE', 'The body is larger than 16384 bytes.')
      },
      {
        name: `${url} truncated JSON`,
        request: raw(url, '{"username": "probe', 'application/json'),
        expect: problem('MALFORMED_BODY', 'The body is not valid JSON.')
      },
      {
        name: `${url} form data sent as JSON`,
        request: raw(url, 'username=probe&password=x', 'application/json'),
        expect: problem('MALFORMED_BODY', 'The body is not valid JSON.')
      },
      {
        name: `${url} prototype pollution attempt`,
        request: raw(url, '{"__proto__": {"isAdmin": true}}', 'application/json'),
        expect: problem('MALFORMED_BODY', 'The body is not valid JSON.')
      },
      {
        name: `${url} text/plain`,
        request: raw(url, JSON.stringify(POST_ROUTES[url]!.valid), 'text/plain'),
        expect: problem('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.')
      },
      {
        name: `${url} form-urlencoded`,
        request: raw(url, 'username=probe', 'application/x-www-form-urlencoded'),
        expect: problem('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.')
      }
    )
    // An empty body labelled JSON means no body: the schema decides (refresh and logout need none).
    const { required } = POST_ROUTES[url]!
    if (required.length > 0) {
      cases.push({
        name: `${url} empty body with content-type json`,
        request: raw(url, '', 'application/json'),
        expect: invalid(...required.map(f => [`/body/${f}`, 'is required'] as const))
      })
    }
  }
  await check(t, cases)
})

t.test('refresh and logout accept an empty body labelled JSON, as browsers send it', async t => {
  const refresh = await app.inject(raw('/auth/refresh', '', 'application/json'))
  t.equal(refresh.statusCode, 401)
  t.equal(refresh.json().code, 'UNAUTHENTICATED')
  const logout = await app.inject(raw('/auth/logout', '', 'application/json'))
  t.equal(logout.statusCode, 204)
})

t.test('GET /me without a usable access token', async t => {
  const cases: Case[] = [
    {
      name: 'no credentials',
      request: { method: 'GET', url: '/me' },
      expect: problem('UNAUTHENTICATED', 'Sign in, or send Authorization: Bearer <access token>.')
    },
    {
      name: 'Basic credentials',
      request: { method: 'GET', url: '/me', headers: { authorization: 'Basic cHJvYmU6c2VjcmV0' } },
      expect: problem('TOKEN_INVALID', 'The Authorization header must be "Bearer <access token>".'),
      notEchoed: ['cHJvYmU6c2VjcmV0']
    },
    {
      name: 'Bearer that is not a JWT',
      request: { method: 'GET', url: '/me', headers: { authorization: 'Bearer not-a-token' } },
      expect: problem('TOKEN_INVALID', 'The Authorization header must be "Bearer <access token>".'),
      notEchoed: ['not-a-token']
    },
    // Verification failures say nothing more than TOKEN_INVALID.
    {
      name: 'Bearer with a JWT-shaped forgery',
      request: { method: 'GET', url: '/me', headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln' } },
      expect: problem('TOKEN_INVALID')
    },
    {
      name: 'a session cookie that does not unseal',
      request: { method: 'GET', url: '/me', headers: { cookie: 'bff_access=v1.forged' } },
      expect: problem('UNAUTHENTICATED', 'Sign in, or send Authorization: Bearer <access token>.')
    }
  ]
  await check(t, cases)
})

t.test('a session id that is not one', async t => {
  const { username } = await confirmedUser('badsession')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  const headers = { authorization: `Bearer ${String(login.json().tokens.accessToken)}` }
  const pattern = 'must match pattern "^(tkn|sso)[a-z0-9]{25}$"'
  const cases: Case[] = ['tkn123', 'TKN0000000000000000000000000', 'abc0000000000000000000000000', `tkn${'0'.repeat(26)}`].map(id => ({
    name: `DELETE /me/sessions/${id}`,
    request: { method: 'DELETE', url: `/me/sessions/${id}`, headers },
    expect: invalid(['/params/sessionId', pattern]),
    notEchoed: [id]
  }))
  await check(t, cases)
})

t.test('unknown routes', async t => {
  const cases: Case[] = [
    {
      name: 'GET /nope with secrets in the query',
      request: { method: 'GET', url: '/nope?token=s3cr3t-token&password=hunter2' },
      expect: problem('NOT_FOUND', 'No route for GET /nope.'),
      notEchoed: ['s3cr3t-token', 'hunter2']
    },
    {
      name: 'POST /auth/unknown with a body and a query',
      request: { method: 'POST', url: '/auth/unknown?code=987654', payload: { password: 'hunter2' } },
      expect: problem('NOT_FOUND', 'No route for POST /auth/unknown.'),
      notEchoed: ['987654', 'hunter2']
    },
    {
      name: 'GET on a POST-only route',
      request: { method: 'GET', url: '/auth/login?username=probe&password=hunter2' },
      expect: problem('NOT_FOUND', 'No route for GET /auth/login.'),
      notEchoed: ['hunter2']
    },
    {
      name: 'DELETE /auth/logout',
      request: { method: 'DELETE', url: '/auth/logout' },
      expect: problem('NOT_FOUND', 'No route for DELETE /auth/logout.')
    }
  ]
  await check(t, cases)
})

t.test('nothing above was logged as a server failure', async t => {
  const failures = logs.map(line => JSON.parse(line) as { level: number, msg?: string }).filter(entry => entry.level >= 50)
  t.same(failures, [])
})
