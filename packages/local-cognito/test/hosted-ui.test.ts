/**
 * The local stand-in for Cognito's hosted UI (src/local/hosted-ui.ts), driven
 * over HTTP as a browser and an app would: /oauth2/authorize (form and single
 * sign-on), /oauth2/token, /logout, and the app client's hosted-UI settings.
 */
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  RevokeTokenCommand,
  SignUpCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { decodeJwt } from '../src/guards/jwt.ts'
import { startLocalCognito } from '../src/index.ts'
import { PASSWORD, startLocal, tempDir, testOptions, uniqueUsername, withPool } from './helper.ts'
import { refused } from './emulator.ts'

const PUBLIC = 'http://localhost:3000'
const CALLBACK = `${PUBLIC}/oauth/callback`
const LOGOUT = `${PUBLIC}/local/demo`

const local = await startLocal(t, { publicUrl: PUBLIC })
const { endpoint, clientId, userPoolId } = local.config.pool as { endpoint: string, clientId: string, userPoolId: string }

/** A user who can sign in (CONFIRMED, with PASSWORD). */
async function confirmedUser (prefix = 'hosted'): Promise<string> {
  const username = uniqueUsername(prefix)
  await local.sdk.send(new AdminCreateUserCommand({
    UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }]
  }))
  await local.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: PASSWORD, Permanent: true }))
  return username
}

function pkce (): { verifier: string, challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** A browser's cookie jar for the emulator's origin. */
class Browser {
  readonly jar = new Map<string, string>()

  get cookie (): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  async fetch (url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers as Record<string, string>, cookie: this.cookie } })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)]
      if (/max-age=0/i.test(line)) this.jar.delete(name)
      else this.jar.set(name, value)
    }
    return response
  }
}

function authorizeUrl (params: Record<string, string>, base = endpoint): string {
  return `${base}/oauth2/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: CALLBACK, response_type: 'code', ...params })}`
}

/** The hidden fields of the sign-in form, as the browser would post them back. */
function hiddenFields (html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [, name = '', value = ''] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[name] = value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
  }
  return fields
}

/** Posts the form as the browser showing it would: from the page's own origin. */
async function submitForm (browser: Browser, form: string, username: string, password: string, base = endpoint, origin = base): Promise<Response> {
  return await browser.fetch(`${base}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ ...hiddenFields(form), username, password }).toString()
  })
}

/** Signs in through the form; the redirect back to the app. */
async function signIn (browser: Browser, username: string, params: Record<string, string> = {}, base = endpoint): Promise<URL> {
  const form = await browser.fetch(authorizeUrl(params, base))
  if (form.status !== 200) throw new Error(`the authorize page answered ${form.status}`)
  const response = await submitForm(browser, await form.text(), username, PASSWORD, base)
  const location = response.headers.get('location')
  if (response.status !== 302 || location === null) throw new Error(`sign-in answered ${response.status}: ${await response.text()}`)
  return new URL(location)
}

async function exchange (body: Record<string, string>, headers: Record<string, string> = {}, base = endpoint): Promise<Response> {
  return await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString()
  })
}

/** The token request for a code (and its verifier, when there is one). */
function codeGrant (grant: { code: string, verifier?: string }, client = clientId): Record<string, string> {
  const body: Record<string, string> = { grant_type: 'authorization_code', client_id: client, code: grant.code, redirect_uri: CALLBACK }
  if (grant.verifier !== undefined) body.code_verifier = grant.verifier
  return body
}

/** A code for a fresh user's sign-in, with PKCE. */
async function codeFor (params: Record<string, string> = {}): Promise<{ code: string, verifier: string, username: string }> {
  const username = await confirmedUser()
  const { verifier, challenge } = pkce()
  const back = await signIn(new Browser(), username, { code_challenge: challenge, code_challenge_method: 'S256', ...params })
  return { code: back.searchParams.get('code') ?? '', verifier, username }
}

t.test('round trip: form, sign-in, code exchange with nonce and scopes, then refresh and revocation through the SDK', async t => {
  const username = await confirmedUser()
  const browser = new Browser()
  const { verifier, challenge } = pkce()
  const params = {
    scope: 'openid email aws.cognito.signin.user.admin', state: 'state-1', nonce: 'nonce-1', code_challenge: challenge, code_challenge_method: 'S256'
  }

  const form = await browser.fetch(authorizeUrl(params))
  t.equal(form.status, 200)
  t.equal(form.headers.get('content-type'), 'text/html; charset=utf-8')
  const csp = form.headers.get('content-security-policy')
  t.equal(csp, "default-src 'none'; frame-ancestors 'none'", 'no form-action: the post\'s redirects go on to the app')
  t.equal(form.headers.get('cache-control'), 'no-store')
  const html = await form.text()
  t.match(html, /<input name="username"/)
  t.match(html, /<input type="password" name="password"/)
  t.match(html, /<button type="submit">Sign in<\/button>/)
  t.match(hiddenFields(html), { client_id: clientId, redirect_uri: CALLBACK, ...params }, 'the form carries the request')
  t.notOk(browser.jar.has('cognito'), 'no hosted session before signing in')

  const signedIn = await submitForm(browser, html, username.toUpperCase(), PASSWORD)
  t.equal(signedIn.status, 302, 'usernames are case-insensitive, as in the local pool')
  const back = new URL(signedIn.headers.get('location') ?? '')
  t.equal(`${back.origin}${back.pathname}`, CALLBACK)
  t.equal(back.searchParams.get('state'), 'state-1')
  const code = back.searchParams.get('code') ?? ''
  t.match(code, /^[\w-]{43}$/)
  const sessionCookie = /^cognito=[\w-]{43}; Path=\/; Max-Age=3600; HttpOnly; SameSite=Lax$/m
  t.match(signedIn.headers.getSetCookie().join('\n'), sessionCookie, 'the hosted session cookie')

  const token = await exchange(codeGrant({ code, verifier }))
  t.equal(token.status, 200)
  t.equal(token.headers.get('cache-control'), 'no-store')
  const tokens = await token.json() as Record<string, unknown>
  t.same(Object.keys(tokens).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'token_type'])
  t.equal(tokens.token_type, 'Bearer')
  t.ok(Number(tokens.expires_in) > 3000 && Number(tokens.expires_in) <= 24 * 3600, `expires_in ${String(tokens.expires_in)} follows the access token`)
  const id = decodeJwt(tokens.id_token)
  const access = decodeJwt(tokens.access_token)
  t.match(id, { nonce: 'nonce-1', aud: clientId, 'cognito:username': username, token_use: 'id' })
  t.match(access, { scope: 'openid email aws.cognito.signin.user.admin', client_id: clientId, username, token_use: 'access' })
  t.equal(access?.origin_jti, decodeJwt(tokens.refresh_token)?.jti, 'the access token belongs to the refresh token\'s session')

  const user = await local.sdk.send(new GetUserCommand({ AccessToken: String(tokens.access_token) }))
  t.equal(user.Username, username, 'the access token is accepted (signature and session checked by the local layer)')
  const refreshed = await local.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: String(tokens.refresh_token) }))
  t.equal(decodeJwt(refreshed.AuthenticationResult?.AccessToken)?.username, username, 'the refresh token was stored: refresh works')

  await local.sdk.send(new RevokeTokenCommand({ ClientId: clientId, Token: String(tokens.refresh_token) }))
  await refused(t, local.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: String(tokens.refresh_token) })),
    'NotAuthorizedException', 'Invalid Refresh Token', 'revoked: refresh refused')
  await refused(t, local.sdk.send(new GetUserCommand({ AccessToken: String(tokens.access_token) })),
    'NotAuthorizedException', 'Access Token has been revoked', 'revoked: the hosted-UI access token too')
})

t.test('single sign-on: the hosted session skips the form until /logout ends it (server side, not only the cookie)', async t => {
  const username = await confirmedUser()
  const browser = new Browser()
  await signIn(browser, username)
  const session = browser.jar.get('cognito')
  t.ok(session)

  const again = await browser.fetch(authorizeUrl({ state: 'second', nonce: 'n2' }))
  t.equal(again.status, 302, 'no form the second time')
  const back = new URL(again.headers.get('location') ?? '')
  t.equal(back.searchParams.get('state'), 'second')
  const token = await exchange(codeGrant({ code: back.searchParams.get('code') ?? '' }))
  t.equal(token.status, 200, 'a code without PKCE is fine (PKCE is optional, as at Cognito)')
  t.match(decodeJwt((await token.json() as { id_token: string }).id_token), { 'cognito:username': username, nonce: 'n2' })

  t.equal((await new Browser().fetch(authorizeUrl({}))).status, 200, 'another browser gets the form')

  const logout = await browser.fetch(`${endpoint}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: LOGOUT })}`)
  t.equal(logout.status, 302)
  t.equal(logout.headers.get('location'), LOGOUT)
  t.match(logout.headers.getSetCookie().join('\n'), /^cognito=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax$/m, 'the cookie is cleared')

  const kept = new Browser()
  kept.jar.set('cognito', session!)
  const afterLogout = await kept.fetch(authorizeUrl({}))
  t.equal(afterLogout.status, 200, 'a browser that kept the cookie gets the form: the session ended on the server')
  t.match(await afterLogout.text(), /Sign in<\/button>/)
})

t.test('an unregistered redirect_uri or unknown client is an error page, never a redirect', async t => {
  const cases: Array<[string, Record<string, string>]> = [
    ['another URL', { redirect_uri: 'https://evil.example/callback' }],
    ['a longer path', { redirect_uri: `${CALLBACK}/more` }],
    ['an extra query', { redirect_uri: `${CALLBACK}?next=/` }],
    ['no redirect_uri', { redirect_uri: '' }],
    ['an unknown client', { client_id: 'nosuchclient' }]
  ]
  for (const [what, params] of cases) {
    const response = await fetch(authorizeUrl({ state: 'keep-me', ...params }), { redirect: 'manual' })
    t.equal(response.status, 400, what)
    t.equal(response.headers.get('location'), null, `${what}: no Location`)
    const body = await response.text()
    t.match(body, /An error was encountered/, what)
    t.notMatch(body, 'keep-me', `${what}: nothing of the request is reflected`)
  }
  const posted = await fetch(`${endpoint}/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: clientId, redirect_uri: 'https://evil.example/callback', response_type: 'code', username: 'x', password: 'y'
    }).toString()
  })
  t.equal(posted.status, 400, 'the form post checks it too')
  t.equal(posted.headers.get('location'), null)
})

t.test('an unregistered logout_uri is an error page, and the session goes on', async t => {
  const browser = new Browser()
  await signIn(browser, await confirmedUser())
  for (const logoutUri of ['https://evil.example/', `${LOGOUT}/x`, CALLBACK]) {
    const response = await browser.fetch(`${endpoint}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: logoutUri })}`)
    t.equal(response.status, 400, logoutUri)
    t.equal(response.headers.get('location'), null)
  }
  const unknownClient = await browser.fetch(`${endpoint}/logout?${new URLSearchParams({ client_id: 'nosuchclient', logout_uri: LOGOUT })}`)
  t.equal(unknownClient.status, 400, 'unknown client')
  t.equal((await browser.fetch(authorizeUrl({}))).status, 302, 'still signed in')
  const root = await browser.fetch(`${endpoint}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: `${PUBLIC}/` })}`)
  t.equal(root.headers.get('location'), `${PUBLIC}/`, 'the second registered logout URL works')
})

t.test('reflected values are escaped in the form, and come back unchanged', async t => {
  const state = '"><script>alert(1)</script>&'
  const browser = new Browser()
  const form = await browser.fetch(authorizeUrl({ state, nonce: '<img src=x onerror=alert(1)>' }))
  const html = await form.text()
  t.notMatch(html, /<script>|<img/, 'no markup from the request')
  t.match(html, '&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#38;')

  const wrong = await submitForm(browser, html, '"><svg onload=alert(1)>', 'wrong')
  t.notMatch(await wrong.text(), /<svg/, 'the username echoed back is escaped too')

  const back = await signIn(browser, await confirmedUser(), { state })
  t.equal(back.searchParams.get('state'), state, 'state comes back exactly')
})

t.test('a code is good once: a replay, even a concurrent one, is invalid_grant', async t => {
  const body = codeGrant(await codeFor())
  const [first, second] = await Promise.all([exchange(body), exchange(body)])
  t.same([first!.status, second!.status].sort(), [200, 400], 'exactly one of two simultaneous exchanges succeeds')
  const replay = await exchange(body)
  t.equal(replay.status, 400)
  t.same(await replay.json(), { error: 'invalid_grant' })
})

t.test('PKCE: a wrong or missing code_verifier is invalid_grant', async t => {
  for (const [what, verifier] of [['wrong verifier', pkce().verifier], ['no verifier', undefined]] as const) {
    const { code } = await codeFor()
    const response = await exchange(codeGrant({ code, verifier }))
    t.equal(response.status, 400, what)
    t.same(await response.json(), { error: 'invalid_grant' }, what)
  }
})

t.test('a code is bound to its redirect_uri and client', async t => {
  const other = await local.sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: userPoolId,
    ClientName: 'other',
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid'],
    SupportedIdentityProviders: ['COGNITO'],
    CallbackURLs: [CALLBACK]
  }))
  const otherId = other.UserPoolClient?.ClientId ?? ''

  const wrongUri = await exchange({ ...codeGrant(await codeFor()), redirect_uri: `${PUBLIC}/other` })
  t.equal(wrongUri.status, 400)
  t.same(await wrongUri.json(), { error: 'invalid_grant' }, 'another redirect_uri')

  const wrongClient = await exchange(codeGrant(await codeFor(), otherId))
  t.equal(wrongClient.status, 400)
  t.same(await wrongClient.json(), { error: 'invalid_grant' }, 'another client')
})

t.test('authorize errors go back to the redirect_uri with Cognito\'s error names and the state', async t => {
  const noOAuth = await local.sdk.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'no-oauth', CallbackURLs: [CALLBACK] }))
  const cases: Array<[Record<string, string>, string, RegExp?]> = [
    [{ identity_provider: 'Google' }, 'invalid_request', /only has the user pool's own users.*real user pool/],
    [{ response_type: 'token' }, 'unauthorized_client'],
    [{ response_type: 'id_token' }, 'unsupported_response_type'],
    [{ scope: 'openid phone' }, 'invalid_scope', /phone/],
    [{ code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'invalid_request', /S256/],
    [{ code_challenge: 'too-short', code_challenge_method: 'S256' }, 'invalid_request', /base64url SHA-256/],
    [{ client_id: noOAuth.UserPoolClient?.ClientId ?? '' }, 'unauthorized_client']
  ]
  for (const [params, error, description] of cases) {
    const response = await fetch(authorizeUrl({ state: 'st', ...params }), { redirect: 'manual' })
    const what = JSON.stringify(params)
    t.equal(response.status, 302, what)
    const back = new URL(response.headers.get('location') ?? 'http://invalid')
    t.equal(`${back.origin}${back.pathname}`, CALLBACK, what)
    t.equal(back.searchParams.get('error'), error, what)
    t.equal(back.searchParams.get('state'), 'st', what)
    t.notOk(back.searchParams.has('code'), what)
    if (description) t.match(back.searchParams.get('error_description'), description, what)
  }
  t.equal((await fetch(authorizeUrl({ identity_provider: 'COGNITO' }), { redirect: 'manual' })).status, 200, 'identity_provider=COGNITO is the form')
})

t.test('scopes: none asked for grants the client\'s; an ID token only with openid; a refresh grant keeps them', async t => {
  const allTokens = await (await exchange(codeGrant(await codeFor()))).json() as Record<string, string>
  t.equal(decodeJwt(allTokens.access_token)?.scope, 'openid email profile aws.cognito.signin.user.admin')

  const response = await exchange(codeGrant(await codeFor({ scope: 'aws.cognito.signin.user.admin' })))
  const tokens = await response.json() as Record<string, string>
  t.notOk('id_token' in tokens, 'no openid, no ID token')
  t.equal(decodeJwt(tokens.access_token)?.scope, 'aws.cognito.signin.user.admin')

  const refreshed = await exchange({ grant_type: 'refresh_token', client_id: clientId, refresh_token: tokens.refresh_token ?? '' })
  t.equal(refreshed.status, 200)
  t.notOk('id_token' in (await refreshed.json() as Record<string, string>), 'no openid, no ID token on refresh either')

  const profile = await codeFor({ scope: 'openid profile' })
  const profileTokens = await (await exchange(codeGrant(profile))).json() as Record<string, string>
  const refreshGrant = { grant_type: 'refresh_token', client_id: clientId, refresh_token: profileTokens.refresh_token ?? '' }
  const again = await (await exchange(refreshGrant)).json() as Record<string, string>
  t.equal(decodeJwt(again.access_token)?.scope, 'openid profile', 'the refresh grant keeps the granted scopes')
  t.match(decodeJwt(again.id_token), { 'cognito:username': profile.username })
  const bogus = await exchange({ grant_type: 'refresh_token', client_id: clientId, refresh_token: 'not-a-token' })
  t.same([bogus.status, await bogus.json()], [400, { error: 'invalid_grant' }])
  const unknown = await exchange({ grant_type: 'password', client_id: clientId })
  t.same([unknown.status, await unknown.json()], [400, { error: 'unsupported_grant_type' }])
})

t.test('a client without a secret must not send one', async t => {
  const basic = `Basic ${Buffer.from(`${clientId}:made-up-secret`).toString('base64')}`
  const response = await exchange(codeGrant(await codeFor()), { authorization: basic })
  t.equal(response.status, 401)
  t.same(await response.json(), { error: 'invalid_client' })
})

t.test('a wrong password or unknown user re-serves the form with Cognito\'s message, and no code', async t => {
  const username = await confirmedUser()
  for (const [who, password] of [[username, 'Wrong-Password-1'], [uniqueUsername('nobody'), PASSWORD]] as const) {
    const browser = new Browser()
    const form = await browser.fetch(authorizeUrl({ state: 's' }))
    const response = await submitForm(browser, await form.text(), who, password)
    t.equal(response.status, 200, who)
    t.equal(response.headers.get('location'), null)
    t.match(await response.text(), 'Incorrect username or password.')
    t.notOk(browser.jar.has('cognito'), 'no hosted session')
  }
})

t.test('unconfirmed, disabled and invited users are refused with a message; a disabled user\'s session no longer signs in', async t => {
  const unconfirmed = uniqueUsername('unconfirmed')
  await local.sdk.send(new SignUpCommand({
    ClientId: clientId, Username: unconfirmed, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${unconfirmed}@example.com` }]
  }))
  const invited = uniqueUsername('invited')
  await local.sdk.send(new AdminCreateUserCommand({
    UserPoolId: userPoolId, Username: invited, TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS'
  }))
  const disabled = await confirmedUser('disabled')
  const signedIn = new Browser()
  await signIn(signedIn, disabled)
  await local.sdk.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: disabled }))

  const cases: Array<[string, string, RegExp]> = [
    [unconfirmed, PASSWORD, /not confirmed/],
    [disabled, PASSWORD, /User is disabled\./],
    [invited, PASSWORD, /sign in through the API to set a new password/],
    [disabled, 'Wrong-Password-1', /Incorrect username or password\./]
  ]
  for (const [username, password, message] of cases) {
    const browser = new Browser()
    const form = await browser.fetch(authorizeUrl({}))
    const response = await submitForm(browser, await form.text(), username, password)
    t.equal(response.status, 200, username)
    t.equal(response.headers.get('location'), null, username)
    t.match(await response.text(), message, username)
    t.notOk(browser.jar.has('cognito'), username)
  }
  t.equal((await signedIn.fetch(authorizeUrl({}))).status, 200, 'the disabled user\'s hosted session gets the form')
})

t.test('a form post from another site is refused (login CSRF); one without Origin (not a browser) is not', async t => {
  const username = await confirmedUser()
  const html = await (await new Browser().fetch(authorizeUrl({}))).text()
  for (const origin of ['https://evil.example', 'null', PUBLIC]) {
    const browser = new Browser()
    const response = await submitForm(browser, html, username, PASSWORD, endpoint, origin)
    t.equal(response.status, 403, origin)
    t.equal(response.headers.get('location'), null, origin)
    t.notOk(browser.jar.has('cognito'), origin)
  }
  const noOrigin = await fetch(`${endpoint}/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hiddenFields(html), username, password: PASSWORD }).toString()
  })
  t.equal(noOrigin.status, 302, 'a post without Origin is no browser\'s: nothing to forge')
})

t.test('with a client secret the token endpoint authenticates the client', async t => {
  const secretLocal = await startLocal(t, { publicUrl: PUBLIC, clientSecret: true })
  const pool = secretLocal.config.pool as { endpoint: string, clientId: string, clientSecret: string, userPoolId: string }
  const username = uniqueUsername('secret')
  await secretLocal.sdk.send(new AdminCreateUserCommand({ UserPoolId: pool.userPoolId, Username: username, MessageAction: 'SUPPRESS' }))
  await secretLocal.sdk.send(new AdminSetUserPasswordCommand({
    UserPoolId: pool.userPoolId, Username: username, Password: PASSWORD, Permanent: true
  }))
  const basic = (secret: string) => ({ authorization: `Basic ${Buffer.from(`${pool.clientId}:${secret}`).toString('base64')}` })
  const newCode = async () => {
    const back = await signIn(new Browser(), username, { client_id: pool.clientId }, pool.endpoint)
    return { grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: CALLBACK }
  }

  const refusedCases: Array<[string, Record<string, string>, Record<string, string>]> = [
    ['no credentials', { client_id: pool.clientId }, {}],
    ['a wrong Basic secret', {}, basic('wrong-secret')],
    ['a wrong client_secret field', { client_id: pool.clientId, client_secret: 'wrong-secret' }, {}],
    ['Basic without the secret', {}, { authorization: `Basic ${Buffer.from(pool.clientId).toString('base64')}` }]
  ]
  for (const [what, form, headers] of refusedCases) {
    const response = await exchange({ ...await newCode(), ...form }, headers, pool.endpoint)
    t.equal(response.status, 401, what)
    t.same(await response.json(), { error: 'invalid_client' }, what)
  }
  const right = await exchange(await newCode(), basic(pool.clientSecret), pool.endpoint)
  t.equal(right.status, 200, 'the right Basic credentials')
  t.match(await right.json(), { access_token: String, refresh_token: String })
  const posted = await exchange({ ...await newCode(), client_id: pool.clientId, client_secret: pool.clientSecret }, {}, pool.endpoint)
  t.equal(posted.status, 200, 'the right client_secret field')
})

t.test('the app client is a hosted-UI client whose URLs follow the oauth option on every start', async t => {
  const dataDir = await tempDir(t)
  const startWith = async (publicUrl: string) => withPool(await startLocalCognito(testOptions(dataDir, { publicUrl })), dataDir)
  const first = await startWith('http://localhost:3000')
  first.sdk.destroy()
  await first.emulator.close()
  const second = await startWith('http://127.0.0.1:4000/app')
  t.teardown(async () => { second.sdk.destroy(); await second.emulator.close() })
  t.equal(second.config.pool.clientId, first.config.pool.clientId, 'the client is reused')

  const { userPoolId: UserPoolId, clientId: ClientId } = second.config.pool
  const described = await second.sdk.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }))
  t.match(described.UserPoolClient, {
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    SupportedIdentityProviders: ['COGNITO'],
    CallbackURLs: ['http://127.0.0.1:4000/oauth/callback'],
    LogoutURLs: ['http://127.0.0.1:4000/local/demo', 'http://127.0.0.1:4000/'],
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    EnableTokenRevocation: true,
    PreventUserExistenceErrors: 'ENABLED'
  })
  const old = await fetch(`${second.config.pool.endpoint}/oauth2/authorize?${new URLSearchParams({
    client_id: second.config.pool.clientId, redirect_uri: CALLBACK, response_type: 'code'
  })}`, { redirect: 'manual' })
  t.equal(old.status, 400, 'the previous start\'s callback URL is no longer registered')
})
