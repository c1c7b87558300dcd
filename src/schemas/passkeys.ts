import { Type, type Static } from '@sinclair/typebox'

const Base64Url = Type.String({ minLength: 1, maxLength: 2048, pattern: '^[A-Za-z0-9_-]+$' })

/**
 * A WebAuthn PublicKeyCredential as JSON (PublicKeyCredential.toJSON(), or
 * what @simplewebauthn/browser returns): from navigator.credentials.create()
 * when registering, from navigator.credentials.get() when signing in. Passed
 * to Cognito unchanged; Cognito checks the attestation or assertion.
 */
export const PasskeyCredentialSchema = Type.Object({
  id: Base64Url,
  rawId: Base64Url,
  type: Type.Literal('public-key'),
  response: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
    maxProperties: 16,
    description: 'The authenticator response: clientDataJSON and attestationObject (registration), ' +
      'or clientDataJSON, authenticatorData, signature and userHandle (sign-in), base64url.'
  }),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 64 })),
  clientExtensionResults: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 16 }))
}, { additionalProperties: false, description: 'A WebAuthn PublicKeyCredential as JSON, passed to Cognito unchanged.' })

export const PasskeyStartResponseSchema = Type.Object({
  credentialCreationOptions: Type.Record(Type.String(), Type.Unknown(), {
    description: 'PublicKeyCredentialCreationOptions as Cognito sent them (challenge, rp, user, pubKeyCredParams...): ' +
      'give them to navigator.credentials.create() (after PublicKeyCredential.parseCreationOptionsFromJSON()).'
  })
})

export const PasskeyCompleteBodySchema = Type.Object({ credential: PasskeyCredentialSchema }, { additionalProperties: false })

export const PasskeyListSchema = Type.Object({
  passkeys: Type.Array(Type.Object({
    credentialId: Type.String(),
    name: Type.Optional(Type.String({ description: 'The name the authenticator gave (FriendlyCredentialName).' })),
    relyingPartyId: Type.Optional(Type.String()),
    authenticatorAttachment: Type.Optional(Type.String({ description: 'platform or cross-platform.' })),
    transports: Type.Array(Type.String()),
    createdAt: Type.Optional(Type.String({ format: 'date-time' }))
  }))
})

export const PasskeyParamsSchema = Type.Object({
  credentialId: Type.String({ minLength: 1, maxLength: 2048, pattern: '^[A-Za-z0-9_=+/-]+$', description: 'A credentialId from GET /me/passkeys.' })
}, { additionalProperties: false })

export type PasskeyCredential = Static<typeof PasskeyCredentialSchema>
