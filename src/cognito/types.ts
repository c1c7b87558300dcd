/** What the Cognito gateway returns: domain results, not SDK shapes. */
import type { ChallengeNameType } from '@aws-sdk/client-cognito-identity-provider'

export interface Tokens {
  accessToken: string
  idToken: string
  /** Absent on a refresh without rotation: the refresh token given stays the one to use. */
  refreshToken?: string
}

export type AuthResult =
  | { kind: 'authenticated', tokens: Tokens }
  | {
    kind: 'challenge'
    name: ChallengeNameType | string
    session?: string
    parameters: Record<string, string>
    /** SELECT_CHALLENGE (USER_AUTH): the first factors the user may choose from. */
    available?: string[]
  }

/**
 * Who is really asking, for Cognito's threat protection: without it, every
 * request seems to come from this service's address, so adaptive
 * authentication would see one very busy user.
 */
export interface UserContext {
  /** The end user's address (honours TRUST_PROXY). */
  ipAddress: string
  /** The device fingerprint from Cognito's advanced-security script, when the browser sent one. */
  encodedData?: string
  /** For admin calls: this service's host and the path the user called. */
  serverName: string
  serverPath: string
  /** For admin calls: request headers that describe the user's client (never credentials). */
  headers: Array<{ headerName: string, headerValue: string }>
}

export interface CodeDelivery {
  medium?: string
  destination?: string
  attribute?: string
}

export interface SignUpResult {
  userSub: string
  confirmed: boolean
  codeDelivery?: CodeDelivery
}

export interface UserProfile {
  username: string
  attributes: Record<string, string>
  mfa: { preferred?: string, enabled: string[] }
}
