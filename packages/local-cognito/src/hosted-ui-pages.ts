/**
 * What the hosted-UI stand-in answers with: redirects, JSON (the token
 * endpoint), error pages and the sign-in form, each with the headers a
 * browser-facing page needs.
 */
import type { ServerResponse } from 'node:http'
import { decodeJwt, nowSeconds } from './guards/jwt.ts'
import { AUTHORIZE_PARAMS, type Params } from './hosted-ui-checks.ts'

/** Text made safe to put in an HTML page. */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/**
 * same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with the page's own
 * form post, which the cross-site check then refuses. Other sites still get no referrer (nor the code).
 */
const PAGE_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' }

export function redirect (res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(302, { ...PAGE_HEADERS, Location: location, ...(cookies.length > 0 ? { 'Set-Cookie': cookies } : {}) }).end()
}

export function sendJson (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const type = { 'Content-Type': 'application/json; charset=utf-8', Pragma: 'no-cache' }
  res.writeHead(status, { ...PAGE_HEADERS, ...type, ...headers }).end(JSON.stringify(body))
}

export function sendTokens (res: ServerResponse, tokens: { access_token: string, id_token?: string, refresh_token?: string }): void {
  const exp = decodeJwt(tokens.access_token)?.exp
  const expiresIn = Math.max(0, (typeof exp === 'number' ? exp : 0) - nowSeconds())
  sendJson(res, 200, { ...tokens, token_type: 'Bearer', expires_in: expiresIn })
}

export function html (title: string, body: string): string {
  const head = `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`
  return `<!doctype html>\n<html lang="en">\n${head}\n<body>\n${body}\n</body>\n</html>\n`
}

/** An error page: what went wrong, and no way onward (nothing here is trusted enough to link to). */
export function sendPage (res: ServerResponse, status: number, problem: string): void {
  res.writeHead(status, {
    ...PAGE_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'; form-action 'none'; frame-ancestors 'none'"
  }).end(html('Error', `<h1>An error was encountered with the requested page.</h1>\n<p>${escapeHtml(problem)}</p>`))
}

/**
 * The sign-in form, carrying the authorize request's parameters. Its CSP has
 * no form-action: browsers (Chromium) apply form-action to every redirect that
 * answers the post, and the chain runs on past the redirect_uri (the BFF's
 * /oauth/callback sends the browser to its redirect, a hand-off site on
 * another origin too), to places this stand-in does not know. A form-action
 * naming only 'self' and the redirect_uri broke a first sign-in that hands
 * off. The page needs no form-action anyway: it has one form, posting here,
 * no script (default-src 'none'), and every value in it is escaped.
 */
export function sendForm (res: ServerResponse, params: Params, extra: { message?: string, username?: string } = {}): void {
  const fields = AUTHORIZE_PARAMS.flatMap(name => typeof params[name] === 'string'
    ? [`  <input type="hidden" name="${name}" value="${escapeHtml(params[name])}">`]
    : [])
  const body = [
    '<h1>Sign in</h1>',
    '<p>Local stand-in for the Cognito hosted UI: users of this user pool only.</p>',
    ...(extra.message === undefined ? [] : [`<p role="alert">${escapeHtml(extra.message)}</p>`]),
    '<form method="post" action="/oauth2/authorize">',
    ...fields,
    `  <p><label>Username <input name="username" autocomplete="username" required value="${escapeHtml(extra.username ?? '')}"></label></p>`,
    '  <p><label>Password <input type="password" name="password" autocomplete="current-password" required></label></p>',
    '  <p><button type="submit">Sign in</button></p>',
    '</form>'
  ].join('\n')
  res.writeHead(200, {
    ...PAGE_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'"
  }).end(html('Sign in', body))
}
