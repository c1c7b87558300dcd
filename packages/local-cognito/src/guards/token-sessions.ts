/**
 * Token sessions, so that revocation works as in Cognito. cognito-local's
 * tokens carry no `origin_jti`, RevokeToken only stops the refresh token,
 * and GlobalSignOut is missing. Here:
 *  - every access and ID token issued gets `origin_jti`: the jti of the
 *    refresh token it was issued with or from (re-signed with the emulator's
 *    key), so it lives as long as that session (data-store-sessions.ts):
 *    RevokeToken, which drops the refresh token, revokes its access tokens too;
 *  - a refresh token issued by a challenge answer is kept, as Cognito does
 *    (cognito-local forgets it, so refreshing with it would fail);
 *  - GlobalSignOut / AdminUserGlobalSignOut end every session of the user and
 *    revoke every token issued until then.
 * The access-token guard refuses the tokens of ended sessions.
 */
import { UnsupportedError } from 'cognito-local/lib/errors.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import { signOutEverywhere } from '../data-store-sessions.ts'
import type { LocalGuard, Route } from '../local-layer.ts'
import { decodeJwt, withClaims } from './jwt.ts'
import { poolOf, userOf } from './lookup.ts'

interface AuthResult { AccessToken?: string, IdToken?: string, RefreshToken?: string }

interface Request {
  ClientId?: unknown
  UserPoolId?: unknown
  Username?: unknown
  AccessToken?: unknown
  RefreshToken?: unknown
  AuthParameters?: Record<string, unknown>
  ChallengeResponses?: Record<string, unknown>
}

const ISSUING = ['InitiateAuth', 'AdminInitiateAuth', 'RespondToAuthChallenge', 'AdminRespondToAuthChallenge', 'GetTokensFromRefreshToken']
const ANSWERS = ['RespondToAuthChallenge', 'AdminRespondToAuthChallenge']

async function issuing (target: string, next: Route, services: Services, ctx: Context, req: Request): Promise<unknown> {
  const out = await next(ctx, req) as { AuthenticationResult?: AuthResult } | undefined
  const result = out?.AuthenticationResult
  if (!result?.AccessToken) return out
  const presented = req.RefreshToken ?? req.AuthParameters?.REFRESH_TOKEN
  const refreshToken = result.RefreshToken ?? (typeof presented === 'string' ? presented : undefined)
  const origin = decodeJwt(refreshToken)?.jti
  if (typeof origin !== 'string') return out

  if (ANSWERS.includes(target) && result.RefreshToken) {
    const pool = await poolOf(services, ctx, req)
    const user = await userOf(pool, ctx, req.ChallengeResponses?.USERNAME)
    if (pool && user && !(user.RefreshTokens ?? []).includes(result.RefreshToken)) {
      await pool.storeRefreshToken(ctx, result.RefreshToken, user)
    }
  }
  return {
    ...out,
    AuthenticationResult: {
      ...result,
      AccessToken: withClaims(result.AccessToken, { origin_jti: origin }),
      ...(result.IdToken ? { IdToken: withClaims(result.IdToken, { origin_jti: origin }) } : {})
    }
  }
}

async function signOut (target: string, next: Route, services: Services, ctx: Context, req: Request): Promise<unknown> {
  let out: unknown = {}
  try {
    out = await next(ctx, req)
  } catch (err) {
    // Until an operation answers it, ending the sessions below is all a global sign-out does.
    if (!(err instanceof UnsupportedError)) throw err
  }
  const pool = await poolOf(services, ctx, req)
  const username = target === 'GlobalSignOut' ? decodeJwt(req.AccessToken)?.username : req.Username
  const user = await userOf(pool, ctx, username)
  if (pool && user) await pool.saveUser(ctx, signOutEverywhere(user))
  return out
}

export const tokenSessions: LocalGuard = {
  name: 'token sessions (origin_jti, global sign-out)',
  targets: [...ISSUING, 'GlobalSignOut', 'AdminUserGlobalSignOut'],
  wrap: (target, next, services) => async (ctx, req: Request) => {
    if (target === 'GlobalSignOut' || target === 'AdminUserGlobalSignOut') return await signOut(target, next, services, ctx, req)
    return await issuing(target, next, services, ctx, req)
  }
}
