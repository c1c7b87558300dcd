/**
 * Access tokens presented to the user's own operations. cognito-local only
 * decodes them: a token with a forged signature, an expired one, an ID token
 * or a revoked one all work. Cognito answers NotAuthorizedException:
 * "Access Token has expired", "Access Token has been revoked" (its refresh
 * token was revoked, the user signed out everywhere or was disabled), and
 * "Invalid Access Token" for anything else it did not issue as an access
 * token of this pool.
 */
import { NotAuthorizedError } from 'cognito-local/lib/errors.js'
import { sessionEnded } from '../data-store-sessions.ts'
import type { LocalGuard } from '../local-layer.ts'
import { nowSeconds, verifiedJwt } from './jwt.ts'
import { poolOf, userOf } from './lookup.ts'

/** Operations that may name the user by a Session instead (MFA set-up during sign-in). */
const OPTIONAL = new Set(['AssociateSoftwareToken', 'VerifySoftwareToken'])

export const ACCESS_TOKEN_TARGETS = [
  'GetUser', 'UpdateUserAttributes', 'DeleteUserAttributes', 'ChangePassword', 'DeleteUser',
  'AssociateSoftwareToken', 'VerifySoftwareToken', 'SetUserMFAPreference', 'SetUserSettings',
  'GetUserAttributeVerificationCode', 'VerifyUserAttribute', 'GlobalSignOut',
  'ListDevices', 'GetDevice', 'ConfirmDevice', 'ForgetDevice', 'UpdateDeviceStatus',
  'GetUserAuthFactors', 'ListWebAuthnCredentials', 'StartWebAuthnRegistration', 'CompleteWebAuthnRegistration',
  'DeleteWebAuthnCredential', 'ListUserSessions', 'RevokeUserSession'
] as const

const invalid = () => new NotAuthorizedError('Invalid Access Token')

export const accessTokens: LocalGuard = {
  name: 'access tokens',
  targets: ACCESS_TOKEN_TARGETS,
  wrap: (target, next, services) => async (ctx, req: { AccessToken?: unknown }) => {
    const token = req.AccessToken
    if (token === undefined && OPTIONAL.has(target)) return await next(ctx, req)
    if (typeof token !== 'string') throw invalid()

    const claims = verifiedJwt(token)
    if (claims === undefined) throw invalid()
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds()) throw new NotAuthorizedError('Access Token has expired')
    if (claims.token_use !== 'access' || typeof claims.client_id !== 'string') throw invalid()
    const pool = await poolOf(services, ctx, { ClientId: claims.client_id })
    if (pool === undefined || claims.iss !== `${services.config.TokenConfig.IssuerDomain}/${pool.options.Id}`) throw invalid()

    const user = await userOf(pool, ctx, claims.username)
    if (user !== undefined) {
      if (sessionEnded(user, claims)) throw new NotAuthorizedError('Access Token has been revoked')
      if (user.Enabled === false) throw new NotAuthorizedError('User is disabled.')
    }
    // An unknown user is the emulator's to answer.
    return await next(ctx, req)
  }
}
