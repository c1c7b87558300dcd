/**
 * Invitations (AdminCreateUser). cognito-local makes a six-character
 * temporary password, which no real pool's policy would accept, and answers
 * MessageAction RESEND as unsupported. Cognito generates a temporary
 * password that meets the pool's policy, and RESEND sends a user who has not
 * signed in yet (FORCE_CHANGE_PASSWORD) a new one; for any other user it
 * refuses with UnsupportedUserStateException, for an unknown one with
 * UserNotFoundException.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { CognitoError, InvalidParameterError, UserNotFoundError } from 'cognito-local/lib/errors.js'
import type { User } from 'cognito-local/lib/services/userPoolService.js'
import { userToResponseObject } from 'cognito-local/lib/targets/responses.js'
import type { LocalGuard } from '../local-layer.ts'

interface Request {
  UserPoolId?: unknown
  Username?: unknown
  MessageAction?: unknown
  TemporaryPassword?: unknown
  DesiredDeliveryMediums?: unknown
}

const SYMBOLS = '^$*.[]{}()?!@#%&/,><:;|_~'

/** A temporary password with every character class Cognito's policies can ask for (up to the default 8 characters and more). */
export function temporaryPassword (): string {
  const pick = (alphabet: string) => alphabet[randomInt(alphabet.length)]!
  const core = randomBytes(9).toString('base64url').replace(/[-_]/g, '')
  return `${pick('ABCDEFGHJKLMNPQRSTUVWXYZ')}${pick('abcdefghijkmnopqrstuvwxyz')}${pick('23456789')}${pick(SYMBOLS)}${core}`
}

export const invitations: LocalGuard = {
  name: 'invitations',
  targets: ['AdminCreateUser'],
  wrap: (_target, next, services) => async (ctx, req: Request) => {
    const password = typeof req.TemporaryPassword === 'string' ? req.TemporaryPassword : temporaryPassword()
    if (req.MessageAction !== 'RESEND') return await next(ctx, { ...req, TemporaryPassword: password })

    const pool = await services.cognito.getUserPool(ctx, String(req.UserPoolId))
    const user = typeof req.Username === 'string' ? await pool.getUserByUsername(ctx, req.Username) : null
    if (!user) throw new UserNotFoundError('User does not exist.')
    if (user.UserStatus !== 'FORCE_CHANGE_PASSWORD') {
      throw new CognitoError('UnsupportedUserStateException', `Resend not possible. ${user.Username} status is not FORCE_CHANGE_PASSWORD.`)
    }
    const mediums = Array.isArray(req.DesiredDeliveryMediums) ? req.DesiredDeliveryMediums as string[] : ['SMS']
    const details = deliveryFor(mediums, user)
    if (details === undefined) throw new InvalidParameterError('User has no attribute matching desired delivery mediums')
    const updated: User = { ...user, Password: password, UserLastModifiedDate: services.clock.get() }
    await pool.saveUser(ctx, updated)
    await services.messages.deliver(ctx, 'AdminCreateUser', null, pool.options.Id, updated, password, undefined, details)
    return { User: userToResponseObject(updated) }
  }
}

function deliveryFor (mediums: string[], user: User) {
  const value = (name: string) => user.Attributes.find(a => a.Name === name)?.Value
  const phone = value('phone_number')
  if (mediums.includes('SMS') && phone !== undefined) return { AttributeName: 'phone_number', DeliveryMedium: 'SMS', Destination: phone } as const
  const email = value('email')
  if (mediums.includes('EMAIL') && email !== undefined) return { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: email } as const
  return undefined
}
