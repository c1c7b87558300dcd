import { Type } from '@sinclair/typebox'

export const MeResponseSchema = Type.Object({
  username: Type.String(),
  sub: Type.String({ description: 'The user\'s permanent id.' }),
  groups: Type.Array(Type.String(), { description: 'cognito:groups of the access token.' }),
  scope: Type.Array(Type.String()),
  attributes: Type.Record(Type.String(), Type.String(), { description: 'Current attributes from Cognito, custom: ones included.' }),
  mfa: Type.Object({
    preferred: Type.Optional(Type.String()),
    enabled: Type.Array(Type.String())
  }),
  tokenExpiresAt: Type.String({ format: 'date-time', description: 'When the presented access token expires.' })
})
