/**
 * The signed-in user's own account, each call made with their access token:
 * attributes (update, verify, delete), password change, sign-out everywhere
 * and account deletion.
 */
import {
  ChangePasswordCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  GetUserAttributeVerificationCodeCommand,
  GlobalSignOutCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { call, clientMetadata, codeDelivery, type CognitoContext } from './client.js'
import type { CodeDelivery } from './types.js'

export interface AccountIntents {
  /** Sets attributes; answers where verification codes went (a changed e-mail or phone number). */
  updateAttributes (accessToken: string, attributes: Record<string, string>, metadata?: Record<string, string>): Promise<CodeDelivery[]>
  /** Sends a code to verify `attribute` (email or phone_number); answers where it went. */
  sendAttributeCode (accessToken: string, attribute: string, metadata?: Record<string, string>): Promise<CodeDelivery | undefined>
  verifyAttribute (accessToken: string, attribute: string, code: string): Promise<void>
  deleteAttributes (accessToken: string, names: readonly string[]): Promise<void>
  changePassword (accessToken: string, previousPassword: string, proposedPassword: string): Promise<void>
  /** Revokes every refresh token of the user, and with them the access tokens Cognito issued from them. */
  globalSignOut (accessToken: string): Promise<void>
  deleteUser (accessToken: string): Promise<void>
}

export function accountIntents ({ sdk }: CognitoContext): AccountIntents {
  return {
    async updateAttributes (accessToken, attributes, metadata) {
      const out = await call('UpdateUserAttributes', () => sdk.send(new UpdateUserAttributesCommand({
        AccessToken: accessToken,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        ClientMetadata: clientMetadata(metadata)
      })))
      return (out.CodeDeliveryDetailsList ?? []).map(details => codeDelivery(details)).filter(d => d !== undefined)
    },

    async sendAttributeCode (accessToken, attribute, metadata) {
      const out = await call('GetUserAttributeVerificationCode', () => sdk.send(new GetUserAttributeVerificationCodeCommand({
        AccessToken: accessToken,
        AttributeName: attribute,
        ClientMetadata: clientMetadata(metadata)
      })))
      return codeDelivery(out.CodeDeliveryDetails)
    },

    async verifyAttribute (accessToken, attribute, code) {
      await call('VerifyUserAttribute', () => sdk.send(new VerifyUserAttributeCommand({
        AccessToken: accessToken,
        AttributeName: attribute,
        Code: code
      })))
    },

    async deleteAttributes (accessToken, names) {
      await call('DeleteUserAttributes', () => sdk.send(new DeleteUserAttributesCommand({
        AccessToken: accessToken,
        UserAttributeNames: [...names]
      })))
    },

    async changePassword (accessToken, previousPassword, proposedPassword) {
      await call('ChangePassword', () => sdk.send(new ChangePasswordCommand({
        AccessToken: accessToken,
        PreviousPassword: previousPassword,
        ProposedPassword: proposedPassword
      })))
    },

    async globalSignOut (accessToken) {
      await call('GlobalSignOut', () => sdk.send(new GlobalSignOutCommand({ AccessToken: accessToken })))
    },

    async deleteUser (accessToken) {
      await call('DeleteUser', () => sdk.send(new DeleteUserCommand({ AccessToken: accessToken })))
    }
  }
}
