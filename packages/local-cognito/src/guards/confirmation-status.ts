/**
 * ConfirmSignUp answers as Cognito gives them. cognito-local answers an
 * unknown user with "User not authorized" and an already confirmed one with
 * ExpiredCodeException; Cognito says UserNotFoundException for the first and
 * NotAuthorizedException "User cannot be confirmed. Current status is
 * CONFIRMED" for the second, which the service then hides as a wrong code.
 */
import { NotAuthorizedError, UserNotFoundError } from 'cognito-local/lib/errors.js'
import type { LocalGuard } from '../local-layer.ts'
import { poolOf, userOf } from './lookup.ts'

interface Request { ClientId?: unknown, Username?: unknown }

export const confirmationStatus: LocalGuard = {
  name: 'confirmation status',
  targets: ['ConfirmSignUp'],
  wrap: (_target, next, services) => async (ctx, req: Request) => {
    const pool = await poolOf(services, ctx, req)
    if (pool === undefined) return await next(ctx, req)
    const user = await userOf(pool, ctx, req.Username)
    if (user === undefined) throw new UserNotFoundError('Username/client id combination not found.')
    if (user.UserStatus === 'CONFIRMED') throw new NotAuthorizedError('User cannot be confirmed. Current status is CONFIRMED')
    return await next(ctx, req)
  }
}
