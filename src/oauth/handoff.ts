/**
 * Hand-off codes: how a site that cannot read this service's cookies (a CMS
 * on another domain) gets a hosted-UI session without tokens ever appearing
 * in a URL. The callback leaves the tokens, sealed, in the shared store under
 * a random code bound to the site, for 60 seconds; the site's back end
 * redeems the code once, proving which site it is with that site's secret.
 * Taking the code from the store is atomic, so two redemptions (on two
 * instances, even) cannot both succeed, and a wrong site burns the code.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Tokens } from '../cognito/types.js'
import type { SharedStore } from '../store/store.js'
import type { Sealer } from '../session/seal.js'
import { sameSecret } from './login-attempt.js'

export const HANDOFF_SECONDS = 60
const PURPOSE = 'oauth-handoff'

export interface HandoffSite { origin: string, secret: string }

export interface Handoffs {
  /** The site a redirect target belongs to, when it is a hand-off site. */
  siteFor (location: string): HandoffSite | undefined
  /** The site whose secret this is (every secret compared in constant time), or undefined. */
  authenticate (secret: string): HandoffSite | undefined
  issue (site: HandoffSite, tokens: Tokens): Promise<string>
  /** The tokens, once, for the site the code was issued to; undefined otherwise (and the code is spent). */
  redeem (code: string, site: HandoffSite): Promise<Tokens | undefined>
}

/** Codes are never store keys themselves: a store dump yields nothing to redeem. */
function keyOf (code: string): string {
  return `handoff:${createHash('sha256').update(code).digest('base64url')}`
}

export function createHandoffs (sites: readonly HandoffSite[], store: SharedStore, sealer: Sealer): Handoffs {
  return {
    siteFor (location) {
      const origin = new URL(location).origin
      return sites.find(site => site.origin === origin)
    },

    authenticate (secret) {
      let found: HandoffSite | undefined
      // Every secret is compared, so the time taken does not say which site came close.
      for (const site of sites) if (sameSecret(site.secret, secret)) found = site
      return found
    },

    async issue (site, tokens) {
      const code = randomBytes(32).toString('base64url')
      await store.putOnce(keyOf(code), sealer.seal(PURPOSE, JSON.stringify({ site: site.origin, tokens })), HANDOFF_SECONDS * 1000)
      return code
    },

    async redeem (code, site) {
      const sealed = await store.takeOnce(keyOf(code))
      if (sealed === undefined) return undefined
      const opened = sealer.unseal(PURPOSE, sealed)
      if (opened === undefined) return undefined
      const value = JSON.parse(opened) as { site: string, tokens: Tokens }
      return value.site === site.origin ? value.tokens : undefined
    }
  }
}
