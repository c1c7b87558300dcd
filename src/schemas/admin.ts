/** The admin API's requests and answers (routes/admin), and `adminRoute`, the parts every admin route's schema shares. */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { ErrorCode } from '../errors/catalog.js'
import { Password, Username } from './auth.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, QUERY_REFUSALS, problems } from './problem.js'
import { StringEnum } from './string-enum.js'

/** Attributes an administrator may set: the OIDC standard ones, their verification flags, and custom: ones (never sub). */
const ADMIN_ATTRIBUTES = [
  'address', 'birthdate', 'email', 'email_verified', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name',
  'nickname', 'phone_number', 'phone_number_verified', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo'
]
const AdminAttributeName = Type.String({ pattern: `^(${ADMIN_ATTRIBUTES.join('|')}|custom:[\\w.-]{1,20})$` })
const AdminAttributes = Type.Record(AdminAttributeName, Type.String({ maxLength: 2048 }), {
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 50,
  description: 'Attribute name to value: standard OIDC names, email_verified / phone_number_verified ("true" or "false"), and custom:<name>.'
})

const GroupName = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$',
  description: 'Cognito group name.'
})

export const UsernameParamsSchema = Type.Object({ username: Username }, { additionalProperties: false })
export const GroupParamsSchema = Type.Object({ group: GroupName }, { additionalProperties: false })
export const MembershipParamsSchema = Type.Object({ group: GroupName, username: Username }, { additionalProperties: false })

/** A query string is text (types are not coerced): 1 to 60, digits only. */
const Limit = Type.String({ pattern: '^([1-9]|[1-5][0-9]|60)$', description: 'Most items in one page, 1 to 60 (the default, and Cognito\'s most).' })
const Cursor = Type.String({
  minLength: 1,
  maxLength: 4096,
  pattern: '^[\\w-]+$',
  description: 'The `cursor` of the previous page, as given: the next page. Opaque; valid for the same query only.'
})

/** The searchable attributes of ListUsers, and its two operators (exact, starts with). */
export const SEARCHABLE_ATTRIBUTES = [
  'username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub'
] as const

export const ListUsersQuerySchema = Type.Object({
  filter: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 256,
    description: 'Cognito\'s search syntax on one attribute: `email ^= "ann"` (starts with) or `username = "ann"` (exact). Searchable: ' +
      `${SEARCHABLE_ATTRIBUTES.join(', ')}. Anything else is refused with INVALID_FILTER naming the filter.`
  })),
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor)
}, { additionalProperties: false })

export const PageQuerySchema = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false })

const UserStatus = Type.String({
  description: 'Cognito\'s status: UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD (invited, not signed in yet), RESET_REQUIRED, EXTERNAL_PROVIDER...'
})

export const AdminUserSchema = Type.Object({
  username: Type.String(),
  status: UserStatus,
  enabled: Type.Boolean({ description: 'False once disabled: the user cannot sign in or refresh.' }),
  attributes: Type.Record(Type.String(), Type.String(), { description: 'Every attribute, sub and custom: ones included.' }),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  updatedAt: Type.Optional(Type.String({ format: 'date-time' }))
}, { title: 'User' })

export const AdminUserDetailSchema = Type.Composite([AdminUserSchema, Type.Object({
  mfa: Type.Object({
    preferred: Type.Optional(Type.String()),
    enabled: Type.Array(Type.String(), { description: 'The MFA methods the user has turned on (SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP).' })
  }),
  groups: Type.Array(Type.String(), { description: 'The groups the user is in.' })
})], { title: 'UserDetail' })

export const AdminGroupSchema = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  precedence: Type.Optional(Type.Integer()),
  roleArn: Type.Optional(Type.String({ description: 'The IAM role the identity pool gives the group\'s members.' }))
})

const NextCursor = Type.Optional(Type.String({ description: 'Present when there are more: pass it as `cursor` for the next page.' }))

export const UserPageSchema = Type.Object({ users: Type.Array(AdminUserSchema), cursor: NextCursor }, { title: 'UserPage' })
export const GroupPageSchema = Type.Object({ groups: Type.Array(AdminGroupSchema), cursor: NextCursor })
export const GroupListSchema = Type.Object({ groups: Type.Array(AdminGroupSchema) })

export const InviteBodySchema = Type.Object({
  username: Username,
  attributes: Type.Optional(AdminAttributes),
  temporaryPassword: Type.Optional(Type.String({
    minLength: 6,
    maxLength: 256,
    description: 'The temporary password (it must meet the pool\'s policy); omitted, Cognito generates one. Either way the user ' +
      'chooses their own at first sign-in.'
  })),
  delivery: Type.Optional(StringEnum(['EMAIL', 'SMS', 'NONE'], {
    description: 'How Cognito sends the invitation with the temporary password: EMAIL (the default; needs the email attribute), ' +
      'SMS (needs phone_number), or NONE (nothing is sent: hand the password over yourself).'
  }))
}, { additionalProperties: false })

export const ResendInviteQuerySchema = Type.Object({
  delivery: Type.Optional(StringEnum(['EMAIL', 'SMS'], { description: 'EMAIL (the default) or SMS.' }))
}, { additionalProperties: false })

export const UpdateUserBodySchema = Type.Object({
  attributes: Type.Record(AdminAttributeName, Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]), {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 50,
    description: 'Attribute name to new value, as a JSON merge patch: a string sets the attribute (email_verified and ' +
      'phone_number_verified too), null deletes it (custom: ones, or optional standard ones).'
  })
}, { additionalProperties: false })

export const SetPasswordBodySchema = Type.Object({
  password: Password,
  permanent: Type.Optional(Type.Boolean({
    default: false,
    description: 'true: the user signs in with it from now on. false (the default): a temporary password, to be changed at the next sign-in ' +
      '(NEW_PASSWORD_REQUIRED).'
  }))
}, { additionalProperties: false })

export const AdminDoneSchema = Type.Object({
  status: StringEnum([
    'invited', 'disabled', 'enabled', 'reset', 'password-set', 'confirmed', 'signed-out', 'added', 'removed', 'deleted'
  ], {
    description: 'What happened.'
  }),
  tokensRevoked: Type.Optional(Type.Boolean({
    description: 'Whether the user\'s tokens issued until now are refused from now on (sign out, disable, delete, password reset ' +
      'and set, and group changes unless REVOKE_ON_GROUP_CHANGE=false).'
  }))
}, { title: 'AdminDone' })

export type InviteBody = Static<typeof InviteBodySchema>
export type UpdateUserBody = Static<typeof UpdateUserBodySchema>

/** The guard's refusals (every admin route answers them), and any Cognito call's. */
const ADMIN_GUARD = [
  ...COGNITO_FAILURES, ...QUERY_REFUSALS, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'ADMIN_REQUIRED'
] as const satisfies readonly ErrorCode[]

/**
 * A state-changing admin request: cookie-authenticated ones from another origin are refused, and a body, if one is sent, must
 * parse (those without a body schema take none, but Fastify still reads what is sent).
 */
export const ADMIN_CHANGE = [...ORIGIN_REFUSALS, ...BODY_REFUSALS] as const satisfies readonly ErrorCode[]
/** What Cognito's per-user admin operations can answer (error-table.ts, AdminUser). */
export const USER_OPERATION = [
  'USER_NOT_FOUND', 'INVALID_PARAMETER', 'NOT_PERMITTED', 'ALIAS_EXISTS', 'CODE_DELIVERY_FAILED', 'INVALID_PASSWORD', 'TOO_MANY_ATTEMPTS'
] as const satisfies readonly ErrorCode[]
/** What Cognito's group operations can answer (error-table.ts, AdminGroups). */
export const GROUP_OPERATION = ['GROUP_NOT_FOUND', 'USER_NOT_FOUND', 'INVALID_PARAMETER', 'NOT_PERMITTED'] as const satisfies readonly ErrorCode[]

const ADMIN_HEADERS = { 401: ['WwwAuthenticate' as const] }
const ADMIN_NOTES = {
  TOKEN_INVALID: 'The access token is invalid, expired, revoked, or from an app client this service does not accept.',
  ADMIN_REQUIRED: 'The caller is signed in but not an admin (ADMIN_GROUP, or an ADMIN_SCOPES scope from an ADMIN_CLIENT_IDS client).',
  UPSTREAM_THROTTLED: 'Cognito throttled the call; Retry-After says when to try again.'
} satisfies Partial<Record<ErrorCode, string>>

/** What one admin route declares of its own; `adminRoute` adds the rest. */
export interface AdminRouteParts {
  operationId: string
  summary: string
  description?: string
  params?: TSchema
  querystring?: TSchema
  body?: TSchema
  /** The success answers, by status (json(...)); the problem answers are added. */
  response: Record<number, unknown>
  /** The codes the route answers beyond the admin guard's (ADMIN_CHANGE, USER_OPERATION...). */
  refusals: readonly ErrorCode[]
  /** Notes on codes beyond the admin ones (TOKEN_INVALID, ADMIN_REQUIRED, UPSTREAM_THROTTLED), or replacing them. */
  notes?: Partial<Record<ErrorCode, string>>
}

/**
 * An admin route's schema: tag `admin` and its
 * problem answers (the guard's refusals first, then `refusals`, with the admin
 * notes and 401's WWW-Authenticate) after its own success answers.
 */
export function adminRoute<const P extends AdminRouteParts> (parts: P) {
  const { response, refusals, notes, ...own } = parts
  return {
    tags: ['admin'],
    ...own,
    response: {
      ...response as P['response'],
      ...problems([...ADMIN_GUARD, ...refusals], { notes: { ...ADMIN_NOTES, ...notes }, headers: ADMIN_HEADERS })
    }
  }
}
