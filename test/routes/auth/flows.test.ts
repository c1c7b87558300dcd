import t from 'tap'
import { buildTestApp, cookieHeader, expectProblem, PASSWORD, uniqueUsername } from '../../helper.js'
import { fileTimeout } from '../../helpers/timeouts.js'

// Dozens of emulator round trips: 100-140 s on a busy machine, past tap's default for one file (see fileTimeout).
t.setTimeout(fileTimeout(30_000))

const { app, local, latestCode, confirmedUser } = await buildTestApp(t)

async function signUp (username: string, extra: Record<string, unknown> = {}) {
  return await app.inject({
    method: 'POST',
    url: '/auth/signup',
    payload: { username, password: PASSWORD, email: `${username}@example.com`, ...extra }
  })
}

t.test('sign-up with standard and custom attributes, confirm, sign in, read /me', async t => {
  const username = uniqueUsername('alice')
  const signup = await signUp(username, { attributes: { given_name: 'Alice', 'custom:plan': 'pro' } })
  t.equal(signup.statusCode, 201)
  const body = signup.json()
  t.match(body, { username, confirmed: false, codeDelivery: { medium: 'EMAIL', attribute: 'email' } })
  t.match(body.userSub, /^[0-9a-f-]{36}$/)

  const beforeConfirm = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(beforeConfirm.statusCode, 403)
  t.equal(beforeConfirm.json().code, 'USER_NOT_CONFIRMED')

  const confirm = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: latestCode(username) } })
  t.same(confirm.json(), { status: 'confirmed' })

  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  t.equal(login.statusCode, 200)
  t.equal(login.json().status, 'authenticated')
  t.equal(login.json().tokens, undefined, 'cookie delivery keeps tokens out of the body')
  const cookies = Object.fromEntries(login.cookies.map(c => [c.name, c]))
  t.same(Object.keys(cookies).sort(), ['bff_access', 'bff_id', 'bff_refresh'])
  for (const cookie of login.cookies) {
    t.equal(cookie.httpOnly, true, `${cookie.name} is httpOnly`)
    t.equal(cookie.sameSite, 'Lax', `${cookie.name} is SameSite`)
    t.match(cookie.value, /^v1\./, `${cookie.name} is sealed`)
    t.notMatch(cookie.value, /eyJ/, `${cookie.name} does not show a JWT`)
  }
  t.equal(cookies.bff_refresh!.path, '/auth', 'the refresh cookie goes only to /auth')

  const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie: cookieHeader(login) } })
  t.equal(me.statusCode, 200)
  t.match(me.json(), { username, groups: [], attributes: { email: `${username}@example.com`, given_name: 'Alice', 'custom:plan': 'pro' } })
})

t.test('resend sends a new code that confirms the account; the old one no longer does', async t => {
  const username = uniqueUsername('resend')
  await signUp(username)
  const first = latestCode(username)
  const resend = await app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username } })
  t.equal(resend.statusCode, 202)
  t.same(resend.json(), { status: 'sent' })
  const second = latestCode(username)
  t.not(second, first, 'a new code was sent')
  const old = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: first } })
  expectProblem(t, old, 'CODE_MISMATCH')
  const confirm = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: second } })
  t.equal(confirm.statusCode, 200)

  const unknown = await app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username: uniqueUsername('nobody') } })
  t.equal(unknown.statusCode, 202, 'an unknown user gets the same answer')
  t.same(unknown.json(), { status: 'sent' })
  const confirmed = await app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username } })
  t.equal(confirmed.statusCode, 202, 'so does a confirmed one: the answer tells nothing about the account')
  t.same(confirmed.json(), { status: 'sent' })
})

t.test('with REVEAL_USER_EXISTENCE, resend tells unknown and confirmed accounts apart', async t => {
  const revealing = await buildTestApp(t, { env: { REVEAL_USER_EXISTENCE: 'true' } })
  const unknown = await revealing.app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username: uniqueUsername('nobody') } })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'USER_NOT_FOUND')
  const username = uniqueUsername('reveal')
  await revealing.app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  const pending = await revealing.app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username } })
  t.equal(pending.statusCode, 202)
  t.match(pending.json(), { status: 'sent', codeDelivery: { medium: 'EMAIL', attribute: 'email' } })
  await revealing.app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: revealing.latestCode(username) } })
  const confirmed = await revealing.app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username } })
  t.equal(confirmed.statusCode, 409)
  t.equal(confirmed.json().code, 'ALREADY_CONFIRMED')
})

t.test('sign-up problems: taken username, wrong code', async t => {
  const username = uniqueUsername('dup')
  await signUp(username)
  const dup = await signUp(username)
  t.equal(dup.statusCode, 409)
  t.match(dup.json(), { code: 'USERNAME_EXISTS', status: 409, type: '/problems/username-exists' })
  t.equal(dup.headers['content-type'], 'application/problem+json; charset=utf-8')

  const wrong = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: 'nope' } })
  t.equal(wrong.statusCode, 400)
  t.equal(wrong.json().code, 'CODE_MISMATCH')
})

t.test('wrong password and unknown user look the same', async t => {
  const { username } = await confirmedUser('bob')
  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Wrong-Password-1' } })
  const unknown = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: uniqueUsername('ghost'), password: PASSWORD } })
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined })
  t.same(strip(wrong.json()), strip(unknown.json()))
  t.equal(wrong.json().code, 'INVALID_CREDENTIALS')
})

t.test('body delivery: tokens in JSON, Bearer for /me, refresh and logout by body', async t => {
  const { username } = await confirmedUser('cli')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  t.equal(login.statusCode, 200)
  t.same(login.cookies, [], 'no cookies for body delivery')
  const { tokens } = login.json()
  t.match(tokens, { tokenType: 'Bearer', accessToken: /^eyJ/, idToken: /^eyJ/, refreshToken: String })
  t.ok(tokens.expiresIn > 3000)

  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${tokens.accessToken}` } })
  t.equal(me.statusCode, 200)
  t.equal(me.json().username, username)

  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: tokens.refreshToken } })
  t.equal(refreshed.statusCode, 200)
  t.match(refreshed.json().tokens, { accessToken: /^eyJ/, idToken: /^eyJ/ })

  const logout = await app.inject({
    method: 'POST',
    url: '/auth/logout',
    payload: { refreshToken: tokens.refreshToken },
    headers: { authorization: `Bearer ${tokens.accessToken}` }
  })
  t.equal(logout.statusCode, 204)

  const afterRefresh = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: tokens.refreshToken } })
  t.equal(afterRefresh.statusCode, 401)
  t.equal(afterRefresh.json().code, 'SESSION_EXPIRED')
  const afterMe = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${tokens.accessToken}` } })
  t.equal(afterMe.statusCode, 401, 'the access token presented at logout is refused afterwards')
  t.equal(afterMe.json().code, 'TOKEN_INVALID')
})

t.test('logout with only the refresh token ends the session\'s access and ID tokens too', async t => {
  const { username, password } = local.demoAdmin
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  const { accessToken, idToken, refreshToken } = login.json().tokens as { accessToken: string, idToken: string, refreshToken: string }
  const bearer = { authorization: `Bearer ${accessToken}` }
  t.equal((await app.inject({ method: 'GET', url: '/admin/users', headers: bearer })).statusCode, 200, 'an admin before logout')

  const logout = await app.inject({ method: 'POST', url: '/auth/logout', payload: { refreshToken } })
  t.equal(logout.statusCode, 204)
  expectProblem(t, await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } }), 'SESSION_EXPIRED')
  for (const [name, token] of [['access', accessToken], ['ID', idToken]]) {
    const verified = await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token } })
    t.equal(verified.statusCode, 401, `the ${name} token no longer verifies`)
    t.equal(verified.json().reason, 'revoked')
  }
  t.equal((await app.inject({ method: 'GET', url: '/tokens/check?group=admins', headers: bearer })).statusCode, 401, 'forward auth refuses it')
  expectProblem(t, await app.inject({ method: 'GET', url: '/admin/users', headers: bearer }), 'TOKEN_INVALID')
})

t.test('cookie session: refresh renews cookies, logout revokes and clears them', async t => {
  const { username } = await confirmedUser('web')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  const cookie = cookieHeader(login)

  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie } })
  t.equal(refreshed.statusCode, 200)
  t.equal(refreshed.json().status, 'authenticated')
  t.ok(refreshed.cookies.some(c => c.name === 'bff_access' && c.value.startsWith('v1.')), 'a new access cookie')

  const asBody = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie }, payload: { tokenDelivery: 'body' } })
  t.equal(asBody.statusCode, 200)
  t.equal(asBody.json().tokens, undefined, 'a cookie session never hands its tokens to page script')

  const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } })
  t.equal(logout.statusCode, 204)
  const cleared = Object.fromEntries(logout.cookies.map(c => [c.name, c]))
  for (const name of ['bff_access', 'bff_id', 'bff_refresh']) {
    t.equal(cleared[name]?.value, '', `${name} cleared`)
  }
  t.equal(cleared.bff_refresh?.path, '/auth', 'the refresh cookie is cleared on its own path')

  const again = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie } })
  t.equal(again.statusCode, 401, 'the revoked refresh token no longer works')
  t.equal(again.json().code, 'SESSION_EXPIRED')
  const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie } })
  t.equal(me.statusCode, 401)

  const noSession = await app.inject({ method: 'POST', url: '/auth/logout' })
  t.equal(noSession.statusCode, 204, 'logout without a session is fine')
})

t.test('forgot and reset password', async t => {
  const { username } = await confirmedUser('forgot')
  const forgot = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })
  t.equal(forgot.statusCode, 202)
  t.same(forgot.json(), { status: 'sent' })
  const unknown = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username: uniqueUsername('nobody') } })
  t.equal(unknown.statusCode, 202, 'unknown users get the same answer')
  t.same(unknown.json(), { status: 'sent' })

  const reset = await app.inject({
    method: 'POST',
    url: '/auth/password/reset',
    payload: { username, code: latestCode(username), password: 'New-Password-77' }
  })
  t.equal(reset.statusCode, 200)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'New-Password-77' } })
  t.equal(login.statusCode, 200)
})

t.test('/me needs a valid token', async t => {
  const none = await app.inject({ method: 'GET', url: '/me' })
  t.equal(none.statusCode, 401)
  t.equal(none.json().code, 'UNAUTHENTICATED')
  const garbage = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer abc.def.ghi' } })
  t.equal(garbage.json().code, 'TOKEN_INVALID')
  const badScheme = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic Zm9vOmJhcg==' } })
  t.equal(badScheme.json().code, 'TOKEN_INVALID')
  const forgedCookie = await app.inject({
    method: 'GET',
    url: '/me',
    headers: { cookie: 'bff_access=v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }
  })
  t.equal(forgedCookie.json().code, 'UNAUTHENTICATED', 'a cookie that does not unseal is no session')
})

t.test('forgot-password and resend answer no sooner than UNIFORM_ANSWER_MS, for existing and unknown accounts alike', async t => {
  const uniform = await buildTestApp(t, { env: { UNIFORM_ANSWER_MS: '300' } })
  const timed = async (url: string, username: string) => {
    const started = performance.now()
    const response = await uniform.app.inject({ method: 'POST', url, payload: { username } })
    t.equal(response.statusCode, 202)
    return performance.now() - started
  }
  for (const url of ['/auth/password/forgot', '/auth/signup/resend']) {
    for (const username of ['demo', uniqueUsername('nobody')]) {
      const ms = await timed(url, username)
      t.ok(ms >= 295, `${url} for ${username === 'demo' ? 'an existing' : 'an unknown'} account took ${Math.round(ms)} ms`)
    }
  }
})
