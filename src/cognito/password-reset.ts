/** Forgotten passwords: send a reset code, then set a new password with it. */
import { ConfirmForgotPasswordCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider'
import { call, clientMetadata, codeDelivery, userContextData, type CognitoContext } from './client.js'
import type { CodeDelivery, UserContext } from './types.js'

export interface PasswordResetIntents {
  forgotPassword (input: { username: string, context?: UserContext, metadata?: Record<string, string> }): Promise<CodeDelivery | undefined>
  confirmForgotPassword (input: { username: string, code: string, password: string, context?: UserContext }): Promise<void>
}

export function passwordResetIntents ({ sdk, pool, hashFor }: CognitoContext): PasswordResetIntents {
  const ClientId = pool.clientId
  return {
    async forgotPassword (input) {
      const out = await call('ForgotPassword', () => sdk.send(new ForgotPasswordCommand({
        ClientId,
        SecretHash: hashFor(input.username),
        Username: input.username,
        UserContextData: userContextData(input.context),
        ClientMetadata: clientMetadata(input.metadata)
      })))
      return codeDelivery(out.CodeDeliveryDetails)
    },

    async confirmForgotPassword (input) {
      await call('ConfirmForgotPassword', () => sdk.send(new ConfirmForgotPasswordCommand({
        ClientId,
        SecretHash: hashFor(input.username),
        Username: input.username,
        ConfirmationCode: input.code,
        Password: input.password,
        UserContextData: userContextData(input.context)
      })))
    }
  }
}
