/**
 * Disabled users. cognito-local's AdminDisableUser only sets `Enabled: false`:
 * the user still signs in and refreshes. Cognito refuses a disabled user's
 * sign-in, challenge answers and refreshes with NotAuthorizedException
 * "User is disabled.", and disabling revokes the access tokens issued so far
 * (the access-token guard also refuses a disabled user's tokens).
 *
 * A password sign-in is refused as disabled only with the right password, so
 * the answer tells nothing to someone who does not know it.
 */
import { NotAuthorizedError } from 'cognito-local/lib/errors.js'
import type { User } from 'cognito-local/lib/services/userPoolService.js'
import { revokeIssuedTokens } from '../data-store-sessions.ts'
import type { LocalGuard } from '../local-layer.ts'
import { poolOf, userOf, userOfRefreshToken } from './lookup.ts'

interface Request {
  ClientId?: unknown
  UserPoolId?: unknown
  Username?: unknown
  AuthFlow?: unknown
  AuthParameters?: Record<string, unknown>
  ChallengeResponses?: Record<string, unknown>
  RefreshToken?: unknown
}

const REFRESH_FLOWS = new Set(['REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN'])

export const disabledUsers: LocalGuard = {
  name: 'disabled users',
  targets: [
    'InitiateAuth', 'AdminInitiateAuth', 'RespondToAuthChallenge', 'AdminRespondToAuthChallenge', 'GetTokensFromRefreshToken',
    'AdminDisableUser'
  ],
  wrap: (target, next, services) => async (ctx, req: Request) => {
    const pool = await poolOf(services, ctx, req)
    if (target === 'AdminDisableUser') {
      const out: unknown = await next(ctx, req)
      const user = await userOf(pool, ctx, req.Username)
      if (pool && user) await pool.saveUser(ctx, revokeIssuedTokens(user))
      return out
    }

    let user: User | undefined
    let proven = true
    const refreshToken = target === 'GetTokensFromRefreshToken'
      ? req.RefreshToken
      : REFRESH_FLOWS.has(String(req.AuthFlow)) ? req.AuthParameters?.REFRESH_TOKEN : undefined
    if (refreshToken !== undefined) {
      user = await userOfRefreshToken(pool, ctx, refreshToken)
      proven = typeof refreshToken === 'string' && (user?.RefreshTokens ?? []).includes(refreshToken)
    } else if (target === 'InitiateAuth' || target === 'AdminInitiateAuth') {
      const params = req.AuthParameters ?? {}
      user = await userOf(pool, ctx, params.USERNAME)
      proven = user?.Password === params.PASSWORD
    } else {
      user = await userOf(pool, ctx, req.ChallengeResponses?.USERNAME)
    }
    if (user?.Enabled === false && proven) throw new NotAuthorizedError('User is disabled.')
    return await next(ctx, req)
  }
}
