/**
 * Hosted-UI and social sign-in: the redirect out to Cognito's managed login,
 * the callback that turns its code into a session, hosted logout, and the
 * hand-off for sites that cannot read this service's cookies.
 *
 * The callback is a fixed, ordered checklist; every step either passes or
 * ends the request with a problem (never a redirect off the allowlist):
 *  1. split the state at its first `_`: `<nonce>_<redirect>`;
 *  2. find this browser's login cookie for that nonce (and clear it), begun
 *     less than 5 minutes ago, or, for a state a CMS built itself, accept it
 *     only when OAUTH_EXTERNAL_STATE;
 *  3. check the redirect against the allowlist again; a state without the
 *     login cookie must return to a hand-off site (never session cookies);
 *  4. an OAuth `error` goes back to that known-good target as ?error=;
 *  5. exchange the code (with the PKCE verifier), verify both tokens and the
 *     ID token's nonce;
 *  6. cookies set (or a hand-off code for a hand-off site), then 302.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, invalidFields } from '../../errors/catalog.js'
import { createHandoffs } from '../../oauth/handoff.js'
import {
  codeChallenge, createLoginCookies, LOGIN_ATTEMPT_SECONDS, newLoginAttempt, sameSecret, splitState, stateOf
} from '../../oauth/login-attempt.js'
import { checkRedirect } from '../../oauth/redirect.js'
import { AuthenticatedSchema } from '../../schemas/auth.js'
import {
  HandoffBodySchema, OAuthCallbackQuerySchema, OAuthLoginQuerySchema, OAuthLogoutQuerySchema, type OAuthLogoutQuery
} from '../../schemas/oauth.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, problems, QUERY_REFUSALS, RATE_LIMIT_REFUSALS } from '../../schemas/problem.js'
import { empty, html, json } from '../../schemas/responses.js'
import { rateLimitStore } from '../../store/rate-limit-store.js'
import { applyCookies } from '../../plugins/sessions.js'
import { escapeHtml, htmlPage } from '../html.js'

const tags = ['hosted UI']
/** OAuth error codes (RFC 6749 4.1.2.1 and OIDC) are passed on; anything else is reported as server_error. */
const OAUTH_ERROR_CODE = /^[a-z_]{1,64}$/
const BEARER = /^Bearer (\S+)$/i

const oauthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config, cognito, sessions, tokenVerifier, store } = fastify
  const domain = config.hostedUiDomain
  if (domain === undefined) throw new Error('the hosted-UI routes need a hosted-UI domain')
  const { oauth } = config
  const logins = createLoginCookies(config, sessions.sealer)
  const handoffs = createHandoffs(oauth.handoffSites, store, sessions.sealer)
  const first = oauth.redirects[0]
  const defaultTarget = first === undefined ? undefined : new URL(first.pathPrefix, first.origin).href

  await fastify.register(rateLimit, {
    store: rateLimitStore(store, 'rate-limit:oauth:'),
    max: config.rateLimits.signIn,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) => new ApiError('RATE_LIMITED', { retryAfter: Math.ceil(context.ttl / 1000) })
  })

  /** The absolute target a redirect names, or REDIRECT_NOT_ALLOWED (logged with the reason; the value itself may carry secrets). */
  function allowedTarget (raw: string | undefined, log: FastifyBaseLogger): string {
    const result = checkRedirect(raw ?? defaultTarget ?? '', oauth.redirects)
    if (result.ok) return result.location
    log.warn({ reason: result.reason, length: raw?.length }, 'redirect target refused')
    throw new ApiError('REDIRECT_NOT_ALLOWED', { detail: `The redirect target is refused (${result.reason}).` })
  }

  fastify.get('/oauth/login', {
    schema: {
      tags,
      operationId: 'oauthLogin',
      summary: 'Start a hosted-UI or social sign-in',
      description: 'Checks the redirect, then sends the browser to the pool\'s /oauth2/authorize with PKCE (S256), an OIDC nonce and ' +
        '`state=<nonce>_<redirect>`; a sealed cookie scoped to /oauth remembers the attempt for 5 minutes. ' +
        'Cognito comes back to /oauth/callback.',
      querystring: OAuthLoginQuerySchema,
      response: {
        302: empty({
          description: 'To the hosted UI (or straight to the chosen identity provider), with the login cookie set.',
          headers: ['Location']
        }),
        ...problems([...QUERY_REFUSALS, ...RATE_LIMIT_REFUSALS, 'REDIRECT_NOT_ALLOWED'], {
          notes: { VALIDATION_FAILED: 'Also for a provider not in OAUTH_PROVIDERS.' }
        })
      }
    }
  }, async (request, reply) => {
    const { provider, redirect } = request.query
    if (provider !== undefined && !oauth.providers.includes(provider)) {
      throw invalidFields([{ field: '/querystring/provider', message: `must be one of ${oauth.providers.join(', ')}` }])
    }
    const attempt = newLoginAttempt(allowedTarget(redirect, request.log))
    applyCookies(reply, logins.start(attempt, request.cookies, Date.now()))
    const authorize = new URL('/oauth2/authorize', domain)
    const params = authorize.searchParams
    params.set('response_type', 'code')
    params.set('client_id', config.pool.clientId)
    params.set('redirect_uri', oauth.callbackUrl)
    params.set('scope', oauth.scopes.join(' '))
    params.set('state', stateOf(attempt))
    params.set('code_challenge', codeChallenge(attempt.codeVerifier))
    params.set('code_challenge_method', 'S256')
    params.set('nonce', attempt.oidcNonce)
    if (provider !== undefined) params.set('identity_provider', provider)
    return reply.redirect(authorize.href, 302)
  })

  fastify.get('/oauth/callback', {
    schema: {
      tags,
      operationId: 'oauthCallback',
      summary: 'Where the hosted UI sends the user back (register it as the app client\'s callback URL)',
      description: 'Splits `state` at the first underscore, matches its nonce with this browser\'s login cookie (or, with OAUTH_EXTERNAL_STATE, ' +
        'accepts a CMS\'s own state returning to a hand-off site and hands its nonce back as ?bff_state=), checks the redirect against the ' +
        'allowlist again, exchanges the code ' +
        '(PKCE), verifies the tokens and the ID token\'s nonce, sets the session cookies and redirects. ' +
        'A hand-off site gets ?handoff=<code> instead of cookies. An OAuth error returns to the target as ?error=.',
      querystring: OAuthCallbackQuerySchema,
      response: {
        302: empty({
          description: 'To the checked redirect target: signed in (session cookies set, or ?handoff=<code> for a hand-off site), ' +
            'or with ?error=<OAuth error> when the hosted UI or the provider refused.',
          headers: [{ header: 'SetSessionCookies', description: 'The session cookies, unless the target is a hand-off site.' }, 'Location']
        }),
        ...problems([
          ...QUERY_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES,
          'OAUTH_STATE_INVALID', 'OAUTH_CODE_INVALID', 'OAUTH_ERROR', 'REDIRECT_NOT_ALLOWED'
        ], {
          notes: { OAUTH_ERROR: 'When the state does not lead to a target known to be good; otherwise the error goes there as ?error=.' }
        })
      }
    }
  }, async (request, reply) => {
    const { code, state, error: raw } = request.query
    // Passed on only when it is an OAuth error code; anything else (markup, long text) becomes server_error.
    const error = raw === undefined ? undefined : OAUTH_ERROR_CODE.test(raw) ? raw : 'server_error'
    const refused = error === undefined ? undefined : new ApiError('OAUTH_ERROR', { detail: `The hosted UI answered ${error}.` })

    const split = state === undefined ? undefined : splitState(state)
    if (split === undefined) throw refused ?? new ApiError('OAUTH_STATE_INVALID', { detail: 'The state is missing or not <nonce>_<redirect>.' })
    const taken = logins.take(request.cookies, split, Date.now())
    applyCookies(reply, taken.cookies)
    const { attempt } = taken
    if (attempt === 'tampered') {
      throw new ApiError('OAUTH_STATE_INVALID', { detail: 'The login cookie does not belong to this sign-in.' })
    }
    if (attempt === 'expired') {
      throw new ApiError('OAUTH_STATE_INVALID', {
        detail: `This sign-in began more than ${LOGIN_ATTEMPT_SECONDS / 60} minutes ago: start again at /oauth/login.`
      })
    }
    const external = attempt === undefined
    if (external && !oauth.externalState) {
      throw refused ?? new ApiError('OAUTH_STATE_INVALID', {
        detail: 'No sign-in was started here in this browser, or it expired or was already completed: start again at /oauth/login.'
      })
    }
    const target = allowedTarget(split.redirect, request.log)
    const site = handoffs.siteFor(target)
    // Without this browser's login cookie, nothing ties the code to this browser: a code the attacker got for their own
    // account would sign the victim in as the attacker (login CSRF). Only a hand-off site, which checks its own nonce
    // (bff_state) against its own cookie before it redeems the code, may complete such a sign-in; no cookie is set here.
    if (external && site === undefined) {
      throw refused ?? new ApiError('OAUTH_STATE_INVALID', {
        detail: 'No sign-in was started here in this browser: a state this service did not make may only return to a hand-off site (HANDOFF_SITES).'
      })
    }
    // A CMS that built its own state checks its own CSRF cookie against the nonce it gets back.
    const handBack: Record<string, string> = external ? { bff_state: split.nonce } : {}
    if (error !== undefined) {
      request.log.info({ error }, 'hosted UI refused the sign-in')
      return reply.redirect(withParams(target, { error, ...handBack }), 302)
    }
    if (code === undefined) throw new ApiError('OAUTH_CODE_INVALID', { detail: 'The callback carries neither a code nor an error.' })

    const tokens = await cognito.exchangeAuthorizationCode({ code, redirectUri: oauth.callbackUrl, codeVerifier: attempt?.codeVerifier })
    // A sign-in just after a sign-out mark, in its second: let its tokens through the mark before checking them.
    await sessions.admit(reply, tokens)
    const [id, access] = await Promise.all([tokenVerifier.verify(tokens.idToken, 'id'), tokenVerifier.verify(tokens.accessToken, 'access')])
    for (const verification of [id, access]) {
      if (!verification.ok) {
        if (verification.refusal === 'unavailable') throw new ApiError('UPSTREAM_UNAVAILABLE', { retryAfter: 1, cause: verification.cause })
        const cause = new Error(`the token endpoint returned a token this service refuses (${verification.refusal})`)
        throw new ApiError('UPSTREAM_ERROR', { cause })
      }
    }
    if (attempt !== undefined && id.ok && !sameSecret(String(id.token.claims.nonce ?? ''), attempt.oidcNonce)) {
      throw new ApiError('OAUTH_STATE_INVALID', { detail: 'The ID token was not issued for this sign-in (nonce).' })
    }

    if (site !== undefined) {
      const handoff = await handoffs.issue(site, tokens)
      return reply.redirect(withParams(target, { handoff, ...handBack }), 302)
    }
    await sessions.issue(reply, tokens, 'cookie')
    return reply.redirect(withParams(target, handBack), 302)
  })

  /**
   * Logout CSRF: a cross-site page must not end the session by sending the browser to a logout URL. A cross-site
   * top-level navigation (Sec-Fetch-Site: cross-site) gets a page with a button instead, which POSTs, same-origin,
   * to /auth/logout/hosted (the origin check refuses a cross-site POST there).
   */
  function confirmPage (reply: FastifyReply, target: string): string {
    const action = new URL('/auth/logout/hosted', config.publicUrl)
    action.searchParams.set('redirect', target)
    // The button's POST must carry this origin for the origin check: under no-referrer, Chromium sends "Origin: null".
    reply.header('referrer-policy', 'same-origin')
    return htmlPage(reply.code(200), 'Sign out?', '<p>A page on another site asked to sign you out.</p>' +
      `<form method="post" action="${escapeHtml(action.pathname + action.search)}"><button type="submit">Sign out</button></form>`)
  }
  const crossSite = (request: FastifyRequest) => request.headers['sec-fetch-site'] === 'cross-site'
  const CONFIRM_PAGE = html({ description: 'A cross-site navigation (Sec-Fetch-Site: cross-site): a page whose button signs out (POST).' })

  fastify.get('/oauth/logout', {
    schema: {
      tags,
      operationId: 'oauthLogout',
      summary: 'Sign out here and at the hosted UI',
      description: 'Checks the redirect, then goes through /auth/logout/hosted (where the refresh cookie is sent): the session is ended as ' +
        'POST /auth/logout does, then Cognito\'s /logout ends the hosted-UI session and returns to the redirect, ' +
        'which must also be one of the app client\'s sign-out URLs. A cross-site navigation (Sec-Fetch-Site: cross-site) ends nothing: ' +
        'it gets a page whose button POSTs to /auth/logout/hosted.',
      querystring: OAuthLogoutQuerySchema,
      response: {
        200: CONFIRM_PAGE,
        302: empty({ description: 'To /auth/logout/hosted with the checked redirect.', headers: ['Location'] }),
        ...problems([...QUERY_REFUSALS, ...RATE_LIMIT_REFUSALS, 'REDIRECT_NOT_ALLOWED'])
      }
    }
  }, async (request, reply) => {
    const target = allowedTarget(request.query.redirect, request.log)
    if (crossSite(request)) return confirmPage(reply, target)
    const next = new URL('/auth/logout/hosted', config.publicUrl)
    next.searchParams.set('redirect', target)
    return reply.redirect(next.href, 302)
  })

  // The second hop of /oauth/logout, under /auth so that the refresh cookie (Path=/auth) comes along to be revoked.
  const hostedLogout = async (request: FastifyRequest<{ Querystring: OAuthLogoutQuery }>, reply: FastifyReply) => {
    const target = allowedTarget(request.query.redirect, request.log)
    if (crossSite(request)) return confirmPage(reply, target)
    await sessions.end(request, reply, {})
    const returnTo = registeredSignOut(target, request.log)
    // No page of ours is a registered sign-out URL: Cognito would show its error page; the session here is ended anyway.
    if (returnTo === undefined) return reply.redirect(target, 302)
    const logout = new URL('/logout', domain)
    logout.searchParams.set('client_id', config.pool.clientId)
    logout.searchParams.set('logout_uri', returnTo)
    return reply.redirect(logout.href, 302)
  }
  /**
   * Where Cognito's /logout may send the browser back: only to one of the app client's sign-out URLs (LogoutURLs),
   * else it shows its own error page. The target when it is one (or when the pool was not read: the service cannot
   * tell), else the service's own page (PUBLIC_URL's root, or the first allowed redirect) when that is one.
   */
  function registeredSignOut (target: string, log: FastifyBaseLogger): string | undefined {
    const registered = fastify.userPool.settings.signOutUrls
    if (registered === undefined || registered.includes(target)) return target
    const own = [new URL('/', config.publicUrl).href, defaultTarget].find(url => url !== undefined && registered.includes(url))
    log.warn({ returnTo: own }, 'hosted logout target is not one of the app client\'s sign-out URLs (LogoutURLs); add it there')
    return own
  }
  // The button's form: an empty urlencoded body, accepted in this one scope (the rest of the API takes JSON only).
  await fastify.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      if (body === '') done(null, undefined)
      else done(new ApiError('UNSUPPORTED_MEDIA_TYPE', { detail: 'Send no body.' }), undefined)
    })
    scope.route({ ...hostedLogoutRoute('POST'), handler: hostedLogout })
  })
  fastify.route({ ...hostedLogoutRoute('GET'), handler: hostedLogout })
  function hostedLogoutRoute (method: 'GET' | 'POST') {
    return {
      method,
      url: '/auth/logout/hosted',
      schema: {
        tags,
        operationId: method === 'GET' ? 'oauthLogoutHosted' : 'oauthLogoutHostedPost',
        summary: method === 'GET'
          ? 'Hosted logout, second hop: end the session, then Cognito\'s /logout'
          : 'Hosted logout from the sign-out page\'s button (same-origin POST): end the session, then Cognito\'s /logout',
        description: method === 'GET'
          ? 'Where GET /oauth/logout sends the browser (this path is where the refresh cookie is sent): revokes the refresh token, clears the ' +
            'session cookies, then redirects to the hosted UI\'s /logout, which returns to the checked redirect. A cross-site navigation gets a ' +
            'page whose button signs out (POST) instead.'
          : 'The sign-out page\'s button: the same as GET, as a same-origin form POST with no body.',
        querystring: OAuthLogoutQuerySchema,
        response: {
          200: CONFIRM_PAGE,
          302: empty({ description: 'To the hosted UI\'s /logout, which returns to the redirect.', headers: ['ClearSessionCookies', 'Location'] }),
          ...problems([
            ...(method === 'POST' ? [...BODY_REFUSALS, ...ORIGIN_REFUSALS] : QUERY_REFUSALS), ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES,
            'REDIRECT_NOT_ALLOWED'
          ])
        }
      }
    }
  }

  fastify.post('/oauth/handoff', {
    schema: {
      tags,
      operationId: 'oauthHandoff',
      summary: 'Redeem a hand-off code (a site\'s back end, with its secret)',
      description: 'A hosted-UI sign-in that returned to a hand-off site (HANDOFF_SITES) carries ?handoff=<code>. The site\'s back end sends ' +
        'the code here with `Authorization: Bearer <the site\'s secret>` and gets the tokens, once, within 60 seconds. ' +
        'A second redemption, an expired code or another site\'s code gets HANDOFF_INVALID (and the code is spent).',
      // The handler checks the secret itself: no guard says it.
      security: [{ handoffSecret: [] }],
      body: HandoffBodySchema,
      response: {
        200: json(AuthenticatedSchema, { description: 'The session\'s tokens, in the body.' }),
        ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, 'UNAUTHENTICATED', 'HANDOFF_INVALID'], {
          notes: { UNAUTHENTICATED: 'No Authorization: Bearer <secret>, or a secret no hand-off site has.' }
        })
      }
    }
  }, async (request, reply) => {
    const secret = BEARER.exec(request.headers.authorization?.trim() ?? '')?.[1]
    const site = secret === undefined ? undefined : handoffs.authenticate(secret)
    if (site === undefined) {
      throw new ApiError('UNAUTHENTICATED', {
        detail: 'Send Authorization: Bearer <the site\'s secret from HANDOFF_SITES>.',
        headers: { 'www-authenticate': 'Bearer realm="handoff"' }
      })
    }
    const tokens = await handoffs.redeem(request.body.code, site)
    if (tokens === undefined) throw new ApiError('HANDOFF_INVALID')
    // The callback that obtained them admitted them; this request did not obtain them.
    return await sessions.issue(reply, tokens, 'body', 0)
  })
}

/** The target with parameters added to its query, the rest of it kept byte for byte. */
function withParams (target: string, params: Record<string, string>): string {
  const extra = new URLSearchParams(params).toString()
  if (extra === '') return target
  const url = new URL(target)
  url.search = url.search === '' ? extra : `${url.search.slice(1)}&${extra}`
  return url.href
}

export default oauthRoutes
