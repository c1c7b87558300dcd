/** What guards look up in the emulator: the pool a request is about, and a user in it. */
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService.js'
import { decodeJwt } from './jwt.ts'

export interface PoolRequest {
  UserPoolId?: unknown
  ClientId?: unknown
  AccessToken?: unknown
}

/**
 * The pool named by the request (UserPoolId), by its app client (ClientId), or
 * by the client its access token was issued to. Undefined when there is none:
 * the guard then lets the emulator answer (with its own "not found").
 */
export async function poolOf (services: Services, ctx: Context, req: PoolRequest): Promise<UserPoolService | undefined> {
  try {
    if (typeof req.UserPoolId === 'string') return await services.cognito.getUserPool(ctx, req.UserPoolId)
    const clientId = typeof req.ClientId === 'string' ? req.ClientId : decodeJwt(req.AccessToken)?.client_id
    if (typeof clientId === 'string') return await services.cognito.getUserPoolForClientId(ctx, clientId)
  } catch {
    // Unknown pool or client: the emulator's own answer is the right one.
  }
  return undefined
}

export async function userOf (pool: UserPoolService | undefined, ctx: Context, username: unknown): Promise<User | undefined> {
  if (pool === undefined || typeof username !== 'string' || username === '') return undefined
  return await pool.getUserByUsername(ctx, username) ?? undefined
}

/** The user a refresh token was issued to (cognito-local's refresh tokens are JWTs naming the user). */
export async function userOfRefreshToken (pool: UserPoolService | undefined, ctx: Context, token: unknown): Promise<User | undefined> {
  return await userOf(pool, ctx, decodeJwt(token)?.['cognito:username'])
}
