/** Self-service registration: sign up, confirm with the code, send the code again. */
import { ConfirmSignUpCommand, ResendConfirmationCodeCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider'
import { call, clientMetadata, codeDelivery, userContextData, type CognitoContext } from './client.js'
import type { CodeDelivery, SignUpResult, UserContext } from './types.js'

export interface SignUpIntents {
  /** `metadata`: ClientMetadata for the pool's Lambda triggers (routes/trigger-context.ts), here and at resend. */
  signUp (input: {
    username: string, password: string, attributes: Record<string, string>, context?: UserContext, metadata?: Record<string, string>
  }): Promise<SignUpResult>
  confirmSignUp (input: { username: string, code: string, context?: UserContext }): Promise<void>
  resendConfirmationCode (input: { username: string, context?: UserContext, metadata?: Record<string, string> }): Promise<CodeDelivery | undefined>
}

export function signUpIntents ({ sdk, pool, hashFor }: CognitoContext): SignUpIntents {
  const ClientId = pool.clientId
  return {
    async signUp (input) {
      const out = await call('SignUp', () => sdk.send(new SignUpCommand({
        ClientId,
        SecretHash: hashFor(input.username),
        Username: input.username,
        Password: input.password,
        UserAttributes: Object.entries(input.attributes).map(([Name, Value]) => ({ Name, Value })),
        UserContextData: userContextData(input.context),
        ClientMetadata: clientMetadata(input.metadata)
      })))
      return { userSub: out.UserSub ?? '', confirmed: out.UserConfirmed ?? false, codeDelivery: codeDelivery(out.CodeDeliveryDetails) }
    },

    async confirmSignUp (input) {
      await call('ConfirmSignUp', () => sdk.send(new ConfirmSignUpCommand({
        ClientId,
        SecretHash: hashFor(input.username),
        Username: input.username,
        ConfirmationCode: input.code,
        UserContextData: userContextData(input.context)
      })))
    },

    async resendConfirmationCode (input) {
      const out = await call('ResendConfirmationCode', () => sdk.send(new ResendConfirmationCodeCommand({
        ClientId,
        SecretHash: hashFor(input.username),
        Username: input.username,
        UserContextData: userContextData(input.context),
        ClientMetadata: clientMetadata(input.metadata)
      })))
      return codeDelivery(out.CodeDeliveryDetails)
    }
  }
}
