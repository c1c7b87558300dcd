/**
 * The hosted-UI stand-in's request checks, free of the emulator: the
 * authorize request's parameters, the client's credentials at the token
 * endpoint, PKCE, and the small readers of query, form and cookie values.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { AppClient } from 'cognito-local/lib/services/appClient.js'

export type Params = Record<string, unknown>
export type Request = IncomingMessage & { query?: Params, body?: Params }

/** The authorize request's parameters, carried through the form in hidden fields. */
export const AUTHORIZE_PARAMS = [
  'client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce',
  'code_challenge', 'code_challenge_method', 'identity_provider', 'idp_identifier'
]
const NO_PROVIDERS = 'The local stand-in for the hosted UI only has the user pool\'s own users (identity_provider=COGNITO): ' +
  'social, SAML and OIDC providers need a real user pool.'

export interface OAuthError { error: string, description: string }

/** The checks Cognito makes once client and redirect_uri are known; the granted scopes, or the error to send back. */
export function checkAuthorize (client: AppClient, params: Params): { scopes: string[] } | OAuthError {
  const invalid = (description: string): OAuthError => ({ error: 'invalid_request', description })
  const repeated = AUTHORIZE_PARAMS.find(name => Array.isArray(params[name]))
  if (repeated !== undefined) return invalid(`${repeated} was given more than once.`)
  const responseType = params.response_type
  if (responseType === undefined) return invalid('response_type is missing.')
  if (responseType === 'token' && !(client.AllowedOAuthFlows ?? []).includes('implicit')) {
    return { error: 'unauthorized_client', description: 'The app client is not allowed the implicit grant.' }
  }
  if (responseType !== 'code') return { error: 'unsupported_response_type', description: 'Only response_type=code is supported here.' }
  if (!codeFlowAllowed(client)) return { error: 'unauthorized_client', description: 'The app client is not allowed the authorization code grant.' }

  const provider = params.identity_provider
  const providers = client.SupportedIdentityProviders ?? []
  if (params.idp_identifier !== undefined || (provider !== undefined && provider !== 'COGNITO') || !providers.includes('COGNITO')) {
    return invalid(NO_PROVIDERS)
  }
  const allowed = client.AllowedOAuthScopes ?? []
  const requested = typeof params.scope === 'string' ? [...new Set(params.scope.split(/\s+/).filter(Boolean))] : []
  // No scope asked for: Cognito grants all the client's scopes.
  const scopes = requested.length > 0 ? requested : allowed
  const unknown = scopes.find(scope => !allowed.includes(scope))
  if (unknown !== undefined) return { error: 'invalid_scope', description: `The app client is not allowed the scope ${unknown}.` }

  const challenge = params.code_challenge
  if (challenge !== undefined) {
    if (params.code_challenge_method !== 'S256') return invalid('code_challenge_method must be S256.')
    if (typeof challenge !== 'string' || !/^[\w-]{43}$/.test(challenge)) return invalid('code_challenge must be a base64url SHA-256 digest.')
  }
  return { scopes }
}

export function codeFlowAllowed (client: AppClient): boolean {
  return client.AllowedOAuthFlowsUserPoolClient === true && (client.AllowedOAuthFlows ?? []).includes('code')
}

/**
 * The client's id and secret: HTTP Basic (client_secret_basic) or the form's
 * client_id and client_secret (client_secret_post); undefined when they
 * contradict each other, come both ways, or the header is not Basic.
 */
export function clientCredentials (header: string | undefined, body: Params): { id: string, secret?: string } | undefined {
  const formId = string(body.client_id)
  const formSecret = string(body.client_secret)
  if (header === undefined) return formId === undefined ? undefined : { id: formId, secret: formSecret }
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1]
  const decoded = basic === undefined ? '' : Buffer.from(basic, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0 || formSecret !== undefined) return undefined
  const id = decoded.slice(0, colon)
  return formId === undefined || formId === id ? { id, secret: decoded.slice(colon + 1) } : undefined
}

export function pkceVerified (challenge: string | undefined, verifier: string | undefined): boolean {
  // A verifier without a challenge is refused too: it means the challenge was stripped from the authorize request.
  if (challenge === undefined) return verifier === undefined
  if (verifier === undefined || !/^[\w.~-]{43,128}$/.test(verifier)) return false
  return same(createHash('sha256').update(verifier).digest('base64url'), challenge)
}

/** Constant-time equality of two strings (compared as SHA-256 digests, so lengths do not show). */
export function same (a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(a), digest(b))
}

export function string (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function cookie (req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim() || undefined
  }
  return undefined
}

export function withParams (base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base)
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value)
  return url.href
}
