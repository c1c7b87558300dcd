/**
 * The local stand-in for Cognito's hosted UI (managed login) on the user pool
 * domain: GET/POST /oauth2/authorize, POST /oauth2/token and GET /logout,
 * served by the embedded emulator in place of cognito-local's own /oauth2
 * routes (which reflect request values unescaped into HTML, keep no session,
 * ignore nonce, scope and identity_provider, never check the client secret,
 * insist on PKCE and have no /logout). As at Cognito:
 *  - client_id and an exactly registered redirect_uri come first: without them
 *    an error page and never a redirect; every later error goes back to the
 *    redirect_uri as error / error_description (and state);
 *  - PKCE (S256) is optional, and enforced when used; nonce and the granted
 *    scopes end up in the tokens (an ID token only with `openid`);
 *  - a hosted session (the `cognito` cookie, one hour) signs the browser in on
 *    the next authorize request without the form, until /logout ends it;
 *  - codes are single use, live five minutes and are bound to the client, the
 *    redirect_uri, the PKCE challenge, the nonce, the scopes and the user;
 *  - a client with a secret authenticates at the token endpoint (and one
 *    without must not send one); a cross-site form post is refused (its
 *    Origin is another site's), so no page can sign a browser in as someone;
 *  - refresh tokens are stored like every other sign-in's, so refresh and
 *    RevokeToken work with them, and the access and ID tokens carry their
 *    session (origin_jti) as the token-sessions guard gives every sign-in.
 * Deliberately not here: identity providers (Google, SAML, OIDC: the stand-in
 * only has the pool's own users), the sign-up, forgot-password, new-password
 * and MFA pages (users who need them are sent to the API), the implicit and
 * client-credentials grants, /oauth2/userInfo, /oauth2/revoke, `prompt`,
 * branding. Sessions and codes live in memory: a restart ends them.
 */
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { CognitoError } from 'cognito-local/lib/errors.js'
import type { Router } from 'cognito-local/lib/server/Router.js'
import type { AppClient } from 'cognito-local/lib/services/appClient.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService.js'
import { decodeJwt, nowSeconds, withClaims } from './guards/jwt.ts'
import {
  checkAuthorize, clientCredentials, codeFlowAllowed, cookie, pkceVerified, same, string, withParams, type Params, type Request
} from './hosted-ui-checks.ts'
import { redirect, sendForm, sendJson, sendPage, sendTokens } from './hosted-ui-pages.ts'

type Handler = (req: Request, res: ServerResponse) => void

/** The two members of cognito-local's express app used here. */
export interface ExpressApp {
  get (path: string, handler: Handler): unknown
  post (path: string, handler: Handler): unknown
}

const SESSION_SECONDS = 60 * 60
const CODE_SECONDS = 5 * 60
const SESSION_COOKIE = 'cognito'
const INCORRECT = 'Incorrect username or password.'

interface HostedSession { userPoolId: string, username: string, authTime: number, expiresAt: number }
interface AuthRequest { clientId: string, redirectUri: string, state?: string, nonce?: string, scopes: string[], codeChallenge?: string }
interface Grant extends AuthRequest { userPoolId: string, username: string, authTime: number, expiresAt: number }
interface TokenResult { AuthenticationResult?: { AccessToken?: string, IdToken?: string, RefreshToken?: string } }

/** Attaches the hosted-UI endpoints; `router` is the local layer's, which answers refresh grants. */
export function attachHostedUi (app: ExpressApp, services: Services, options: { router: Router, logger: Logger }): void {
  const ctx: Context = { logger: options.logger }
  const sessions = new Map<string, HostedSession>()
  const codes = new Map<string, Grant>()

  const handle = (fn: (req: Request, res: ServerResponse) => Promise<void>): Handler => (req, res) => {
    fn(req, res).catch((err: unknown) => {
      options.logger.error({ err }, 'hosted UI: request failed')
      if (res.headersSent) res.end()
      else sendPage(res, 500, 'Something went wrong.')
    })
  }

  /** The app client and its registered redirect_uri, or why there are none (shown as a page: never redirect to an unchecked URL). */
  async function clientAndRedirect (
    params: Params, urlParam: string, registered: (c: AppClient) => string[] | undefined
  ): Promise<{ client: AppClient, url: string } | { problem: string }> {
    const client = await appClient(services, ctx, params.client_id)
    if (!client) return { problem: 'The client_id is missing or is not an app client of this user pool.' }
    const url = params[urlParam]
    if (typeof url !== 'string' || !(registered(client) ?? []).includes(url)) {
      return { problem: `The ${urlParam} is missing or is not one of the app client's registered URLs.` }
    }
    return { client, url }
  }

  /** The user who may sign in now, or why not (a message for the form). */
  function refusal (pool: UserPoolService, user: User): string | undefined {
    if (user.Enabled === false) return 'User is disabled.'
    if (user.UserStatus === 'UNCONFIRMED') return 'User is not confirmed. Confirm the account with the code that was sent, then sign in.'
    if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
      return 'This account must set a new password first. The local sign-in page cannot do that: sign in through the API to set a new password.'
    }
    if (user.UserStatus === 'RESET_REQUIRED') return 'Password reset required for the user.'
    if (user.UserStatus !== 'CONFIRMED') return `Users with status ${user.UserStatus} cannot sign in here.`
    const hasMfa = (user.MFAOptions ?? []).length > 0 || (user.UserMFASettingList ?? []).length > 0
    const mfa = pool.options.MfaConfiguration
    if (mfa === 'ON' || (mfa !== 'OFF' && hasMfa)) {
      return 'This account signs in with MFA, which the local sign-in page does not ask for: sign in through the API.'
    }
    return undefined
  }

  function issueCode (request: AuthRequest, session: HostedSession): string {
    const now = nowSeconds()
    for (const [code, grant] of codes) if (grant.expiresAt <= now) codes.delete(code)
    const code = randomBytes(32).toString('base64url')
    const { userPoolId, username, authTime } = session
    codes.set(code, { ...request, userPoolId, username, authTime, expiresAt: now + CODE_SECONDS })
    return code
  }

  function liveSession (req: Request): HostedSession | undefined {
    const id = cookie(req, SESSION_COOKIE)
    const session = id === undefined ? undefined : sessions.get(id)
    if (id === undefined || session === undefined) return undefined
    if (session.expiresAt > nowSeconds()) return session
    sessions.delete(id)
    return undefined
  }

  /** Checks an authorize request (query or form) up to the point where the user signs in. */
  async function authorizeRequest (res: ServerResponse, params: Params): Promise<{ client: AppClient, request: AuthRequest } | undefined> {
    const target = await clientAndRedirect(params, 'redirect_uri', c => c.CallbackURLs)
    if (!('client' in target)) {
      sendPage(res, 400, target.problem)
      return undefined
    }
    const { client, url: redirectUri } = target
    const state = string(params.state)
    const checked = checkAuthorize(client, params)
    if ('error' in checked) {
      redirect(res, withParams(redirectUri, { error: checked.error, error_description: checked.description, state }))
      return undefined
    }
    const request = {
      clientId: client.ClientId, redirectUri, state, nonce: string(params.nonce), scopes: checked.scopes, codeChallenge: string(params.code_challenge)
    }
    return { client, request }
  }

  app.get('/oauth2/authorize', handle(async (req, res) => {
    const params = req.query ?? {}
    const checked = await authorizeRequest(res, params)
    if (!checked) return
    const session = liveSession(req)
    if (session?.userPoolId === checked.client.UserPoolId) {
      // Cognito's single sign-on: a browser signed in to this pool gets a code without the form.
      const pool = await services.cognito.getUserPool(ctx, session.userPoolId)
      const user = await pool.getUserByUsername(ctx, session.username)
      if (user && refusal(pool, user) === undefined) {
        redirect(res, withParams(checked.request.redirectUri, { code: issueCode(checked.request, session), state: checked.request.state }))
        return
      }
    }
    sendForm(res, params)
  }))

  app.post('/oauth2/authorize', handle(async (req, res) => {
    const params = req.body ?? {}
    const checked = await authorizeRequest(res, params)
    if (!checked) return
    const { client, request } = checked
    // Login CSRF: browsers send Origin with every form post, so another site's page shows here (Cognito checks an XSRF token).
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return sendPage(res, 403, 'A sign-in from another site was refused.')
    const username = string(params.username) ?? ''
    const pool = await services.cognito.getUserPool(ctx, client.UserPoolId)
    const user = username === '' ? undefined : await findUser(pool, ctx, username)
    // Compared even for an unknown user, so the answer takes as long.
    const passwordOk = same(string(params.password) ?? '', user?.Password ?? randomBytes(16).toString('hex'))
    if (!user || !passwordOk) {
      sendForm(res, params, { message: INCORRECT, username })
      return
    }
    const refused = refusal(pool, user)
    if (refused !== undefined) {
      sendForm(res, params, { message: refused, username })
      return
    }
    const previous = cookie(req, SESSION_COOKIE)
    if (previous !== undefined) sessions.delete(previous)
    const now = nowSeconds()
    for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id)
    const id = randomBytes(32).toString('base64url')
    const session = { userPoolId: client.UserPoolId, username: user.Username, authTime: now, expiresAt: now + SESSION_SECONDS }
    sessions.set(id, session)
    redirect(res, withParams(request.redirectUri, { code: issueCode(request, session), state: request.state }), [
      `${SESSION_COOKIE}=${id}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Lax`
    ])
  }))

  app.post('/oauth2/token', handle(async (req, res) => {
    const body = req.body ?? {}
    const credentials = clientCredentials(req.headers.authorization, body)
    const client = credentials && await appClient(services, ctx, credentials.id)
    const authenticated = client && (client.ClientSecret
      ? credentials.secret !== undefined && same(credentials.secret, client.ClientSecret)
      : credentials.secret === undefined)
    if (!client || !authenticated) {
      sendJson(res, 401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="cognito"' })
      return
    }
    const grantType = string(body.grant_type)
    if (grantType === undefined) sendJson(res, 400, { error: 'invalid_request' })
    else if (!codeFlowAllowed(client)) sendJson(res, 400, { error: 'unauthorized_client' })
    else if (grantType === 'authorization_code') await codeGrant(res, client, body)
    else if (grantType === 'refresh_token') await refreshGrant(res, client, body)
    else sendJson(res, 400, { error: 'unsupported_grant_type' })
  }))

  async function codeGrant (res: ServerResponse, client: AppClient, body: Params): Promise<void> {
    const code = string(body.code)
    const redirectUri = string(body.redirect_uri)
    if (code === undefined || redirectUri === undefined) return sendJson(res, 400, { error: 'invalid_request' })
    const grant = codes.get(code)
    // Single use: gone before anything is awaited, so two exchanges cannot both find it.
    codes.delete(code)
    if (!grant || grant.expiresAt <= nowSeconds() || grant.clientId !== client.ClientId || grant.redirectUri !== redirectUri ||
      !pkceVerified(grant.codeChallenge, string(body.code_verifier))) {
      return sendJson(res, 400, { error: 'invalid_grant' })
    }
    const pool = await services.cognito.getUserPool(ctx, grant.userPoolId)
    const user = await pool.getUserByUsername(ctx, grant.username)
    if (!user || refusal(pool, user) !== undefined) return sendJson(res, 400, { error: 'invalid_grant' })

    const tokens = await services.tokenGenerator.generate(ctx, user, await pool.listUserGroupMembership(ctx, user), client, undefined, 'HostedAuth')
    const scope = grant.scopes.join(' ')
    // The scope rides on the refresh token (a JWT here, opaque at Cognito), so a refresh can grant the same scopes.
    const refreshToken = withClaims(tokens.RefreshToken, { scope })
    await pool.storeRefreshToken(ctx, refreshToken, user)
    const session = { origin_jti: decodeJwt(refreshToken)?.jti, auth_time: grant.authTime }
    sendTokens(res, {
      access_token: withClaims(tokens.AccessToken, { ...session, scope }),
      ...(grant.scopes.includes('openid')
        ? { id_token: withClaims(tokens.IdToken, { ...session, ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }) }) }
        : {}),
      refresh_token: refreshToken
    })
  }

  /** A refresh through the local layer (GetTokensFromRefreshToken, with its guards), keeping the scopes the sign-in granted. */
  async function refreshGrant (res: ServerResponse, client: AppClient, body: Params): Promise<void> {
    const refreshToken = string(body.refresh_token)
    if (refreshToken === undefined) return sendJson(res, 400, { error: 'invalid_request' })
    let result: TokenResult['AuthenticationResult']
    try {
      const request = { ClientId: client.ClientId, ClientSecret: client.ClientSecret, RefreshToken: refreshToken }
      result = (await options.router('GetTokensFromRefreshToken')(ctx, request) as TokenResult).AuthenticationResult
    } catch (err) {
      if (err instanceof CognitoError) return sendJson(res, 400, { error: 'invalid_grant' })
      throw err
    }
    if (!result?.AccessToken) return sendJson(res, 400, { error: 'invalid_grant' })
    const scope = decodeJwt(refreshToken)?.scope
    const scopes = typeof scope === 'string' ? scope.split(' ') : undefined
    sendTokens(res, {
      access_token: scopes ? withClaims(result.AccessToken, { scope }) : result.AccessToken,
      ...(result.IdToken && (!scopes || scopes.includes('openid')) ? { id_token: result.IdToken } : {}),
      ...(result.RefreshToken ? { refresh_token: result.RefreshToken } : {})
    })
  }

  app.get('/logout', handle(async (req, res) => {
    const target = await clientAndRedirect(req.query ?? {}, 'logout_uri', c => c.LogoutURLs)
    if (!('client' in target)) return sendPage(res, 400, target.problem)
    const id = cookie(req, SESSION_COOKIE)
    if (id !== undefined) sessions.delete(id)
    redirect(res, target.url, [`${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`])
  }))
}

async function appClient (services: Services, ctx: Context, clientId: unknown): Promise<AppClient | undefined> {
  if (typeof clientId !== 'string' || clientId === '') return undefined
  try {
    return await services.cognito.getAppClient(ctx, clientId) ?? undefined
  } catch {
    return undefined
  }
}

/** The user by username, case-insensitively (the local pool is created with CaseSensitive false; cognito-local matches exactly). */
async function findUser (pool: UserPoolService, ctx: Context, username: string): Promise<User | undefined> {
  const exact = await pool.getUserByUsername(ctx, username)
  if (exact) return exact
  const folded = username.toLowerCase()
  return (await pool.listUsers(ctx)).find(user => user.Username.toLowerCase() === folded)
}
