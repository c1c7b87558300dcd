/**
 * ChangePassword's current password. cognito-local answers a wrong one with
 * InvalidPasswordException "Invalid password", which reads as "the new
 * password breaks the policy"; Cognito answers NotAuthorizedException
 * "Incorrect username or password.".
 */
import { NotAuthorizedError } from 'cognito-local/lib/errors.js'
import { decodeJwt } from './jwt.ts'
import type { LocalGuard } from '../local-layer.ts'
import { poolOf, userOf } from './lookup.ts'

interface Request { AccessToken?: unknown, PreviousPassword?: unknown }

export const currentPassword: LocalGuard = {
  name: 'current password',
  targets: ['ChangePassword'],
  wrap: (_target, next, services) => async (ctx, req: Request) => {
    const pool = await poolOf(services, ctx, req)
    const user = await userOf(pool, ctx, decodeJwt(req.AccessToken)?.username)
    if (user !== undefined && user.Password !== req.PreviousPassword) throw new NotAuthorizedError('Incorrect username or password.')
    return await next(ctx, req)
  }
}
