/**
 * The hosted UI's token endpoint (POST <domain>/oauth2/token): an
 * authorization code becomes tokens. This is plain OAuth over HTTPS, not the
 * SDK, so its failures are mapped here: a spent or foreign code is the
 * client's problem (OAUTH_CODE_INVALID), a refused client is ours (the app
 * client's secret or OAuth settings), anything else is Cognito being away.
 * A code works once, so the exchange is never retried.
 *
 * Not even on a pooled connection the peer had closed, unlike the SDK's
 * calls (connections.ts): fetch (Node's undici) keeps idle connections 4 s
 * (less when the server's Keep-Alive hint says so), but when the close lands
 * after undici has picked the pooled socket (a busy event loop), the POST
 * fails with "other side closed" (UND_ERR_SOCKET), undici does not send it
 * again, and its error cannot tell "never sent" from "answer cut off". That
 * answers 503 UPSTREAM_UNAVAILABLE; rare, since exchanges are one per
 * hosted-UI sign-in and a pooled connection lives 4 s.
 */
import { ApiError } from '../errors/catalog.js'
import type { Admission, CallListener, CognitoContext } from './client.js'
import type { Tokens } from './types.js'

export interface AuthorizationCodeExchange {
  code: string
  /** The callback URL the code was issued to; Cognito compares it with the authorize request's. */
  redirectUri: string
  /** PKCE, when this service started the sign-in. */
  codeVerifier?: string
}

export interface HostedUiIntents {
  exchangeAuthorizationCode (input: AuthorizationCodeExchange): Promise<Tokens>
}

/** RFC 6749 5.2's error codes: anything else is reported by HTTP status, so a metric label cannot grow without bound. */
const OAUTH_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'])

interface TokenAnswer { access_token?: unknown, id_token?: unknown, refresh_token?: unknown, error?: unknown }

export function hostedUiIntents (
  context: CognitoContext,
  options: { domain?: string, timeoutMs: number, report?: CallListener, admit?: Admission }
): HostedUiIntents {
  const { clientId, clientSecret } = context.pool
  return {
    async exchangeAuthorizationCode ({ code, redirectUri, codeVerifier }) {
      if (options.domain === undefined) throw new Error('exchangeAuthorizationCode needs the hosted-UI domain (COGNITO_DOMAIN)')
      const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri })
      if (codeVerifier !== undefined) form.set('code_verifier', codeVerifier)
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
      if (clientSecret !== undefined) {
        // RFC 6749 2.3.1: both halves form-encoded before Basic; Cognito's ids and secrets need no encoding, but a custom one might.
        const basic = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`
        headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`
      }

      // Admitted and reported like an SDK call (CognitoGateway.admitWith, observe), as operation OAuthToken.
      await options.admit?.('OAuthToken')
      const started = performance.now()
      const report = (outcome: string) => options.report?.({ operation: 'OAuthToken', outcome, seconds: (performance.now() - started) / 1000 })
      let response: Response
      let answer: TokenAnswer
      try {
        response = await fetch(new URL('/oauth2/token', options.domain), {
          method: 'POST',
          headers,
          body: form,
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs)
        })
        answer = await response.json().catch(() => ({})) as TokenAnswer
      } catch (err) {
        report((err as Error | undefined)?.name ?? 'Error')
        throw new ApiError('UPSTREAM_UNAVAILABLE', { retryAfter: 1, cause: err })
      }
      if (response.ok && typeof answer.access_token === 'string' && typeof answer.id_token === 'string') {
        report('ok')
        return {
          accessToken: answer.access_token,
          idToken: answer.id_token,
          ...(typeof answer.refresh_token === 'string' ? { refreshToken: answer.refresh_token } : {})
        }
      }
      const error = typeof answer.error === 'string' ? answer.error : `HTTP ${response.status}`
      report(OAUTH_ERRORS.has(error) ? error : `HTTP ${response.status}`)
      const cause = new Error(`token endpoint: ${error}`)
      if (error === 'invalid_grant') throw new ApiError('OAUTH_CODE_INVALID', { cause })
      if (response.status === 429) throw new ApiError('UPSTREAM_THROTTLED', { retryAfter: 1, cause })
      if (response.status >= 500) throw new ApiError('UPSTREAM_UNAVAILABLE', { retryAfter: 1, cause })
      // invalid_client, unauthorized_client, invalid_request...: this service's app client settings, not the user.
      throw new ApiError('UPSTREAM_ERROR', {
        cause: new Error(`the token endpoint refused this service (${error}): check COGNITO_CLIENT_SECRET and the app client's OAuth settings`)
      })
    }
  }
}
