/**
 * Any user's sessions, as an administrator (ADMIN_API): AdminListUserSessions
 * (every page) and AdminRevokeUserSession. The user's own: user-sessions.ts.
 */
import { AdminListUserSessionsCommand, AdminRevokeUserSessionCommand } from '@aws-sdk/client-cognito-identity-provider'
import { call, type CognitoContext } from './client.js'
import { allPages, type UserSession } from './user-sessions.js'

export interface AdminSessionIntents {
  /** AdminListUserSessions, every page (none is current: no access token is sent). */
  adminListSessions (username: string): Promise<UserSession[]>
  /** AdminRevokeUserSession: the session's refresh and access tokens stop working at Cognito. */
  adminRevokeSession (username: string, sessionId: string): Promise<void>
}

export function adminSessionIntents ({ sdk, pool }: CognitoContext): AdminSessionIntents {
  const UserPoolId = pool.userPoolId
  return {
    async adminListSessions (username) {
      return await allPages(async NextToken => await call('AdminSessions', () =>
        sdk.send(new AdminListUserSessionsCommand({ UserPoolId, Username: username, NextToken }))))
    },

    async adminRevokeSession (username, sessionId) {
      await call('AdminRevokeSession', () => sdk.send(new AdminRevokeUserSessionCommand({ UserPoolId, Username: username, SessionId: sessionId })))
    }
  }
}
