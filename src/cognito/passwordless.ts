/**
 * Choice-based sign-in (AuthFlow USER_AUTH): the user names a first factor
 * (PREFERRED_CHALLENGE: a password, an e-mail or SMS code, a passkey) or
 * gets SELECT_CHALLENGE with the factors their pool and account allow. The
 * answers (ANSWER, EMAIL_OTP_CODE, SMS_OTP_CODE, CREDENTIAL) go through
 * respondToChallenge like every other challenge. A sign-up can end signed
 * in: ConfirmSignUp answers a session that InitiateAuth USER_AUTH takes once.
 */
import { ConfirmSignUpCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider'
import { call, userContextData, type CognitoContext } from './client.js'
import { authResult } from './sessions.js'
import type { AuthResult, UserContext } from './types.js'

/** The first factors a user may prefer (Cognito's AllowedFirstAuthFactors). */
export const FIRST_FACTORS = ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'] as const
export type FirstFactor = typeof FIRST_FACTORS[number]

export interface PasswordlessIntents {
  /**
   * InitiateAuth USER_AUTH. With `preferredChallenge` PASSWORD, `password` is
   * required (the answer is tokens or an MFA challenge); other preferences
   * answer with their challenge; none answers SELECT_CHALLENGE.
   */
  choiceLogin (input: { username: string, password?: string, preferredChallenge?: FirstFactor, context?: UserContext }): Promise<AuthResult>
  /**
   * ConfirmSignUp, then a sign-in with the session it answers (the code was
   * the first factor). Undefined when Cognito gave no session (the app client
   * lacks USER_AUTH); the account is confirmed either way.
   */
  confirmAndSignIn (input: { username: string, code: string, context?: UserContext }): Promise<AuthResult | undefined>
}

export function passwordlessIntents ({ sdk, pool, hashFor }: CognitoContext): PasswordlessIntents {
  const { clientId: ClientId } = pool
  return {
    async choiceLogin ({ username, password, preferredChallenge, context }) {
      const AuthParameters: Record<string, string> = { USERNAME: username }
      if (preferredChallenge !== undefined) AuthParameters.PREFERRED_CHALLENGE = preferredChallenge
      if (password !== undefined) AuthParameters.PASSWORD = password
      const hash = hashFor(username)
      if (hash !== undefined) AuthParameters.SECRET_HASH = hash
      const out = await call('Login', () => sdk.send(new InitiateAuthCommand({
        ClientId, AuthFlow: 'USER_AUTH', AuthParameters, UserContextData: userContextData(context)
      })))
      const result = authResult('Login', out)
      return result.kind === 'challenge' && out.AvailableChallenges !== undefined ? { ...result, available: out.AvailableChallenges } : result
    },

    async confirmAndSignIn ({ username, code, context }) {
      const confirmed = await call('ConfirmSignUp', () => sdk.send(new ConfirmSignUpCommand({
        ClientId, SecretHash: hashFor(username), Username: username, ConfirmationCode: code, UserContextData: userContextData(context)
      })))
      if (confirmed.Session === undefined) return undefined
      const AuthParameters: Record<string, string> = { USERNAME: username }
      const hash = hashFor(username)
      if (hash !== undefined) AuthParameters.SECRET_HASH = hash
      try {
        const out = await call('Login', () => sdk.send(new InitiateAuthCommand({
          ClientId, AuthFlow: 'USER_AUTH', AuthParameters, Session: confirmed.Session, UserContextData: userContextData(context)
        })))
        return authResult('Login', out)
      } catch {
        // The account is confirmed, which is what was asked; the user signs in as usual.
        return undefined
      }
    }
  }
}
