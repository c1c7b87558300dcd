import { Type } from '@sinclair/typebox'
import { Username } from './auth.js'

export const LocalMessageSchema = Type.Object({
  id: Type.Integer(),
  sentAt: Type.String({ format: 'date-time' }),
  kind: Type.String({
    description: 'SignUp, ResendCode, ForgotPassword, UpdateUserAttribute, VerifyUserAttribute, AdminCreateUser (code = temporary password)...'
  }),
  username: Type.String(),
  destination: Type.String(),
  medium: Type.String(),
  code: Type.String(),
  subject: Type.Optional(Type.String({ description: 'The e-mail\'s subject, as the custom-message trigger (run in process) wrote it.' })),
  html: Type.Optional(Type.String({ description: 'The e-mail\'s HTML body, with its link to the service\'s page (confirm, reset...).' })),
  text: Type.Optional(Type.String({ description: 'The message\'s plain-text (SMS) body.' }))
})

export const LocalMessagesQuerySchema = Type.Object({ username: Type.Optional(Username) }, { additionalProperties: false })

export const LocalDemoQuerySchema = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 64 })),
  error: Type.Optional(Type.String({ maxLength: 64 }))
})
