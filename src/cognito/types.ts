/** What the Cognito gateway returns: domain results, not SDK shapes. */
import type { ChallengeNameType } from '@aws-sdk/client-cognito-identity-provider'

export interface Tokens {
  accessToken: string
  idToken: string
  /** Absent on refresh (REFRESH_TOKEN_AUTH keeps the refresh token it was given). */
  refreshToken?: string
}

export type AuthResult =
  | { kind: 'authenticated', tokens: Tokens }
  | { kind: 'challenge', name: ChallengeNameType | string, session?: string, parameters: Record<string, string> }

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
