/** The help desk's admin requests and answers (routes/admin/helpdesk.ts, routes/admin/group-changes.ts) and GET /me/auth-factors. */
import { Type, type Static } from '@sinclair/typebox'
import type { ErrorCode } from '../errors/catalog.js'
import { Username } from './auth.js'
import { StringEnum } from './string-enum.js'

const GroupName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$', description: 'Cognito group name.' })
const Description = Type.String({ maxLength: 2048, description: 'What the group is for.' })
const Precedence = Type.Integer({
  minimum: 0,
  maximum: 2147483647,
  description: 'Lower wins: the role of the user\'s group with the lowest precedence is the one in their token\'s cognito:preferred_role.'
})
const RoleArn = Type.String({
  minLength: 20,
  maxLength: 2048,
  pattern: '^arn:[\\w+=/,.@-]+:iam::\\d{12}:role/[\\w+=/,.@-]+$',
  description: 'The IAM role the identity pool gives the group\'s members (their tokens carry it in cognito:roles).'
})

export const CreateGroupBodySchema = Type.Object({
  name: GroupName,
  description: Type.Optional(Description),
  precedence: Type.Optional(Precedence),
  roleArn: Type.Optional(RoleArn)
}, { additionalProperties: false })

export const UpdateGroupBodySchema = Type.Object({
  description: Type.Optional(Description),
  precedence: Type.Optional(Precedence),
  roleArn: Type.Optional(RoleArn)
}, { additionalProperties: false, minProperties: 1 })

export const HelpdeskGroupSchema = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  precedence: Type.Optional(Type.Integer()),
  roleArn: Type.Optional(Type.String())
}, { title: 'Group' })

export const HelpdeskDoneSchema = Type.Object({
  status: StringEnum(['mfa-reset', 'deleted', 'feedback-recorded', 'forgotten', 'linked', 'unlinked'], { description: 'What happened.' }),
  tokensRevoked: Type.Optional(Type.Boolean({ description: 'Whether the user\'s tokens issued until now are refused from now on.' })),
  mfaTurnedOff: Type.Optional(Type.Array(Type.String(), { description: 'The MFA methods that were on and are off now.' }))
}, { title: 'HelpdeskDone' })

const EventId = Type.String({ minLength: 1, maxLength: 50, pattern: '^[\\w-]+$', description: 'An eventId from GET …/auth-events.' })
const DeviceKey = Type.String({ minLength: 1, maxLength: 55, pattern: '^[\\w-]+_[0-9a-f-]+$', description: 'A deviceKey from GET …/devices.' })
const Provider = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+$',
  description: 'The identity provider\'s name in the pool (Google, Facebook, SignInWithApple, LoginWithAmazon, or an OIDC/SAML one\'s).'
})

export const EventParamsSchema = Type.Object({ username: Username, eventId: EventId }, { additionalProperties: false })
export const DeviceParamsSchema = Type.Object({ username: Username, deviceKey: DeviceKey }, { additionalProperties: false })
export const IdentityParamsSchema = Type.Object({ username: Username, provider: Provider }, { additionalProperties: false })

export const FeedbackBodySchema = Type.Object({
  feedback: StringEnum(['valid', 'invalid'], {
    description: 'valid: the sign-in was the user\'s; invalid: it was not (Cognito\'s risk model learns from it).'
  })
}, { additionalProperties: false })

const ProviderUserId = Type.String({
  minLength: 1, maxLength: 2048, description: 'The user\'s id at the provider (its `sub`, for OIDC and social ones).'
})

export const LinkBodySchema = Type.Object({
  providerUserId: ProviderUserId,
  attribute: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: '^[\\w:.-]+$',
    description: 'The provider attribute the id is matched on: Cognito_Subject (the default) or, for SAML, an attribute the assertion carries.'
  }))
}, { additionalProperties: false })

export const UnlinkQuerySchema = Type.Object({
  providerUserId: Type.Optional(ProviderUserId)
}, { additionalProperties: false })

export const AuthEventSchema = Type.Object({
  eventId: Type.String(),
  type: Type.Optional(Type.String({ description: 'SignIn, SignUp, ForgotPassword, PasswordChange, ResendCode...' })),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  response: Type.Optional(Type.String({ description: 'Pass, Fail, InProgress.' })),
  risk: Type.Object({
    decision: Type.Optional(Type.String({ description: 'NoRisk, AccountTakeover, Block.' })),
    level: Type.Optional(Type.String({ description: 'Low, Medium, High.' })),
    compromisedCredentials: Type.Optional(Type.Boolean())
  }),
  challenges: Type.Array(Type.Object({ name: Type.Optional(Type.String()), response: Type.Optional(Type.String()) })),
  context: Type.Object({
    ipAddress: Type.Optional(Type.String()),
    deviceName: Type.Optional(Type.String()),
    timezone: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
    country: Type.Optional(Type.String())
  }),
  feedback: Type.Optional(Type.Object({
    value: Type.Optional(Type.String()),
    provider: Type.Optional(Type.String()),
    at: Type.Optional(Type.String({ format: 'date-time' }))
  }))
})

const NextCursor = Type.Optional(Type.String({ description: 'Present when there are more: pass it as `cursor` for the next page.' }))

export const AuthEventPageSchema = Type.Object({ events: Type.Array(AuthEventSchema), cursor: NextCursor })

export const DeviceSchema = Type.Object({
  deviceKey: Type.String(),
  name: Type.Optional(Type.String()),
  attributes: Type.Record(Type.String(), Type.String()),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  updatedAt: Type.Optional(Type.String({ format: 'date-time' })),
  lastAuthenticatedAt: Type.Optional(Type.String({ format: 'date-time' }))
})

export const DevicePageSchema = Type.Object({ devices: Type.Array(DeviceSchema), cursor: NextCursor })

export const AuthFactorsSchema = Type.Object({
  factors: Type.Array(Type.String(), {
    description: 'What the user can sign in with (choice-based sign-in): PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN.'
  }),
  mfa: Type.Object({
    preferred: Type.Optional(Type.String()),
    enabled: Type.Array(Type.String(), { description: 'The MFA methods on: SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP.' })
  })
}, { title: 'AuthFactors' })

export type CreateGroupBody = Static<typeof CreateGroupBodySchema>

/** What Cognito's group changes can answer (error-table.ts, AdminGroupChanges). */
export const GROUP_CHANGE = ['GROUP_NOT_FOUND', 'INVALID_PARAMETER', 'NOT_PERMITTED'] as const satisfies readonly ErrorCode[]
