/** The signed-in user's own account: PATCH /me, attribute verification and deletion, password, sign-out everywhere. */
import { Type, type Static } from '@sinclair/typebox'
import { Attributes, Password, Redirect } from './auth.js'
import { StringEnum } from './string-enum.js'

const VerifiableAttribute = StringEnum(['email', 'phone_number'], { description: 'The attribute to verify.' })
const Code = Type.String({ minLength: 1, maxLength: 2048, pattern: '^[\\S]+$', description: 'The code Cognito sent.' })

export const UpdateAttributesBodySchema = Type.Object({
  attributes: { ...Attributes, minProperties: 1 } as typeof Attributes,
  redirect: Type.Optional(Redirect)
}, { additionalProperties: false })

const VerificationSchema = Type.Object({
  attribute: Type.String({ description: 'email or phone_number.' }),
  deliveryMedium: Type.Optional(Type.String({ description: 'EMAIL or SMS.' })),
  destination: Type.Optional(Type.String({ description: 'Where the code went, masked by Cognito (a***@e***.com).' })),
  appliesAfterVerification: Type.Boolean({
    description: 'true: the pool keeps the original value until the new one is verified (AttributesRequireVerificationBeforeUpdate), ' +
      'so `attributes` still shows the old value and it still signs in; false: the new value is in place, unverified.'
  })
})

export const UpdateAttributesResponseSchema = Type.Object({
  attributes: Type.Record(Type.String(), Type.String(), { description: 'The attributes as Cognito has them now.' }),
  verification: Type.Array(VerificationSchema, {
    description: 'Attributes waiting for verification, and where the code went; empty when nothing needs verifying. ' +
      'Verify with POST /me/attributes/verify.'
  })
})

export const SendAttributeCodeBodySchema = Type.Object({
  attribute: VerifiableAttribute,
  redirect: Type.Optional(Redirect)
}, { additionalProperties: false })

export const SendAttributeCodeResponseSchema = Type.Object({
  status: Type.Literal('sent'),
  verification: Type.Object({
    attribute: Type.String(),
    deliveryMedium: Type.Optional(Type.String({ description: 'EMAIL or SMS.' })),
    destination: Type.Optional(Type.String({ description: 'Where the code went, masked by Cognito.' }))
  })
})

export const VerifyAttributeBodySchema = Type.Object({ attribute: VerifiableAttribute, code: Code }, { additionalProperties: false })

export const DeleteAttributesBodySchema = Type.Object({
  names: Type.Array(Type.String({ pattern: '^([a-z_]{1,32}|custom:[\\w.-]{1,20})$' }), {
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
    description: 'Attribute names to delete (standard or custom:); required and immutable ones are refused.'
  })
}, { additionalProperties: false })

export const ChangePasswordBodySchema = Type.Object({
  previousPassword: Password,
  proposedPassword: Password
}, { additionalProperties: false })

export type UpdateAttributesBody = Static<typeof UpdateAttributesBodySchema>
export type DeleteAttributesBody = Static<typeof DeleteAttributesBodySchema>
