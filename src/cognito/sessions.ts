/**
 * Signing in and keeping a session: password login by the configured flow,
 * challenge answers, refresh, and revoking a refresh token at logout.
 */
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  type AuthenticationResultType,
  type ChallengeNameType
} from '@aws-sdk/client-cognito-identity-provider'
import { adminContextData, call, userContextData, type CognitoContext } from './client.js'
import { errorFor } from './error-table.js'
import type { Operation } from './operations.js'
import type { AuthResult, Tokens, UserContext } from './types.js'

export interface SessionIntents {
  /** Password login by the configured flow: InitiateAuth or AdminInitiateAuth. */
  passwordLogin (input: { username: string, password: string, context?: UserContext }): Promise<AuthResult>
  /**
   * Answers a challenge from passwordLogin. `responses` are Cognito's
   * ChallengeResponses without USERNAME and SECRET_HASH, which are added here.
   */
  respondToChallenge (input: {
    username: string
    challenge: string
    session: string
    responses: Record<string, string>
    context?: UserContext
  }): Promise<AuthResult>
  /**
   * New access and ID tokens from a refresh token (GetTokensFromRefreshToken:
   * it authenticates the client with its secret, so no username is needed).
   * With refresh-token rotation on, `refreshToken` is the new one to keep.
   */
  refresh (input: { refreshToken: string }): Promise<Tokens>
  revokeRefreshToken (refreshToken: string): Promise<void>
}

interface AuthOutput {
  AuthenticationResult?: AuthenticationResultType
  ChallengeName?: string
  Session?: string
  ChallengeParameters?: Record<string, string>
}

export function sessionIntents ({ sdk, pool, loginFlow, hashFor }: CognitoContext): SessionIntents {
  const { clientId: ClientId, userPoolId: UserPoolId, clientSecret } = pool
  const admin = loginFlow === 'ADMIN_USER_PASSWORD_AUTH'

  /** Adds SECRET_HASH to Cognito's parameter map when the client has a secret. */
  const withHash = (parameters: Record<string, string>, username: string | undefined): Record<string, string> => {
    const hash = username === undefined ? undefined : hashFor(username)
    return hash === undefined ? parameters : { ...parameters, SECRET_HASH: hash }
  }

  return {
    async passwordLogin ({ username, password, context }) {
      const AuthParameters = withHash({ USERNAME: username, PASSWORD: password }, username)
      const out = await call('Login', () => admin
        ? sdk.send(new AdminInitiateAuthCommand({
          UserPoolId, ClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters, ContextData: adminContextData(context)
        }))
        : sdk.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters, UserContextData: userContextData(context) })))
      return authResult('Login', out)
    },

    async respondToChallenge ({ username, challenge, session, responses, context }) {
      const ChallengeResponses = withHash({ ...responses, USERNAME: username }, username)
      const request = { ClientId, ChallengeName: challenge as ChallengeNameType, Session: session, ChallengeResponses }
      const out = await call('RespondToAuthChallenge', () => admin
        ? sdk.send(new AdminRespondToAuthChallengeCommand({ ...request, UserPoolId, ContextData: adminContextData(context) }))
        : sdk.send(new RespondToAuthChallengeCommand({ ...request, UserContextData: userContextData(context) })))
      return authResult('RespondToAuthChallenge', out)
    },

    async refresh ({ refreshToken }) {
      const request = { ClientId, ClientSecret: clientSecret, RefreshToken: refreshToken }
      const out = await call('Refresh', () => sdk.send(new GetTokensFromRefreshTokenCommand(request)))
      const result = out.AuthenticationResult
      // No tokens is no session; there is no question to answer on a refresh.
      if (!result?.AccessToken || !result.IdToken) throw errorFor('Refresh', 'NotAuthorizedException')
      return { accessToken: result.AccessToken, idToken: result.IdToken, refreshToken: result.RefreshToken }
    },

    async revokeRefreshToken (refreshToken) {
      await call('RevokeToken', () => sdk.send(new RevokeTokenCommand({ ClientId, ClientSecret: clientSecret, Token: refreshToken })))
    }
  }
}

/** Cognito's answer to a sign-in step as a domain result. */
export function authResult (operation: Operation, out: AuthOutput): AuthResult {
  const result = out.AuthenticationResult
  if (result?.AccessToken && result.IdToken) {
    return { kind: 'authenticated', tokens: { accessToken: result.AccessToken, idToken: result.IdToken, refreshToken: result.RefreshToken } }
  }
  if (out.ChallengeName) {
    return { kind: 'challenge', name: out.ChallengeName, session: out.Session, parameters: out.ChallengeParameters ?? {} }
  }
  // Neither tokens nor a question: nothing the client could do about it.
  throw errorFor(operation, 'EmptyAuthResult')
}
