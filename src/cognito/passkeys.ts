/**
 * Passkeys (WebAuthn credentials) of the signed-in user, each call made with
 * their access token. The registration options and the credential travel
 * through unchanged: the browser's navigator.credentials.create() reads the
 * one and makes the other.
 */
import {
  CompleteWebAuthnRegistrationCommand,
  DeleteWebAuthnCredentialCommand,
  ListWebAuthnCredentialsCommand,
  StartWebAuthnRegistrationCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { call, type CognitoContext } from './client.js'

export interface Passkey {
  credentialId: string
  name?: string
  relyingPartyId?: string
  authenticatorAttachment?: string
  transports: string[]
  createdAt?: string
}

export interface PasskeyIntents {
  /** StartWebAuthnRegistration: the options for navigator.credentials.create(), as Cognito sent them. */
  startPasskeyRegistration (accessToken: string): Promise<unknown>
  /** CompleteWebAuthnRegistration with the browser's credential (a PublicKeyCredential as JSON). */
  completePasskeyRegistration (accessToken: string, credential: unknown): Promise<void>
  /** ListWebAuthnCredentials, every page. */
  listPasskeys (accessToken: string): Promise<Passkey[]>
  deletePasskey (accessToken: string, credentialId: string): Promise<void>
}

/** Cognito answers at most 20 credentials a page. */
const PAGES = 10

export function passkeyIntents ({ sdk }: CognitoContext): PasskeyIntents {
  return {
    async startPasskeyRegistration (accessToken) {
      const out = await call('StartWebAuthnRegistration', () => sdk.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken })))
      return out.CredentialCreationOptions
    },

    async completePasskeyRegistration (accessToken, credential) {
      await call('CompleteWebAuthnRegistration', () => sdk.send(new CompleteWebAuthnRegistrationCommand({
        AccessToken: accessToken, Credential: credential as Record<string, never>
      })))
    },

    async listPasskeys (accessToken) {
      const passkeys: Passkey[] = []
      let NextToken: string | undefined
      for (let page = 0; page < PAGES; page++) {
        const out = await call('ListWebAuthnCredentials', () => sdk.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, NextToken })))
        for (const c of out.Credentials ?? []) {
          passkeys.push({
            credentialId: c.CredentialId ?? '',
            name: c.FriendlyCredentialName,
            relyingPartyId: c.RelyingPartyId,
            authenticatorAttachment: c.AuthenticatorAttachment,
            transports: c.AuthenticatorTransports ?? [],
            createdAt: c.CreatedAt?.toISOString()
          })
        }
        NextToken = out.NextToken
        if (NextToken === undefined) break
      }
      return passkeys
    },

    async deletePasskey (accessToken, credentialId) {
      await call('DeleteWebAuthnCredential', () => sdk.send(new DeleteWebAuthnCredentialCommand({
        AccessToken: accessToken, CredentialId: credentialId
      })))
    }
  }
}
