/**
 * Signing in and keeping a session: password login by the configured flow,
 * challenge answers, refresh, and revoking a refresh token at logout.
 */
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  type AuthenticationResultType,
  type ChallengeNameType
} from '@aws-sdk/client-cognito-identity-provider'
import { call, type CognitoContext } from './client.js'
import { errorFor, type Operation } from './error-table.js'
import type { AuthResult, Tokens } from './types.js'

export interface SessionIntents {
  /** Password login by the configured flow: InitiateAuth or AdminInitiateAuth. */
  passwordLogin (input: { username: string, password: string }): Promise<AuthResult>
  /**
   * Answers a challenge from passwordLogin. `responses` are Cognito's
   * ChallengeResponses without USERNAME and SECRET_HASH, which are added here.
   */
  respondToChallenge (input: { username: string, challenge: string, session: string, responses: Record<string, string> }): Promise<AuthResult>
  /**
   * New access and ID tokens from a refresh token. `username` is needed only
   * for SECRET_HASH (Cognito hashes the user's username, or sub in e-mail pools).
   */
  refresh (input: { refreshToken: string, username?: string }): Promise<Tokens>
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
    async passwordLogin ({ username, password }) {
      const AuthParameters = withHash({ USERNAME: username, PASSWORD: password }, username)
      const out = await call('Login', () => admin
        ? sdk.send(new AdminInitiateAuthCommand({ UserPoolId, ClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters }))
        : sdk.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters })))
      return authResult('Login', out)
    },

    async respondToChallenge ({ username, challenge, session, responses }) {
      const ChallengeResponses = withHash({ ...responses, USERNAME: username }, username)
      const request = { ClientId, ChallengeName: challenge as ChallengeNameType, Session: session, ChallengeResponses }
      const out = await call('RespondToAuthChallenge', () => admin
        ? sdk.send(new AdminRespondToAuthChallengeCommand({ ...request, UserPoolId }))
        : sdk.send(new RespondToAuthChallengeCommand(request)))
      return authResult('RespondToAuthChallenge', out)
    },

    async refresh ({ refreshToken, username }) {
      const AuthParameters = withHash({ REFRESH_TOKEN: refreshToken }, username)
      const out = await call('Refresh', () => sdk.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters })))
      const result = authResult('Refresh', out)
      // A refresh never asks a question; if Cognito does, the session cannot go on.
      if (result.kind !== 'authenticated') throw errorFor('Refresh', 'NotAuthorizedException')
      return result.tokens
    },

    async revokeRefreshToken (refreshToken) {
      await call('RevokeToken', () => sdk.send(new RevokeTokenCommand({ ClientId, ClientSecret: clientSecret, Token: refreshToken })))
    }
  }
}

function authResult (operation: Operation, out: AuthOutput): AuthResult {
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
