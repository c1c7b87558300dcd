/** The hosted UI (Cognito's managed login) and hand-off sites: where to send the browser, and a site's redemption. */
import type { BffClient } from './client.js'
import { unwrap } from './problem.js'

function url (client: BffClient, path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value)
  const search = params.toString()
  return `${client.baseUrl}${path}${search ? `?${search}` : ''}`
}

/** GET /oauth/login: send the browser here (location.assign) to sign in at the hosted UI, or with `provider` (Google...). */
export function hostedLoginUrl (client: BffClient, options: { redirect?: string, provider?: string } = {}): string {
  return url(client, '/oauth/login', options)
}

/** GET /oauth/logout: ends the session here and at the hosted UI, then comes back to `redirect`. */
export function hostedLogoutUrl (client: BffClient, options: { redirect?: string } = {}): string {
  return url(client, '/oauth/logout', options)
}

/** A hand-off site's back end: the `?handoff=` code it received, for the tokens (once), with the site's secret. */
export async function redeemHandoff (client: BffClient, code: string, siteSecret: string) {
  return await unwrap(client.api.POST('/oauth/handoff', { body: { code }, headers: { authorization: `Bearer ${siteSecret}` } }))
}
