import { Type } from '@sinclair/typebox'

const TokenUse = Type.Union([Type.Literal('access'), Type.Literal('id')])

export const VerifyBodySchema = Type.Object({
  token: Type.String({ minLength: 1, description: 'An access or ID token of the pool (longer than TOKEN_MAX_BYTES is refused).' }),
  tokenUse: Type.Optional(Type.Union([Type.Literal('access'), Type.Literal('id')], {
    description: 'Require this kind of token. Omitted: either, as its token_use claim says (then checked like any other claim).'
  }))
}, { additionalProperties: false })

export const IdentitySchema = Type.Object({
  sub: Type.String({ description: 'The user\'s permanent id.' }),
  username: Type.String(),
  tokenUse: TokenUse,
  clientId: Type.String({ description: 'The app client the token was issued to.' }),
  groups: Type.Array(Type.String(), { description: 'cognito:groups.' }),
  scopes: Type.Array(Type.String(), { description: 'An access token\'s scopes (empty for an ID token).' }),
  expiresAt: Type.String({ format: 'date-time' }),
  claims: Type.Record(Type.String(), Type.Unknown(), { description: 'Every claim of the token, as signed.' })
})

export const CheckQuerySchema = Type.Object({
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Refuse (403) unless the caller is in this group.' })),
  scope: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Refuse (403) unless the access token has this scope.' }))
}, { additionalProperties: false })
