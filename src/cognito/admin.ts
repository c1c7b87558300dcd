/**
 * The admin API's intents: the pool's users and groups, called with the
 * service's own AWS credentials (every command here is signed). Lists page
 * with an opaque cursor that wraps Cognito's pagination token.
 */
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type AttributeType,
  type GroupType,
  type UserType
} from '@aws-sdk/client-cognito-identity-provider'
import { ApiError } from '../errors/catalog.js'
import { call, clientMetadata, type CognitoContext } from './client.js'

/** How an invitation reaches the user: Cognito's e-mail or SMS, or not at all (the admin hands over the password). */
export type InviteDelivery = 'EMAIL' | 'SMS' | 'NONE'

/** A user as the admin API shows one. */
export interface AdminUserSummary {
  username: string
  /** UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD (invited), RESET_REQUIRED, EXTERNAL_PROVIDER... */
  status: string
  enabled: boolean
  attributes: Record<string, string>
  createdAt?: string
  updatedAt?: string
}

export interface AdminUserDetail extends AdminUserSummary {
  mfa: { preferred?: string, enabled: string[] }
  groups: string[]
}

export interface AdminGroup {
  name: string
  description?: string
  precedence?: number
  roleArn?: string
}

export interface Page<T> {
  items: T[]
  /** Pass back as `cursor` for the next page; absent on the last one. */
  cursor?: string
}

export interface PageRequest {
  limit: number
  cursor?: string
}

export interface AdminIntents {
  adminInvite (input: {
    username: string
    attributes: Record<string, string>
    temporaryPassword?: string
    delivery: InviteDelivery
    /** ClientMetadata for the pool's Lambda triggers (routes/trigger-context.ts). */
    metadata?: Record<string, string>
  }): Promise<AdminUserSummary>
  /** Sends the invitation again (a new temporary password unless one is given); only for a user still in FORCE_CHANGE_PASSWORD. */
  adminResendInvite (username: string, delivery: Exclude<InviteDelivery, 'NONE'>): Promise<void>
  /** `filter` in Cognito's syntax (email ^= "ann"), already checked by the caller. */
  adminListUsers (request: PageRequest & { filter?: string }): Promise<Page<AdminUserSummary>>
  adminGetUser (username: string): Promise<AdminUserDetail>
  /** The user's sub (what their tokens name), for revoking them. */
  adminUserSub (username: string): Promise<string>
  adminUpdateAttributes (username: string, attributes: Record<string, string>): Promise<void>
  adminDeleteAttributes (username: string, names: string[]): Promise<void>
  adminSetEnabled (username: string, enabled: boolean): Promise<void>
  adminDeleteUser (username: string): Promise<void>
  /** Cognito sends the user a code; their next sign-in must go through password recovery. */
  adminResetPassword (username: string): Promise<void>
  adminSetPassword (username: string, password: string, permanent: boolean): Promise<void>
  adminConfirmSignUp (username: string): Promise<void>
  /** Ends every session of the user at Cognito: their refresh tokens stop working, their access tokens are revoked. */
  adminGlobalSignOut (username: string): Promise<void>
  adminListGroups (request: PageRequest): Promise<Page<AdminGroup>>
  adminListUsersInGroup (group: string, request: PageRequest): Promise<Page<AdminUserSummary>>
  adminListGroupsForUser (username: string): Promise<AdminGroup[]>
  adminAddUserToGroup (group: string, username: string): Promise<void>
  adminRemoveUserFromGroup (group: string, username: string): Promise<void>
}

/** A user's groups are read whole; a user in more than this many pages of groups is cut off (Cognito allows 60 per page). */
const MAX_GROUP_PAGES = 10

export function adminIntents ({ sdk, pool }: CognitoContext): AdminIntents {
  const UserPoolId = pool.userPoolId

  async function listGroupsForUser (username: string): Promise<AdminGroup[]> {
    const groups: AdminGroup[] = []
    let NextToken: string | undefined
    for (let page = 0; page < MAX_GROUP_PAGES; page++) {
      const out = await call('AdminUser', () => sdk.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: username, Limit: 60, NextToken })))
      groups.push(...(out.Groups ?? []).map(groupOf))
      NextToken = out.NextToken
      if (NextToken === undefined) break
    }
    return groups
  }

  return {
    async adminInvite ({ username, attributes, temporaryPassword, delivery, metadata }) {
      const out = await call('AdminCreateUser', () => sdk.send(new AdminCreateUserCommand({
        UserPoolId,
        Username: username,
        UserAttributes: attributeList(attributes),
        TemporaryPassword: temporaryPassword,
        ...(delivery === 'NONE' ? { MessageAction: 'SUPPRESS' } : { DesiredDeliveryMediums: [delivery] }),
        ClientMetadata: clientMetadata(metadata)
      })))
      return summaryOf(out.User ?? { Username: username })
    },

    async adminResendInvite (username, delivery) {
      // Cognito's own refusal of a RESEND for a user who already signed in varies; the status says it plainly.
      const user = await call('AdminUser', () => sdk.send(new AdminGetUserCommand({ UserPoolId, Username: username })))
      if (user.UserStatus !== 'FORCE_CHANGE_PASSWORD') {
        throw new ApiError('INVITE_NOT_PENDING', {
          detail: `The user's status is ${user.UserStatus ?? 'unknown'}, not FORCE_CHANGE_PASSWORD: there is no invitation to send again.`
        })
      }
      await call('AdminCreateUser', () => sdk.send(new AdminCreateUserCommand({
        UserPoolId, Username: username, MessageAction: 'RESEND', DesiredDeliveryMediums: [delivery]
      })))
    },

    async adminListUsers ({ filter, limit, cursor }) {
      const out = await call('ListUsers', () => sdk.send(new ListUsersCommand({
        UserPoolId, Filter: filter, Limit: limit, PaginationToken: tokenOf(cursor)
      })))
      return { items: (out.Users ?? []).map(summaryOf), ...cursorOf(out.PaginationToken) }
    },

    async adminGetUser (username) {
      const out = await call('AdminUser', () => sdk.send(new AdminGetUserCommand({ UserPoolId, Username: username })))
      const groups = await listGroupsForUser(out.Username ?? username)
      return {
        ...summaryOf({ ...out, Attributes: out.UserAttributes }),
        mfa: { preferred: out.PreferredMfaSetting, enabled: out.UserMFASettingList ?? [] },
        groups: groups.map(g => g.name)
      }
    },

    async adminUserSub (username) {
      const out = await call('AdminUser', () => sdk.send(new AdminGetUserCommand({ UserPoolId, Username: username })))
      return out.UserAttributes?.find(a => a.Name === 'sub')?.Value ?? out.Username ?? username
    },

    async adminUpdateAttributes (username, attributes) {
      await call('AdminUser', () => sdk.send(new AdminUpdateUserAttributesCommand({
        UserPoolId, Username: username, UserAttributes: attributeList(attributes)
      })))
    },

    async adminDeleteAttributes (username, names) {
      await call('AdminUser', () => sdk.send(new AdminDeleteUserAttributesCommand({ UserPoolId, Username: username, UserAttributeNames: names })))
    },

    async adminSetEnabled (username, enabled) {
      const command = enabled
        ? new AdminEnableUserCommand({ UserPoolId, Username: username })
        : new AdminDisableUserCommand({ UserPoolId, Username: username })
      await call('AdminUser', () => sdk.send(command as AdminEnableUserCommand))
    },

    async adminDeleteUser (username) {
      await call('AdminUser', () => sdk.send(new AdminDeleteUserCommand({ UserPoolId, Username: username })))
    },

    async adminResetPassword (username) {
      await call('AdminUser', () => sdk.send(new AdminResetUserPasswordCommand({ UserPoolId, Username: username })))
    },

    async adminSetPassword (username, password, permanent) {
      await call('AdminUser', () => sdk.send(new AdminSetUserPasswordCommand({
        UserPoolId, Username: username, Password: password, Permanent: permanent
      })))
    },

    async adminConfirmSignUp (username) {
      await call('AdminConfirmSignUp', () => sdk.send(new AdminConfirmSignUpCommand({ UserPoolId, Username: username })))
    },

    async adminGlobalSignOut (username) {
      await call('AdminUser', () => sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: username })))
    },

    async adminListGroups ({ limit, cursor }) {
      const out = await call('AdminGroups', () => sdk.send(new ListGroupsCommand({ UserPoolId, Limit: limit, NextToken: tokenOf(cursor) })))
      return { items: (out.Groups ?? []).map(groupOf), ...cursorOf(out.NextToken) }
    },

    async adminListUsersInGroup (group, { limit, cursor }) {
      const out = await call('AdminGroups', () => sdk.send(new ListUsersInGroupCommand({
        UserPoolId, GroupName: group, Limit: limit, NextToken: tokenOf(cursor)
      })))
      return { items: (out.Users ?? []).map(summaryOf), ...cursorOf(out.NextToken) }
    },

    adminListGroupsForUser: listGroupsForUser,

    async adminAddUserToGroup (group, username) {
      await call('AdminGroups', () => sdk.send(new AdminAddUserToGroupCommand({ UserPoolId, GroupName: group, Username: username })))
    },

    async adminRemoveUserFromGroup (group, username) {
      await call('AdminGroups', () => sdk.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, GroupName: group, Username: username })))
    }
  }
}

function attributeList (attributes: Record<string, string>): AttributeType[] {
  return Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }))
}

function summaryOf (user: UserType): AdminUserSummary {
  return {
    username: user.Username ?? '',
    status: user.UserStatus ?? 'UNKNOWN',
    enabled: user.Enabled ?? true,
    attributes: Object.fromEntries((user.Attributes ?? []).map(a => [a.Name ?? '', a.Value ?? ''])),
    ...(user.UserCreateDate === undefined ? {} : { createdAt: new Date(user.UserCreateDate).toISOString() }),
    ...(user.UserLastModifiedDate === undefined ? {} : { updatedAt: new Date(user.UserLastModifiedDate).toISOString() })
  }
}

function groupOf (group: GroupType): AdminGroup {
  return {
    name: group.GroupName ?? '',
    ...(group.Description === undefined ? {} : { description: group.Description }),
    ...(group.Precedence === undefined ? {} : { precedence: group.Precedence }),
    ...(group.RoleArn === undefined ? {} : { roleArn: group.RoleArn })
  }
}

/** The cursor a client sees: Cognito's token, base64url so it travels in a query string as is. */
function cursorOf (token: string | undefined): { cursor?: string } {
  return token === undefined || token === '' ? {} : { cursor: Buffer.from(token, 'utf8').toString('base64url') }
}

/** Cognito's token back from a cursor; a tampered cursor is refused by Cognito (InvalidParameterException). */
function tokenOf (cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8')
}
