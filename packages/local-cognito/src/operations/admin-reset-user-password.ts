/**
 * Cognito's AdminResetUserPassword: the user's password stops working
 * (status RESET_REQUIRED: a sign-in answers PasswordResetRequiredException)
 * and a code goes to their verified phone number, else their verified e-mail
 * address; the user sets a new password with it through password recovery
 * (ConfirmForgotPassword). Without a verified contact Cognito refuses with
 * InvalidParameterException.
 */
import { InvalidParameterError, UserNotFoundError } from 'cognito-local/lib/errors.js'
import type { User } from 'cognito-local/lib/services/userPoolService.js'
import type { LocalOperation } from '../local-layer.ts'

interface ResetRequest { UserPoolId: string, Username: string }

export const adminResetUserPassword: LocalOperation = {
  target: 'AdminResetUserPassword',
  route: services => async (ctx, req: ResetRequest) => {
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId)
    const user = await pool.getUserByUsername(ctx, req.Username)
    if (!user) throw new UserNotFoundError('User does not exist.')
    const details = verifiedContact(user)
    if (details === undefined) {
      throw new InvalidParameterError('Cannot reset password for the user as there is no registered/verified email or phone_number')
    }
    const code = services.otp()
    await pool.saveUser(ctx, { ...user, UserStatus: 'RESET_REQUIRED', ConfirmationCode: code, UserLastModifiedDate: services.clock.get() })
    await services.messages.deliver(ctx, 'ForgotPassword', null, pool.options.Id, user, code, undefined, details)
    return {}
  }
}

function verifiedContact (user: User) {
  const value = (name: string) => user.Attributes.find(a => a.Name === name)?.Value
  const phone = value('phone_number')
  if (phone !== undefined && value('phone_number_verified') === 'true') {
    return { AttributeName: 'phone_number', DeliveryMedium: 'SMS', Destination: phone } as const
  }
  const email = value('email')
  if (email !== undefined && value('email_verified') === 'true') {
    return { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: email } as const
  }
  return undefined
}
