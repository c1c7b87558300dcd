/**
 * The signed-in user's sessions as Cognito tracks them (session tracking on
 * for the pool), with their access token: ListUserSessions (every page is
 * followed) and RevokeUserSession. Any user's, as an administrator:
 * admin-sessions.ts.
 * With tracking off Cognito answers OperationNotEnabledException, which the
 * error table makes SESSION_TRACKING_OFF.
 */
import {
  ListUserSessionsCommand,
  RevokeUserSessionCommand,
  type SessionDescriptionType
} from '@aws-sdk/client-cognito-identity-provider'
import { call, type CognitoContext } from './client.js'

/** One session, as Cognito describes it. */
export interface UserSession {
  sessionId: string
  /** TOKEN (an app's sign-in) or SSO (the hosted UI's browser session). */
  type: string
  clientId?: string
  createdAt?: string
  lastActiveAt?: string
  /** Cognito's description of the device (from its user agent), or `unknown`. */
  device?: string
  ipAddress?: string
  location?: { city?: string, country?: string }
  /** For a token session, the SSO session it came through. */
  originSessionId?: string
  /** The session the calling access token belongs to (always false for the admin list). */
  current: boolean
}

export interface UserSessionIntents {
  /** ListUserSessions, every page. */
  listSessions (accessToken: string): Promise<UserSession[]>
  /** RevokeUserSession: the session's refresh and access tokens stop working at Cognito. */
  revokeSession (accessToken: string, sessionId: string): Promise<void>
}

/** A user holds at most a few dozen sessions (MaxPerUser): more pages than this is a loop. */
const PAGES = 50

export function sessionOf (s: SessionDescriptionType): UserSession {
  const location = s.LastLocation === undefined ? undefined : { city: s.LastLocation.City, country: s.LastLocation.Country }
  return {
    sessionId: s.SessionId ?? '',
    type: s.SessionType ?? 'TOKEN',
    clientId: s.ClientId,
    createdAt: s.CreateDate?.toISOString(),
    lastActiveAt: s.LastActiveDate?.toISOString(),
    device: s.DeviceType,
    ipAddress: s.LastIPAddress,
    location,
    originSessionId: s.OriginSessionId,
    current: s.IsCurrentSession === true
  }
}

export async function allPages (list: (nextToken: string | undefined) => Promise<{ Sessions?: SessionDescriptionType[], NextToken?: string }>) {
  const sessions: UserSession[] = []
  let NextToken: string | undefined
  for (let page = 0; page < PAGES; page++) {
    const out = await list(NextToken)
    sessions.push(...(out.Sessions ?? []).map(sessionOf))
    NextToken = out.NextToken
    if (NextToken === undefined) break
  }
  return sessions
}

export function userSessionIntents ({ sdk }: CognitoContext): UserSessionIntents {
  return {
    async listSessions (accessToken) {
      return await allPages(async NextToken => await call('UserSessions', () =>
        sdk.send(new ListUserSessionsCommand({ AccessToken: accessToken, NextToken }))))
    },

    async revokeSession (accessToken, sessionId) {
      await call('RevokeUserSession', () => sdk.send(new RevokeUserSessionCommand({ AccessToken: accessToken, SessionId: sessionId })))
    }
  }
}
