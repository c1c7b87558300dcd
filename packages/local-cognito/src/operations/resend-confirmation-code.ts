/** Cognito's ResendConfirmationCode: a fresh code for an unconfirmed user, sent to the e-mail on file. */
import { InvalidParameterError, UserNotFoundError } from 'cognito-local/lib/errors.js'
import type { LocalOperation } from '../local-layer.ts'

interface ResendRequest { ClientId: string, Username: string, ClientMetadata?: Record<string, string> }

export const resendConfirmationCode: LocalOperation = {
  target: 'ResendConfirmationCode',
  route: services => async (ctx, req: ResendRequest) => {
    const pool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId)
    const user = await pool.getUserByUsername(ctx, req.Username)
    if (!user) throw new UserNotFoundError('Username/client id combination not found.')
    if (user.UserStatus !== 'UNCONFIRMED') throw new InvalidParameterError('User is already confirmed.')
    const email = user.Attributes.find(a => a.Name === 'email')?.Value
    if (!email) throw new InvalidParameterError('User has no e-mail address to send a code to.')
    const code = services.otp()
    await pool.saveUser(ctx, { ...user, ConfirmationCode: code, UserLastModifiedDate: services.clock.get() })
    const details = { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: email } as const
    await services.messages.deliver(ctx, 'ResendCode', req.ClientId, pool.options.Id, user, code, req.ClientMetadata, details)
    return { CodeDeliveryDetails: details }
  }
}
