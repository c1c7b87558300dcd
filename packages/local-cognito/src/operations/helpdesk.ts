/**
 * The help desk's operations cognito-local lacks, answered as Cognito answers
 * a pool like the local one (no threat protection, no device tracking, no
 * identity providers but the hosted-UI stand-in):
 *  - AdminSetUserMFAPreference: the user's MFA methods on or off, as the
 *    user's own SetUserMFAPreference does (a method not verified cannot be turned on);
 *  - AdminGetUserAuthFactors, GetUserAuthFactors: PASSWORD, EMAIL_OTP (a
 *    verified e-mail: the local pool's second first factor), the MFA methods;
 *  - AdminListUserAuthEvents, AdminUpdateAuthEventFeedback:
 *    UserPoolAddOnNotEnabledException (threat protection is off);
 *  - AdminListDevices: no devices; AdminForgetDevice: no such device;
 *  - AdminLinkProviderForUser, AdminDisableProviderForUser: the pool has no such provider.
 * The access-token guard has checked GetUserAuthFactors' token first.
 */
import { CognitoError, InvalidParameterError, ResourceNotFoundError, UserNotFoundError } from 'cognito-local/lib/errors.js'
import type { User } from 'cognito-local/lib/services/userPoolService.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import { verifiedJwt } from '../guards/jwt.ts'
import type { LocalOperation } from '../local-layer.ts'

interface UserRequest { UserPoolId: string, Username: string }
interface Toggle { Enabled?: boolean, PreferredMfa?: boolean }
interface MfaRequest extends UserRequest { SMSMfaSettings?: Toggle, SoftwareTokenMfaSettings?: Toggle, EmailMfaSettings?: Toggle }

async function userIn (services: Services, ctx: Context, req: UserRequest): Promise<{ user: User, save: (user: User) => Promise<void> }> {
  const pool = await services.cognito.getUserPool(ctx, req.UserPoolId)
  const user = await pool.getUserByUsername(ctx, req.Username)
  if (!user) throw new UserNotFoundError('User does not exist.')
  return { user, save: async next => await pool.saveUser(ctx, next) }
}

function factorsOf (user: User) {
  const verifiedEmail = user.Attributes.some(a => a.Name === 'email_verified' && a.Value === 'true')
  return {
    Username: user.Username,
    ...(user.PreferredMfaSetting === undefined ? {} : { PreferredMfaSetting: user.PreferredMfaSetting }),
    UserMFASettingList: user.UserMFASettingList ?? [],
    ConfiguredUserAuthFactors: ['PASSWORD', ...(verifiedEmail ? ['EMAIL_OTP'] : [])]
  }
}

const METHODS = [['SMSMfaSettings', 'SMS_MFA'], ['SoftwareTokenMfaSettings', 'SOFTWARE_TOKEN_MFA'], ['EmailMfaSettings', 'EMAIL_OTP']] as const

const adminSetUserMfaPreference: LocalOperation = {
  target: 'AdminSetUserMFAPreference',
  route: services => async (ctx, req: MfaRequest) => {
    const { user, save } = await userIn(services, ctx, req)
    const methods = new Set(user.UserMFASettingList ?? [])
    let preferred = user.PreferredMfaSetting
    for (const [field, method] of METHODS) {
      const toggle = req[field]
      if (toggle === undefined) continue
      if (toggle.Enabled === true && method === 'SOFTWARE_TOKEN_MFA' && user.SoftwareTokenMfaConfiguration?.Verified !== true) {
        throw new InvalidParameterError('User has not verified software token mfa')
      }
      if (toggle.Enabled === true) methods.add(method)
      else if (toggle.Enabled === false) methods.delete(method)
      if (toggle.PreferredMfa === true) preferred = method
      else if (preferred === method && (toggle.PreferredMfa === false || !methods.has(method))) preferred = undefined
    }
    await save({ ...user, UserMFASettingList: [...methods], PreferredMfaSetting: preferred, UserLastModifiedDate: services.clock.get() })
    return {}
  }
}

const adminGetUserAuthFactors: LocalOperation = {
  target: 'AdminGetUserAuthFactors',
  route: services => async (ctx, req: UserRequest) => factorsOf((await userIn(services, ctx, req)).user)
}

const getUserAuthFactors: LocalOperation = {
  target: 'GetUserAuthFactors',
  route: services => async (ctx, req: { AccessToken: string }) => {
    const claims = verifiedJwt(req.AccessToken)
    if (claims === undefined || typeof claims.client_id !== 'string') throw new CognitoError('NotAuthorizedException', 'Invalid Access Token')
    const pool = await services.cognito.getUserPoolForClientId(ctx, claims.client_id)
    const user = await pool.getUserByUsername(ctx, String(claims.username ?? claims.sub))
    if (!user) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token')
    return factorsOf(user)
  }
}

const noThreatProtection = (target: string): LocalOperation => ({
  target,
  route: services => async (ctx, req: UserRequest) => {
    await userIn(services, ctx, req)
    throw new CognitoError('UserPoolAddOnNotEnabledException', 'Advanced security features are not enabled for this user pool.')
  }
})

const adminListDevices: LocalOperation = {
  target: 'AdminListDevices',
  route: services => async (ctx, req: UserRequest) => {
    await userIn(services, ctx, req)
    return { Devices: [] }
  }
}

const adminForgetDevice: LocalOperation = {
  target: 'AdminForgetDevice',
  route: services => async (ctx, req: UserRequest) => {
    await userIn(services, ctx, req)
    throw new ResourceNotFoundError('Device does not exist.')
  }
}

const noSuchProvider = (target: string): LocalOperation => ({
  target,
  route: () => async () => {
    throw new InvalidParameterError('The local user pool has no such identity provider: local mode links no external identities.')
  }
})

export const helpdeskOperations: LocalOperation[] = [
  adminSetUserMfaPreference,
  adminGetUserAuthFactors,
  getUserAuthFactors,
  noThreatProtection('AdminListUserAuthEvents'),
  noThreatProtection('AdminUpdateAuthEventFeedback'),
  adminListDevices,
  adminForgetDevice,
  noSuchProvider('AdminLinkProviderForUser'),
  noSuchProvider('AdminDisableProviderForUser')
]
