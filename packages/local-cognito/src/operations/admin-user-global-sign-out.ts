/**
 * Cognito's AdminUserGlobalSignOut: every session of the user ends (their
 * refresh tokens stop working) and the access tokens issued so far are
 * revoked, as with the user's own GlobalSignOut. The access-token guard and
 * the token-sessions guard then refuse what was issued before.
 */
import { UserNotFoundError } from 'cognito-local/lib/errors.js'
import { signOutEverywhere } from '../data-store-sessions.ts'
import type { LocalOperation } from '../local-layer.ts'

interface SignOutRequest { UserPoolId: string, Username: string }

export const adminUserGlobalSignOut: LocalOperation = {
  target: 'AdminUserGlobalSignOut',
  route: services => async (ctx, req: SignOutRequest) => {
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId)
    const user = await pool.getUserByUsername(ctx, req.Username)
    if (!user) throw new UserNotFoundError('User does not exist.')
    await pool.saveUser(ctx, signOutEverywhere(user))
    return {}
  }
}
