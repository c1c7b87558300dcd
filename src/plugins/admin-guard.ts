/**
 * The admin guard: an onRequest hook the admin routes register on their own
 * scope, after requireUser (which verified the access token: signature,
 * expiry, client, revocation). An admin is a member of ADMIN_GROUP (the
 * token's cognito:groups), or a service whose client-credentials token comes
 * from one of ADMIN_CLIENT_IDS and carries one of ADMIN_SCOPES. A scope on a
 * token from any other client grants nothing: any client of the pool may be
 * allowed a scope of the same name.
 */
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config/index.js'
import { ApiError } from '../errors/catalog.js'
import type { VerifiedToken } from '../verify/verifier.js'
import { guard, type SecurityRequirement } from './openapi-security.js'

export type AdminSettings = Config['admin']

/** Whether a verified access token is an admin's. */
export function isAdmin (token: VerifiedToken, admin: AdminSettings): boolean {
  if (token.tokenUse !== 'access') return false
  if (token.groups.includes(admin.group)) return true
  return admin.clientIds.includes(token.clientId) && token.scope.some(scope => admin.scopes.includes(scope))
}

/**
 * Who requireAdmin lets in, as the document says it: a group member's access
 * token or session cookie (the schemes' descriptions name the group), or an
 * admin client's client-credentials token with one of the scopes.
 */
export function adminSecurity (admin: AdminSettings): SecurityRequirement[] {
  return [{ bearer: [] }, { cookie: [] }, ...(admin.scopes.length > 0 ? [{ adminClient: admin.scopes }] : [])]
}

/** The hook: a verified caller who is not an admin is refused with 403 ADMIN_REQUIRED. */
export function requireAdmin (admin: AdminSettings) {
  return guard(async function requireAdmin (request: FastifyRequest): Promise<void> {
    const token = request.user
    if (token === null || !isAdmin(token, admin)) {
      throw new ApiError('ADMIN_REQUIRED', {
        detail: `Only members of the ${admin.group} group${admin.scopes.length > 0 ? ' or admin service clients' : ''} may call the admin API.`
      })
    }
  }, adminSecurity(admin))
}
