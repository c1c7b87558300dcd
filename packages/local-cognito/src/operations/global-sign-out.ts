/**
 * Cognito's GlobalSignOut, which cognito-local lacks (HTTP 500
 * CognitoLocal#Unsupported): every refresh token of the user is revoked, and
 * with them every access and ID token issued until now. The access-token
 * guard has already refused a token that is forged, expired, revoked or not
 * an access token of this pool, as Cognito does, before this runs.
 */
import { NotAuthorizedError, UserNotFoundError } from 'cognito-local/lib/errors.js'
import { signOutEverywhere } from '../data-store-sessions.ts'
import { decodeJwt } from '../guards/jwt.ts'
import { poolOf, userOf } from '../guards/lookup.ts'
import type { LocalOperation } from '../local-layer.ts'

interface Request { AccessToken?: unknown }

export const globalSignOut: LocalOperation = {
  target: 'GlobalSignOut',
  route: services => async (ctx, req: Request) => {
    const pool = await poolOf(services, ctx, req)
    if (pool === undefined) throw new NotAuthorizedError('Invalid Access Token')
    const user = await userOf(pool, ctx, decodeJwt(req.AccessToken)?.username)
    if (user === undefined) throw new UserNotFoundError('User does not exist.')
    await pool.saveUser(ctx, signOutEverywhere(user))
    return {}
  }
}
