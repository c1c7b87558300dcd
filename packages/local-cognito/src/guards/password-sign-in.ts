/**
 * Password sign-in answers as Cognito gives them. cognito-local answers a
 * wrong password with InvalidPasswordException (a policy error) and an
 * unknown user with "User not authorized"; worse, it answers an invited user
 * (FORCE_CHANGE_PASSWORD) with the NEW_PASSWORD_REQUIRED challenge whatever
 * password was sent, so anyone could start that user's first sign-in.
 * Cognito checks the (temporary) password first and answers every failure
 * alike: NotAuthorizedException "Incorrect username or password." (the
 * app client's default, PreventUserExistenceErrors on).
 */
import { NotAuthorizedError } from 'cognito-local/lib/errors.js'
import type { LocalGuard } from '../local-layer.ts'
import { poolOf, userOf } from './lookup.ts'

interface Request {
  ClientId?: unknown
  UserPoolId?: unknown
  AuthFlow?: unknown
  AuthParameters?: Record<string, unknown>
}

const PASSWORD_FLOWS = new Set(['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH'])
export const INCORRECT = 'Incorrect username or password.'

export const passwordSignIn: LocalGuard = {
  name: 'password sign-in',
  targets: ['InitiateAuth', 'AdminInitiateAuth'],
  wrap: (_target, next, services) => async (ctx, req: Request) => {
    if (!PASSWORD_FLOWS.has(String(req.AuthFlow))) return await next(ctx, req)
    const user = await userOf(await poolOf(services, ctx, req), ctx, req.AuthParameters?.USERNAME)
    // A reset-required user is the emulator's (and Cognito's) PasswordResetRequiredException.
    if (user?.UserStatus === 'RESET_REQUIRED') return await next(ctx, req)
    if (user === undefined || user.Password !== req.AuthParameters?.PASSWORD) throw new NotAuthorizedError(INCORRECT)
    return await next(ctx, req)
  }
}
