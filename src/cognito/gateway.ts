/**
 * The Cognito gateway: the only place that talks to the AWS SDK. One function
 * per user intent, returning domain results; SECRET_HASH added here whenever
 * the app client has a secret; every SDK failure mapped through error-table.ts.
 */
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  type AuthenticationResultType,
  type ChallengeNameType,
  type CodeDeliveryDetailsType
} from '@aws-sdk/client-cognito-identity-provider'
import type { LoginFlow } from '../config.js'
import { toApiError, type Operation } from './error-table.js'
import { secretHash } from './secret-hash.js'

/** Where the pool lives; in local mode these point at the embedded emulator. */
export interface CognitoSettings {
  region: string
  userPoolId: string
  clientId: string
  clientSecret?: string
  endpoint?: string
  issuer: string
  jwksUri: string
  loginFlow: LoginFlow
  timeoutMs: number
  /** Static credentials (the emulator accepts any); omitted means the SDK's default chain. */
  credentials?: { accessKeyId: string, secretAccessKey: string }
}

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

export type CognitoGateway = ReturnType<typeof createCognitoGateway>

export function createCognitoGateway (settings: CognitoSettings, sdk?: CognitoIdentityProviderClient) {
  const client = sdk ?? new CognitoIdentityProviderClient({
    region: settings.region,
    endpoint: settings.endpoint,
    credentials: settings.credentials,
    retryMode: 'standard',
    maxAttempts: 3,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes, and waits on.
    requestHandler: { connectionTimeout: Math.min(settings.timeoutMs, 3000), requestTimeout: settings.timeoutMs, throwOnRequestTimeout: true }
  })
  const { clientId, clientSecret } = settings

  /** SECRET_HASH for `username`, or nothing when the client has no secret. */
  const hashFor = (username: string): string | undefined =>
    clientSecret === undefined ? undefined : secretHash(username, clientId, clientSecret)

  async function call<T> (operation: Operation, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (err) {
      throw toApiError(operation, err)
    }
  }

  function authResult (result: AuthenticationResultType | undefined, challenge?: { name?: string, session?: string, parameters?: Record<string, string> }): AuthResult {
    if (result?.AccessToken && result.IdToken) {
      return { kind: 'authenticated', tokens: { accessToken: result.AccessToken, idToken: result.IdToken, refreshToken: result.RefreshToken } }
    }
    if (challenge?.name) {
      return { kind: 'challenge', name: challenge.name, session: challenge.session, parameters: challenge.parameters ?? {} }
    }
    throw toApiError('Login', Object.assign(new Error('Cognito returned neither tokens nor a challenge'), { name: 'EmptyAuthResult' }))
  }

  return {
    /** Whether calls naming a user need SECRET_HASH (and so the username). */
    hasClientSecret: clientSecret !== undefined,

    async signUp (input: { username: string, password: string, attributes: Record<string, string> }): Promise<SignUpResult> {
      const out = await call('SignUp', () => client.send(new SignUpCommand({
        ClientId: clientId,
        SecretHash: hashFor(input.username),
        Username: input.username,
        Password: input.password,
        UserAttributes: Object.entries(input.attributes).map(([Name, Value]) => ({ Name, Value }))
      })))
      return { userSub: out.UserSub ?? '', confirmed: out.UserConfirmed ?? false, codeDelivery: delivery(out.CodeDeliveryDetails) }
    },

    async confirmSignUp (input: { username: string, code: string }): Promise<void> {
      await call('ConfirmSignUp', () => client.send(new ConfirmSignUpCommand({
        ClientId: clientId, SecretHash: hashFor(input.username), Username: input.username, ConfirmationCode: input.code
      })))
    },

    async resendConfirmationCode (input: { username: string }): Promise<CodeDelivery | undefined> {
      const out = await call('ResendConfirmationCode', () => client.send(new ResendConfirmationCodeCommand({
        ClientId: clientId, SecretHash: hashFor(input.username), Username: input.username
      })))
      return delivery(out.CodeDeliveryDetails)
    },

    /** Password login by the configured flow: InitiateAuth or AdminInitiateAuth. */
    async passwordLogin (input: { username: string, password: string }): Promise<AuthResult> {
      const AuthParameters: Record<string, string> = { USERNAME: input.username, PASSWORD: input.password }
      const hash = hashFor(input.username)
      if (hash) AuthParameters.SECRET_HASH = hash
      const out = await call('Login', () => settings.loginFlow === 'ADMIN_USER_PASSWORD_AUTH'
        ? client.send(new AdminInitiateAuthCommand({ UserPoolId: settings.userPoolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters }))
        : client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters })))
      return authResult(out.AuthenticationResult, { name: out.ChallengeName, session: out.Session, parameters: out.ChallengeParameters })
    },

    /**
     * Answers a challenge from passwordLogin. `responses` are Cognito's
     * ChallengeResponses without USERNAME and SECRET_HASH, which are added here.
     * Uses AdminRespondToAuthChallenge when the login flow is the admin one.
     */
    async respondToChallenge (input: { username: string, challenge: string, session: string, responses: Record<string, string> }): Promise<AuthResult> {
      const ChallengeResponses: Record<string, string> = { ...input.responses, USERNAME: input.username }
      const hash = hashFor(input.username)
      if (hash) ChallengeResponses.SECRET_HASH = hash
      const request = { ClientId: clientId, ChallengeName: input.challenge as ChallengeNameType, Session: input.session, ChallengeResponses }
      const out = await call('RespondToAuthChallenge', () => settings.loginFlow === 'ADMIN_USER_PASSWORD_AUTH'
        ? client.send(new AdminRespondToAuthChallengeCommand({ ...request, UserPoolId: settings.userPoolId }))
        : client.send(new RespondToAuthChallengeCommand(request)))
      return authResult(out.AuthenticationResult, { name: out.ChallengeName, session: out.Session, parameters: out.ChallengeParameters })
    },

    /**
     * New access and ID tokens from a refresh token. `username` is needed only
     * for SECRET_HASH (Cognito hashes the user's username, or sub in e-mail pools).
     */
    async refresh (input: { refreshToken: string, username?: string }): Promise<Tokens> {
      const AuthParameters: Record<string, string> = { REFRESH_TOKEN: input.refreshToken }
      const hash = input.username === undefined ? undefined : hashFor(input.username)
      if (hash) AuthParameters.SECRET_HASH = hash
      const out = await call('Refresh', () => client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters })))
      const result = authResult(out.AuthenticationResult)
      if (result.kind !== 'authenticated') throw toApiError('Refresh', { name: 'NotAuthorizedException' })
      // REFRESH_TOKEN_AUTH returns no new refresh token: the caller keeps the one it has.
      return result.tokens
    },

    async revokeRefreshToken (refreshToken: string): Promise<void> {
      await call('RevokeToken', () => client.send(new RevokeTokenCommand({ ClientId: clientId, ClientSecret: clientSecret, Token: refreshToken })))
    },

    async getUser (accessToken: string): Promise<UserProfile> {
      const out = await call('GetUser', () => client.send(new GetUserCommand({ AccessToken: accessToken })))
      return {
        username: out.Username ?? '',
        attributes: Object.fromEntries((out.UserAttributes ?? []).map(a => [a.Name ?? '', a.Value ?? ''])),
        mfa: { preferred: out.PreferredMfaSetting, enabled: out.UserMFASettingList ?? [] }
      }
    },

    async forgotPassword (input: { username: string }): Promise<CodeDelivery | undefined> {
      const out = await call('ForgotPassword', () => client.send(new ForgotPasswordCommand({
        ClientId: clientId, SecretHash: hashFor(input.username), Username: input.username
      })))
      return delivery(out.CodeDeliveryDetails)
    },

    async confirmForgotPassword (input: { username: string, code: string, password: string }): Promise<void> {
      await call('ConfirmForgotPassword', () => client.send(new ConfirmForgotPasswordCommand({
        ClientId: clientId, SecretHash: hashFor(input.username), Username: input.username, ConfirmationCode: input.code, Password: input.password
      })))
    },

    close (): void {
      client.destroy()
    }
  }
}

function delivery (details: CodeDeliveryDetailsType | undefined): CodeDelivery | undefined {
  if (!details) return undefined
  return { medium: details.DeliveryMedium, destination: details.Destination, attribute: details.AttributeName }
}
