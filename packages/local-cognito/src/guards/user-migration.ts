/**
 * User migration, where Cognito runs it: a password sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH) or a
 * ForgotPassword naming a user the pool does not have calls the migration trigger (triggers.ts) first. Found, the
 * user is created as the trigger says (at sign-in: CONFIRMED with the password just checked, e-mail verified;
 * at forgot-password: RESET_REQUIRED, so the reset code goes out next), then the request goes on as for any user.
 * The trigger's refusal is Cognito's: at sign-in "Incorrect username or password." (a wrong password and an
 * unknown user alike), at forgot-password the unknown user's answer; anything else (the legacy service down) is
 * UserLambdaValidationException with the trigger's message. cognito-local's own migration is not used: it names
 * the new user with a random id, not the one signing in.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { NotAuthorizedError, UserLambdaValidationError, UserNotFoundError } from 'cognito-local/lib/errors.js'
import { attributesFromRecord } from 'cognito-local/lib/services/userPoolService.js'
import type { LocalGuard } from '../local-layer.ts'
import type { MigrationInput, MigrationResult } from '../triggers.ts'
import { poolOf, userOf } from './lookup.ts'
import { INCORRECT } from './password-sign-in.ts'

interface Request {
  ClientId?: unknown
  UserPoolId?: unknown
  AuthFlow?: unknown
  AuthParameters?: Record<string, unknown>
  Username?: unknown
  ClientMetadata?: Record<string, string>
}

const PASSWORD_FLOWS = new Set(['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH'])

/** The trigger's refusal (a wrong password, an unknown user), as triggers.ts tells it from an outage. */
export class MigrationRefusedError extends Error {}

export function userMigration (migrate: (input: MigrationInput) => Promise<MigrationResult>): LocalGuard {
  return {
    name: 'user migration (the trigger, in process)',
    targets: ['InitiateAuth', 'AdminInitiateAuth', 'ForgotPassword'],
    wrap: (target, next, services) => async (ctx, req: Request) => {
      const signIn = target !== 'ForgotPassword'
      if (signIn && !PASSWORD_FLOWS.has(String(req.AuthFlow))) return await next(ctx, req)
      const username = signIn ? req.AuthParameters?.USERNAME : req.Username
      const password = signIn ? req.AuthParameters?.PASSWORD : undefined
      const pool = await poolOf(services, ctx, req)
      if (pool === undefined || typeof username !== 'string' || username === '' || await userOf(pool, ctx, username) !== undefined) {
        return await next(ctx, req)
      }
      let result: MigrationResult
      try {
        result = await migrate({
          source: signIn ? 'UserMigration_Authentication' : 'UserMigration_ForgotPassword',
          userPoolId: pool.options.Id,
          clientId: typeof req.ClientId === 'string' ? req.ClientId : 'CLIENT_ID_NOT_APPLICABLE',
          username,
          password: typeof password === 'string' ? password : '',
          clientMetadata: req.ClientMetadata
        })
      } catch (error) {
        if (!(error instanceof MigrationRefusedError)) {
          throw new UserLambdaValidationError(`UserMigration failed with error ${error instanceof Error ? error.message : String(error)}.`)
        }
        if (signIn) throw new NotAuthorizedError(INCORRECT)
        throw new UserNotFoundError('Username/client id combination not found.')
      }
      const now = new Date()
      await pool.saveUser(ctx, {
        Username: username,
        Attributes: attributesFromRecord({ ...result.userAttributes, sub: randomUUID() }),
        Enabled: true,
        // At forgot-password there is no password yet: one nobody knows, until the reset sets it.
        Password: signIn && typeof password === 'string' ? password : randomBytes(24).toString('base64url'),
        UserStatus: (result.finalUserStatus ?? 'RESET_REQUIRED') as 'CONFIRMED',
        UserCreateDate: now,
        UserLastModifiedDate: now,
        RefreshTokens: []
      })
      return await next(ctx, req)
    }
  }
}
