/** Self-service registration: sign up, confirm with the code, send the code again. */
import { ConfirmSignUpCommand, ResendConfirmationCodeCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider'
import { call, codeDelivery, type CognitoContext } from './client.js'
import type { CodeDelivery, SignUpResult } from './types.js'

export interface SignUpIntents {
  signUp (input: { username: string, password: string, attributes: Record<string, string> }): Promise<SignUpResult>
  confirmSignUp (input: { username: string, code: string }): Promise<void>
  resendConfirmationCode (input: { username: string }): Promise<CodeDelivery | undefined>
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
        UserAttributes: Object.entries(input.attributes).map(([Name, Value]) => ({ Name, Value }))
      })))
      return { userSub: out.UserSub ?? '', confirmed: out.UserConfirmed ?? false, codeDelivery: codeDelivery(out.CodeDeliveryDetails) }
    },

    async confirmSignUp (input) {
      await call('ConfirmSignUp', () => sdk.send(new ConfirmSignUpCommand({
        ClientId, SecretHash: hashFor(input.username), Username: input.username, ConfirmationCode: input.code
      })))
    },

    async resendConfirmationCode (input) {
      const out = await call('ResendConfirmationCode', () => sdk.send(new ResendConfirmationCodeCommand({
        ClientId, SecretHash: hashFor(input.username), Username: input.username
      })))
      return codeDelivery(out.CodeDeliveryDetails)
    }
  }
}
