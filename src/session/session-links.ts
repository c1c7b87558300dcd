/**
 * Which of this service's tokens belong to which Cognito session, so that
 * revoking a session (RevokeUserSession, AdminRevokeUserSession) also makes
 * every instance refuse its tokens. Cognito's tokens do not name their session:
 * neither the SDK model nor the documentation gives a claim carrying the
 * SessionId that ListUserSessions answers. What a token does carry is
 * `origin_jti` (with token revocation on: every access and ID token minted from
 * one refresh token shares it, and a token session is that refresh token's
 * life). The only place Cognito ties the two together is ListUserSessions'
 * IsCurrentSession, answered for the caller's own access token: so each time a
 * user lists their sessions here, the current session's id is recorded against
 * the caller's origin_jti in the shared store, and a later revocation of that
 * session id revokes that origin_jti (the store's revokeToken, as logout does).
 * A session none of whose tokens ever listed sessions here cannot be told
 * apart: Cognito refuses its tokens at once, this service's own verification
 * only when its access token expires (docs/sessions.md says so).
 *
 * The link reuses the store's refresh-token link (a hashed key naming `sub` and
 * `originJti`), under a key of its own kind: a hash of "session", the user and
 * the session id, which no refresh token's hash can equal.
 */
import { createHash } from 'node:crypto'
import type { SharedStore } from '../store/store.js'
import { LONGEST_TOKEN_SECONDS } from './signed-out.js'

function linkKey (sub: string, sessionId: string): string {
  return createHash('sha256').update(`session\0${sub}\0${sessionId}`).digest('base64url')
}

export interface SessionLinks {
  /** Session `sessionId` of user `sub` is the one whose tokens carry `originJti`. */
  record (sub: string, sessionId: string, originJti: string): Promise<void>
  /**
   * Every instance refuses the tokens of session `sessionId` of `sub` from now on, when its origin_jti is known.
   * @returns whether it was (false: only Cognito refuses them until they expire)
   */
  revoke (sub: string, sessionId: string): Promise<boolean>
}

/** `keepSeconds`: how long a session may live (the refresh token's validity, as the pool was last read). */
export function createSessionLinks (store: SharedStore, keepSeconds: () => number): SessionLinks {
  return {
    async record (sub, sessionId, originJti) {
      await store.linkRefreshToken(linkKey(sub, sessionId), { sub, originJti }, Math.floor(Date.now() / 1000) + keepSeconds())
    },

    async revoke (sub, sessionId) {
      const link = await store.refreshTokenSession(linkKey(sub, sessionId))
      if (link === undefined || link.sub !== sub) return false
      await store.revokeToken(sub, link.originJti, Math.floor(Date.now() / 1000) + LONGEST_TOKEN_SECONDS)
      return true
    }
  }
}
