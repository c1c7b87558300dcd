/**
 * Token checks for other services: POST /tokens/verify with the emulator's
 * real tokens (local mode) and with tokens signed by a real key for a
 * configured pool (AWS mode, where expiry, groups and scopes are set at will);
 * GET /tokens/check as nginx auth_request or Traefik ForwardAuth call it.
 */
import t from 'tap'
import { buildAwsApp, buildTestApp, cookieHeader, type TestApp } from '../../helper.js'
import { fileTimeout } from '../../helpers/timeouts.js'

// Dozens of emulator round trips: 100-140 s on a busy machine, past tap's default for one file (see fileTimeout).
t.setTimeout(fileTimeout(30_000))

const demo = (local: TestApp['local']) => ({ username: local.demoUser.username, password: local.demoUser.password })

t.test('the emulator\'s own access and ID tokens verify, the kind inferred or required', async t => {
  const { app, local, config } = await buildTestApp(t)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...demo(local), tokenDelivery: 'body' } })
  const { accessToken, idToken } = login.json().tokens as { accessToken: string, idToken: string }
  const verify = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/tokens/verify', payload })

  const access = await verify({ token: accessToken })
  t.equal(access.statusCode, 200)
  t.match(access.json(), {
    username: 'demo',
    tokenUse: 'access',
    clientId: config.pool.clientId,
    groups: [],
    scopes: ['aws.cognito.signin.user.admin'],
    claims: { token_use: 'access', origin_jti: String }
  })
  t.ok(Date.parse(access.json().expiresAt) > Date.now())
  const id = await verify({ token: idToken })
  t.match(id.json(), { tokenUse: 'id', username: 'demo', scopes: [], claims: { email: 'demo@example.com' } })

  for (const [payload, reason] of [
    [{ token: idToken, tokenUse: 'access' }, 'invalid'],
    [{ token: accessToken, tokenUse: 'id' }, 'invalid'],
    [{ token: 'not.a.token' }, 'invalid'],
    [{ token: accessToken.slice(0, -4) + 'AAAA' }, 'invalid']
  ] as const) {
    const refused = await verify(payload)
    t.equal(refused.statusCode, 401)
    t.match(refused.json(), { code: 'TOKEN_INVALID', reason })
    t.equal(refused.headers['www-authenticate'], 'Bearer error="invalid_token"')
  }
})

t.test('a configured pool: expired and foreign tokens, the reason coarse and nothing more', async t => {
  const { app, jwks } = await buildAwsApp(t, { env: { TOKEN_CLIENT_IDS: 'cmsclient', TOKEN_MAX_BYTES: '4096' } })
  const now = Math.floor(Date.now() / 1000)
  const verify = (token: string) => app.inject({ method: 'POST', url: '/tokens/verify', payload: { token } })

  const expired = await verify(jwks.accessToken('alice', { iat: now - 7200, exp: now - 3600 }))
  t.same(Object.keys(expired.json()).sort(), ['code', 'instance', 'reason', 'status', 'title', 'type'], 'no detail that helps refine a forgery')
  t.equal(expired.json().reason, 'expired')
  t.equal((await verify(jwks.accessToken('alice', { client_id: 'cmsclient' }))).json().clientId, 'cmsclient', 'a second app client')
  t.equal((await verify(jwks.accessToken('alice', { client_id: 'another' }))).json().reason, 'invalid')
  t.equal((await verify(jwks.accessToken('alice', { padding: 'x'.repeat(5000) }))).json().reason, 'invalid', 'over TOKEN_MAX_BYTES')
})

t.test('the answer: the identity, and every claim as signed, awkward text included, the same on every presentation', async t => {
  const { app, jwks } = await buildAwsApp(t)
  // Quotes, backslashes, a line separator, an emoji and an escape JSON.stringify would not write: each must arrive as signed.
  const awkward = { 'custom:note': 'say "hi" \\ \u2028 ✓ 😀', 'custom:list': [{ k: 1 }, null, true], 'cognito:groups': ['a"b', 'ü'] }
  const body = JSON.stringify({ ...claimsOf(jwks.accessToken('bob "the" builder', awkward)) }).slice(0, -1) + ',"custom:esc":"\\u00e9"}'
  const token = jwks.signRaw(body)
  const claims = JSON.parse(body) as Record<string, unknown>
  const expected = {
    sub: claims.sub,
    username: 'bob "the" builder',
    tokenUse: 'access',
    clientId: claims.client_id,
    groups: ['a"b', 'ü'],
    scopes: ['aws.cognito.signin.user.admin'],
    expiresAt: new Date((claims.exp as number) * 1000).toISOString(),
    claims
  }
  for (const presentation of ['first', 'again (a cache hit: the identity rebuilt from the token)', 'a third time (the identity the cache kept)']) {
    const response = await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token } })
    t.equal(response.statusCode, 200, presentation)
    t.same(JSON.parse(response.body), expected, presentation)
    t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
  }
})

t.test('forward-auth: identity headers for a good token, 401 without one, 403 when a requirement is unmet', async t => {
  const { app, jwks } = await buildAwsApp(t)
  const token = jwks.accessToken('alice', { sub: 'sub-alice', 'cognito:groups': ['staff', 'admins'], scope: 'openid reports.read' })
  const check = (url: string, authorization?: string) =>
    app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } })

  const good = await check('/tokens/check', `Bearer ${token}`)
  t.equal(good.statusCode, 200)
  t.equal(good.body, '', 'no body: a proxy reads the status and headers')
  t.equal(good.headers['x-auth-request-user'], 'alice')
  t.equal(good.headers['x-auth-request-sub'], 'sub-alice')
  t.equal(good.headers['x-auth-request-groups'], 'staff,admins')
  t.equal(good.headers['x-auth-request-email'], undefined, 'an access token carries no e-mail')

  t.equal((await check('/tokens/check?group=admins&scope=reports.read', `Bearer ${token}`)).statusCode, 200)
  const notMember = await check('/tokens/check?group=finance', `Bearer ${token}`)
  t.equal(notMember.statusCode, 403)
  t.equal(notMember.json().code, 'NOT_PERMITTED')
  const noScope = await check('/tokens/check?scope=reports.write', `Bearer ${token}`)
  t.equal(noScope.statusCode, 403)
  t.equal(noScope.json().code, 'INSUFFICIENT_SCOPE')
  t.equal(noScope.headers['www-authenticate'], 'Bearer error="insufficient_scope", scope="reports.write"')

  const none = await check('/tokens/check')
  t.equal(none.statusCode, 401)
  t.equal(none.json().code, 'UNAUTHENTICATED')
  t.equal(none.headers['www-authenticate'], 'Bearer')
  const bad = await check('/tokens/check', `Bearer ${jwks.accessToken('alice', { exp: Math.floor(Date.now() / 1000) - 10 })}`)
  t.equal(bad.statusCode, 401)
  t.equal(bad.json().code, 'TOKEN_INVALID')
  t.equal(bad.json().reason, undefined, 'forward-auth says no more than 401')
})

t.test('forward-auth with a browser session: the cookies, the e-mail from the ID cookie, refused after logout', async t => {
  const { app, local } = await buildTestApp(t)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: demo(local) })
  const cookie = cookieHeader(login)
  const check = await app.inject({ method: 'GET', url: '/tokens/check', headers: { cookie } })
  t.equal(check.statusCode, 200)
  t.equal(check.headers['x-auth-request-user'], 'demo')
  t.equal(check.headers['x-auth-request-email'], 'demo@example.com')

  const inBody = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...demo(local), tokenDelivery: 'body' } })
  const idToken = inBody.json().tokens.idToken as string
  const byId = await app.inject({ method: 'GET', url: '/tokens/check', headers: { authorization: `Bearer ${idToken}` } })
  t.equal(byId.headers['x-auth-request-email'], 'demo@example.com', 'a Bearer ID token gives the e-mail')

  await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } })
  t.equal((await app.inject({ method: 'GET', url: '/tokens/check', headers: { cookie } })).statusCode, 401, 'a signed-out session is refused')
})

t.test('token checks are for servers and proxies: no CORS, and only the security headers a JSON answer needs', async t => {
  const { app, jwks } = await buildAwsApp(t, { env: { CORS_ORIGINS: 'https://app.example.com' } })
  const origin = { origin: 'https://app.example.com' }
  const token = jwks.accessToken('alice')
  const answers = {
    verify: await app.inject({ method: 'POST', url: '/tokens/verify', headers: origin, payload: { token } }),
    refused: await app.inject({ method: 'POST', url: '/tokens/verify', headers: origin, payload: { token: 'a.b.c' } }),
    check: await app.inject({ method: 'GET', url: '/tokens/check', headers: { ...origin, authorization: `Bearer ${token}` } })
  }
  for (const [name, answer] of Object.entries(answers)) {
    t.equal(answer.headers['cache-control'], 'no-store', `${name}: never cached`)
    t.equal(answer.headers['x-content-type-options'], 'nosniff', `${name}: never sniffed`)
    t.equal(answer.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", `${name}: never framed, loads nothing`)
    const cors = Object.keys(answer.headers).filter(header => header.startsWith('access-control-'))
    t.same(cors, [], `${name}: no CORS headers even for an allowed origin: a page cannot read the answer`)
    t.equal(answer.headers['x-frame-options'], undefined, `${name}: no browser-page headers`)
    t.ok(answer.headers['x-request-id'], `${name}: the request id`)
  }
  // The browser-facing routes keep the full set.
  const me = await app.inject({ method: 'GET', url: '/me', headers: origin })
  t.equal(me.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(me.headers['x-frame-options'], 'SAMEORIGIN')
})

t.test('time claims a Date cannot hold are invalid at every route that verifies (a 500 and a token that never expires before)', async t => {
  const { app, jwks } = await buildAwsApp(t)
  // Without the user-admin scope, /me answers 403 once its guard has accepted the token, before anything is asked of Cognito.
  const claims = claimsOf(jwks.accessToken('alice', { scope: 'openid' }))
  const routes = routesThatVerify(app)
  for (const [name, answer] of Object.entries(await routes(jwks.signRaw(JSON.stringify(claims))))) {
    t.equal(answer.statusCode, name === '/me' ? 403 : 200, `the control, ${name}`)
  }
  for (const text of ['1e13', '1e300', '1e999', '1.5']) {
    const { exp: _exp, ...rest } = claims
    const token = jwks.signRaw(`${JSON.stringify(rest).slice(0, -1)},"exp":${text}}`)
    for (const [name, answer] of Object.entries(await routes(token))) {
      t.equal(answer.statusCode, 401, `exp ${text}: ${name}`)
      t.match(answer.json(), { code: 'TOKEN_INVALID', ...(name === '/tokens/verify' ? { reason: 'invalid' } : {}) }, `exp ${text}: ${name}`)
    }
  }
})

t.test('strict parsing at every route that verifies: a claim of the wrong type, bytes that are not UTF-8, a name given twice', async t => {
  const { app, jwks } = await buildAwsApp(t)
  const claims = claimsOf(jwks.accessToken('alice', { scope: 'openid' }))
  const text = JSON.stringify(claims).slice(0, -1)
  const routes = routesThatVerify(app)
  for (const [name, answer] of Object.entries(await routes(jwks.signRaw(`${text},"note":"caf\u00e9"}`)))) {
    t.equal(answer.statusCode, name === '/me' ? 403 : 200, `the control, ${name}`)
  }
  const refused: Array<[string, string | Buffer]> = [
    ['username a number', JSON.stringify({ ...claims, username: 42 })],
    ['jti an array', JSON.stringify({ ...claims, jti: ['a', 'b'] })],
    ['not UTF-8', Buffer.concat([Buffer.from(`${text},"note":"caf`), Buffer.from([0xe9]), Buffer.from('"}')])],
    ['sub twice', `${text},"sub":"someone-else"}`]
  ]
  for (const [what, payload] of refused) {
    for (const [name, answer] of Object.entries(await routes(jwks.signRaw(payload)))) {
      t.equal(answer.statusCode, 401, `${what}: ${name}`)
      t.match(answer.json(), { code: 'TOKEN_INVALID', ...(name === '/tokens/verify' ? { reason: 'invalid' } : {}) }, `${what}: ${name}`)
    }
  }
})

/** A token's answers from POST /tokens/verify, GET /tokens/check and the signed-in guard (GET /me). */
function routesThatVerify (app: TestApp['app']) {
  return async (token: string) => {
    return {
      '/tokens/verify': await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token } }),
      '/tokens/check': await app.inject({ method: 'GET', url: '/tokens/check', headers: { authorization: `Bearer ${token}` } }),
      '/me': await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } })
    }
  }
}

function claimsOf (jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
}

t.test('forward-auth: a service\'s client-credentials token names its client, no user, and satisfies no group', async t => {
  const service = 'svc7reports0client00000000'
  const { app, jwks } = await buildAwsApp(t, { env: { TOKEN_CLIENT_IDS: service } })
  // As Cognito issues one: no username, the client as sub; the groups claim as a token customisation might add it.
  const token = jwks.accessToken('ignored', {
    sub: service, client_id: service, username: undefined, scope: 'reports/read', 'cognito:groups': ['admins']
  })
  const check = (url: string, bearer = token) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } })

  const good = await check('/tokens/check?scope=reports/read')
  t.equal(good.statusCode, 200)
  t.equal(good.headers['x-auth-request-client'], service)
  t.equal(good.headers['x-auth-request-user'], undefined, 'no user to name')
  t.equal(good.headers['x-auth-request-sub'], service)
  t.equal(good.headers['x-auth-request-groups'], '')
  const group = await check('/tokens/check?group=admins')
  t.equal(group.statusCode, 403)
  t.equal(group.json().code, 'NOT_PERMITTED')

  // The control: a user's token from the same client, with the same claims otherwise, is a user.
  const user = await check('/tokens/check?group=admins', jwks.accessToken('alice', { client_id: service, 'cognito:groups': ['admins'] }))
  t.equal(user.statusCode, 200)
  t.equal(user.headers['x-auth-request-user'], 'alice')
  t.equal(user.headers['x-auth-request-client'], undefined)
})
