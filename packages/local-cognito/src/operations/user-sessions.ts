/**
 * Cognito's session management, which cognito-local lacks: ListUserSessions,
 * RevokeUserSession and their Admin… forms, over the token sessions the
 * local layer keeps (data-store-sessions.ts: one session per refresh token).
 * As in Cognito:
 *  - a session's id is 28 lowercase letters and digits prefixed `tkn` (here
 *    derived from its refresh token's jti, which its tokens carry as
 *    origin_jti; Cognito's tokens name no session id, and neither do these);
 *  - ListUserSessions marks the session the calling access token belongs to
 *    (IsCurrentSession) and pages (here by PAGE_SIZE, so paging is exercised);
 *    AdminListUserSessions answers every session in one page, none current;
 *  - RevokeUserSession refuses the caller's own session (that is a sign-out)
 *    and an id the user has no session by; revoking ends the session: its
 *    refresh token stops working and its access tokens are refused.
 * Unlike Cognito: no device, IP address or location is known (DeviceType
 * `unknown`, as Cognito answers when it cannot tell), the last activity is the
 * sign-in, and there are no SSO sessions (the hosted UI stand-in keeps none).
 * The access-token guard has already refused a forged, expired or revoked
 * token before the user's own operations run. Session tracking is always on.
 */
import { createHash } from 'node:crypto'
import { InvalidParameterError, NotAuthorizedError, ResourceNotFoundError, UserNotFoundError } from 'cognito-local/lib/errors.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService.js'
import type { SessionFields } from '../data-store-sessions.ts'
import { decodeJwt } from '../guards/jwt.ts'
import { poolOf, userOf } from '../guards/lookup.ts'
import type { LocalOperation } from '../local-layer.ts'

/** Sessions in one ListUserSessions page (Cognito's own size is not documented). */
export const PAGE_SIZE = 10

interface SessionDescription {
  SessionId: string
  SessionType: 'TOKEN'
  ClientId?: string
  CreateDate: Date
  LastActiveDate: Date
  DeviceType: string
  IsCurrentSession: boolean
}

/** The session id of the session whose refresh token has this jti. */
export function sessionIdOf (originJti: string): string {
  return `tkn${createHash('sha256').update(originJti).digest('hex').slice(0, 25)}`
}

interface Session { id: string, refreshToken: string, description: SessionDescription }

/** The user's live sessions, newest first. */
function sessionsOf (user: User & SessionFields, current: string | undefined): Session[] {
  const sessions: Session[] = []
  for (const refreshToken of user.RefreshTokens ?? []) {
    const claims = decodeJwt(refreshToken)
    if (typeof claims?.jti !== 'string') continue
    const id = sessionIdOf(claims.jti)
    const created = new Date((typeof claims.iat === 'number' ? claims.iat : 0) * 1000)
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : typeof claims.aud === 'string' ? claims.aud : undefined
    sessions.push({
      id,
      refreshToken,
      description: {
        SessionId: id,
        SessionType: 'TOKEN',
        ...(clientId === undefined ? {} : { ClientId: clientId }),
        CreateDate: created,
        LastActiveDate: created,
        DeviceType: 'unknown',
        IsCurrentSession: id === current
      }
    })
  }
  return sessions.reverse()
}

function page (sessions: Session[], nextToken: unknown): { Sessions: SessionDescription[], NextToken?: string } {
  let start = 0
  if (nextToken !== undefined) {
    start = typeof nextToken === 'string' && /^\d+$/.test(Buffer.from(nextToken, 'base64url').toString('utf8'))
      ? Number(Buffer.from(nextToken, 'base64url').toString('utf8'))
      : -1
    if (start < 0 || start > sessions.length) throw new InvalidParameterError('Invalid pagination token.')
  }
  const end = start + PAGE_SIZE
  return {
    Sessions: sessions.slice(start, end).map(s => s.description),
    ...(end < sessions.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {})
  }
}

async function revoke (pool: UserPoolService, ctx: Context, user: User & SessionFields, sessionId: unknown, current?: string): Promise<void> {
  if (typeof sessionId !== 'string' || !/^(tkn|sso)[a-z0-9]{25}$/.test(sessionId)) throw new InvalidParameterError('Invalid session id.')
  if (sessionId === current) throw new InvalidParameterError('The current session cannot be revoked; sign out instead.')
  const target = sessionsOf(user, current).find(s => s.id === sessionId)
  if (target === undefined) throw new ResourceNotFoundError('Session not found.')
  await pool.saveUser(ctx, { ...user, RefreshTokens: (user.RefreshTokens ?? []).filter(t => t !== target.refreshToken) } as User)
}

interface OwnRequest { AccessToken?: unknown, NextToken?: unknown, SessionId?: unknown }
interface AdminRequest { UserPoolId: string, Username: string, NextToken?: unknown, SessionId?: unknown }

/** The caller's pool, user and current session id, from their (already verified) access token. */
async function caller (services: Services, ctx: Context, req: OwnRequest) {
  const pool = await poolOf(services, ctx, req)
  if (pool === undefined) throw new NotAuthorizedError('Invalid Access Token')
  const claims = decodeJwt(req.AccessToken)
  const user = await userOf(pool, ctx, claims?.username)
  if (user === undefined) throw new UserNotFoundError('User does not exist.')
  const current = typeof claims?.origin_jti === 'string' ? sessionIdOf(claims.origin_jti) : undefined
  return { pool, user: user as User & SessionFields, current }
}

async function adminUser (services: Services, ctx: Context, req: AdminRequest) {
  const pool = await services.cognito.getUserPool(ctx, req.UserPoolId)
  const user = await pool.getUserByUsername(ctx, req.Username)
  if (!user) throw new UserNotFoundError('User does not exist.')
  return { pool, user: user as User & SessionFields }
}

export const userSessionOperations: LocalOperation[] = [
  {
    target: 'ListUserSessions',
    route: services => async (ctx, req: OwnRequest) => {
      const { user, current } = await caller(services, ctx, req)
      return page(sessionsOf(user, current), req.NextToken)
    }
  },
  {
    target: 'RevokeUserSession',
    route: services => async (ctx, req: OwnRequest) => {
      const { pool, user, current } = await caller(services, ctx, req)
      await revoke(pool, ctx, user, req.SessionId, current)
      return {}
    }
  },
  {
    target: 'AdminListUserSessions',
    route: services => async (ctx, req: AdminRequest) => {
      const { user } = await adminUser(services, ctx, req)
      return { Sessions: sessionsOf(user, undefined).map(s => s.description) }
    }
  },
  {
    target: 'AdminRevokeUserSession',
    route: services => async (ctx, req: AdminRequest) => {
      const { pool, user } = await adminUser(services, ctx, req)
      await revoke(pool, ctx, user, req.SessionId)
      return {}
    }
  }
]
