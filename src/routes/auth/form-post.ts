/**
 * The buttons of the service's own e-mail-link pages (confirm the account,
 * reset the password): a form POST, accepted in its own scope (the rest of
 * the API takes JSON only), and only from this service's own page, cookies
 * or not (the origin check covers requests with cookies). The page seals what
 * the link carried (username and code) into one hidden field, so it never
 * shows the code.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { ApiError, invalidFields } from '../../errors/catalog.js'
import { checkRedirect, type Allowlist } from '../../oauth/redirect.js'

/** Makes `scope` take form fields, from this service's own origin only (else ORIGIN_NOT_ALLOWED with `detail`). */
export function formPostsFromOwnPages (scope: FastifyInstance, publicUrl: URL, detail: string): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, formFields(String(body)))
  })
  scope.addHook('onRequest', async (request) => {
    const site = request.headers['sec-fetch-site']
    if (!sameOrigin(request.headers.origin, publicUrl.origin) || site === 'cross-site' || site === 'same-site') {
      throw new ApiError('ORIGIN_NOT_ALLOWED', { detail })
    }
  })
}

/** What an e-mail link carried, as its page seals it: the redirect only when REDIRECT_ALLOWLIST allowed it. */
export interface LinkFields {
  username: string
  code: string
  redirect?: string
}

/**
 * The link's `redirect`, when the allowlist allows it: the absolute target. A target off the list is dropped
 * (logged with the reason, never the value): the person still confirms, and lands on the configured page.
 */
export function linkRedirect (raw: string | undefined, allowlist: Allowlist, log: FastifyBaseLogger): string | undefined {
  if (raw === undefined) return undefined
  const checked = checkRedirect(raw, allowlist)
  if (checked.ok) return checked.location
  log.warn({ reason: checked.reason, length: raw.length }, 'e-mail link redirect dropped')
  return undefined
}

/** The sealed fields of a page's form (`field`), or VALIDATION_FAILED. */
export function openLink (plaintext: string | undefined, field: string): LinkFields {
  try {
    const value = JSON.parse(plaintext ?? 'null') as { username?: unknown, code?: unknown, redirect?: unknown } | null
    if (typeof value?.username === 'string' && typeof value.code === 'string') {
      return { username: value.username, code: value.code, ...(typeof value.redirect === 'string' ? { redirect: value.redirect } : {}) }
    }
  } catch {
    // not ours: refused below
  }
  throw invalidFields([{ field: `/body/${field}`, message: 'does not open: open the link in the e-mail again' }])
}

/** Form fields as an object; a name sent twice becomes a list, which the schema refuses. */
function formFields (body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {}
  for (const [name, value] of new URLSearchParams(body)) {
    const before = fields[name]
    fields[name] = before === undefined ? value : [before, value].flat()
  }
  return fields
}

/** Whether an Origin header, when a browser sent one, is this service's origin ("null" and garbage are not). */
function sameOrigin (origin: string | undefined, own: string): boolean {
  if (origin === undefined) return true
  try {
    return new URL(origin).origin === own
  } catch {
    return false
  }
}
