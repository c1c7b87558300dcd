/**
 * The help desk's intents (the admin API, with the service's own AWS
 * credentials; every command here is signed): turn a user's MFA off, make,
 * change and delete groups, read a user's sign-in events and give feedback on
 * them, read and forget their remembered devices, link and unlink a social
 * identity, and read their sign-in factors.
 */
import {
  AdminDisableProviderForUserCommand,
  AdminForgetDeviceCommand,
  AdminGetUserAuthFactorsCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminListDevicesCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUpdateAuthEventFeedbackCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  UpdateGroupCommand,
  type AuthEventType,
  type DeviceType,
  type GroupType
} from '@aws-sdk/client-cognito-identity-provider'
import { ApiError } from '../errors/catalog.js'
import type { Page, PageRequest } from './admin.js'
import { call, type CognitoContext } from './client.js'

export interface HelpdeskGroup {
  name: string
  description?: string
  precedence?: number
  roleArn?: string
}

export interface GroupChange {
  description?: string
  precedence?: number
  roleArn?: string
}

/** One sign-in (or sign-up, password change...) as Cognito's threat protection recorded it. */
export interface AuthEvent {
  eventId: string
  type?: string
  createdAt?: string
  response?: string
  risk: { decision?: string, level?: string, compromisedCredentials?: boolean }
  challenges: Array<{ name?: string, response?: string }>
  context: { ipAddress?: string, deviceName?: string, timezone?: string, city?: string, country?: string }
  feedback?: { value?: string, provider?: string, at?: string }
}

export interface Device {
  deviceKey: string
  name?: string
  attributes: Record<string, string>
  createdAt?: string
  updatedAt?: string
  lastAuthenticatedAt?: string
}

/** How a user can sign in: the factors they have set up, and their MFA. */
export interface AuthFactors {
  /** PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN: what the user can sign in with (choice-based sign-in). */
  factors: string[]
  mfa: { preferred?: string, enabled: string[] }
}

/** The external user to link: their id at the provider, under the attribute Cognito matches it on (Cognito_Subject: the `sub`). */
export interface ProviderUser {
  providerUserId: string
  attributeName: string
}

export interface HelpdeskIntents {
  /** Turns every MFA method of the user off (SMS, TOTP, and e-mail where it is on); answers the methods that were on. */
  adminResetMfa (username: string): Promise<string[]>
  adminCreateGroup (name: string, change: GroupChange): Promise<HelpdeskGroup>
  adminUpdateGroup (name: string, change: GroupChange): Promise<HelpdeskGroup>
  adminDeleteGroup (name: string): Promise<void>
  adminListAuthEvents (username: string, request: PageRequest): Promise<Page<AuthEvent>>
  adminAuthEventFeedback (username: string, eventId: string, value: 'Valid' | 'Invalid'): Promise<void>
  adminListDevices (username: string, request: PageRequest): Promise<Page<Device>>
  adminForgetDevice (username: string, deviceKey: string): Promise<void>
  adminLinkProvider (username: string, provider: string, user: ProviderUser): Promise<void>
  /** Unlinks the user's identity from `provider`: `providerUserId` given, or read from the user's identities attribute. */
  adminUnlinkProvider (username: string, provider: string, providerUserId?: string): Promise<void>
  adminGetAuthFactors (username: string): Promise<AuthFactors>
}

export function helpdeskIntents ({ sdk, pool }: CognitoContext): HelpdeskIntents {
  const UserPoolId = pool.userPoolId

  async function getUser (username: string) {
    return await call('AdminUser', () => sdk.send(new AdminGetUserCommand({ UserPoolId, Username: username })))
  }

  return {
    async adminResetMfa (username) {
      const enabled = (await getUser(username)).UserMFASettingList ?? []
      const off = { Enabled: false, PreferredMfa: false }
      // E-mail MFA only where it is on: a pool without it (the Lite plan) may refuse the setting itself.
      await call('AdminMfaReset', () => sdk.send(new AdminSetUserMFAPreferenceCommand({
        UserPoolId,
        Username: username,
        SMSMfaSettings: off,
        SoftwareTokenMfaSettings: off,
        ...(enabled.includes('EMAIL_OTP') ? { EmailMfaSettings: off } : {})
      })))
      return enabled
    },

    async adminCreateGroup (name, { description, precedence, roleArn }) {
      const out = await call('AdminCreateGroup', () => sdk.send(new CreateGroupCommand({
        UserPoolId, GroupName: name, Description: description, Precedence: precedence, RoleArn: roleArn
      })))
      return groupOf(out.Group ?? { GroupName: name })
    },

    async adminUpdateGroup (name, change) {
      // UpdateGroup resets what it is not given: the fields not sent keep their values by being sent as they are.
      const { Group: now = {} } = await call('AdminGroupChanges', () => sdk.send(new GetGroupCommand({ UserPoolId, GroupName: name })))
      const out = await call('AdminGroupChanges', () => sdk.send(new UpdateGroupCommand({
        UserPoolId,
        GroupName: name,
        Description: change.description ?? now.Description,
        Precedence: change.precedence ?? now.Precedence,
        RoleArn: change.roleArn ?? now.RoleArn
      })))
      return groupOf(out.Group ?? { GroupName: name })
    },

    async adminDeleteGroup (name) {
      await call('AdminGroupChanges', () => sdk.send(new DeleteGroupCommand({ UserPoolId, GroupName: name })))
    },

    async adminListAuthEvents (username, { limit, cursor }) {
      const out = await call('AdminAuthEvents', () => sdk.send(new AdminListUserAuthEventsCommand({
        UserPoolId, Username: username, MaxResults: limit, NextToken: tokenOf(cursor)
      })))
      return { items: (out.AuthEvents ?? []).map(eventOf), ...cursorOf(out.NextToken) }
    },

    async adminAuthEventFeedback (username, eventId, value) {
      await call('AdminAuthEventFeedback', () => sdk.send(new AdminUpdateAuthEventFeedbackCommand({
        UserPoolId, Username: username, EventId: eventId, FeedbackValue: value
      })))
    },

    async adminListDevices (username, { limit, cursor }) {
      const out = await call('AdminDevices', () => sdk.send(new AdminListDevicesCommand({
        UserPoolId, Username: username, Limit: limit, PaginationToken: tokenOf(cursor)
      })))
      return { items: (out.Devices ?? []).map(deviceOf), ...cursorOf(out.PaginationToken) }
    },

    async adminForgetDevice (username, deviceKey) {
      await call('AdminForgetDevice', () => sdk.send(new AdminForgetDeviceCommand({ UserPoolId, Username: username, DeviceKey: deviceKey })))
    },

    async adminLinkProvider (username, provider, { providerUserId, attributeName }) {
      await call('AdminIdentities', () => sdk.send(new AdminLinkProviderForUserCommand({
        UserPoolId,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
        SourceUser: { ProviderName: provider, ProviderAttributeName: attributeName, ProviderAttributeValue: providerUserId }
      })))
    },

    async adminUnlinkProvider (username, provider, providerUserId) {
      const userId = providerUserId ?? linkedUserId((await getUser(username)).UserAttributes, provider)
      if (userId === undefined) {
        throw new ApiError('IDENTITY_NOT_FOUND', { detail: `The user has no identity linked from ${provider}.` })
      }
      await call('AdminIdentities', () => sdk.send(new AdminDisableProviderForUserCommand({
        UserPoolId, User: { ProviderName: provider, ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: userId }
      })))
    },

    async adminGetAuthFactors (username) {
      const out = await call('AdminGetUserAuthFactors', () => sdk.send(new AdminGetUserAuthFactorsCommand({ UserPoolId, Username: username })))
      return factorsOf(out)
    }
  }
}

/** The factors of a Get(Admin)UserAuthFactors answer. */
export function factorsOf (out: { PreferredMfaSetting?: string, UserMFASettingList?: string[], ConfiguredUserAuthFactors?: string[] }): AuthFactors {
  return {
    factors: out.ConfiguredUserAuthFactors ?? [],
    mfa: { ...(out.PreferredMfaSetting === undefined ? {} : { preferred: out.PreferredMfaSetting }), enabled: out.UserMFASettingList ?? [] }
  }
}

/** The provider's user id in the user's `identities` attribute (a JSON array Cognito keeps for linked and federated users). */
function linkedUserId (attributes: Array<{ Name?: string, Value?: string }> | undefined, provider: string): string | undefined {
  const raw = attributes?.find(a => a.Name === 'identities')?.Value
  if (raw === undefined) return undefined
  try {
    const identities = JSON.parse(raw) as unknown
    if (!Array.isArray(identities)) return undefined
    const match = identities.find((i: { providerName?: unknown }) => i?.providerName === provider) as { userId?: unknown } | undefined
    return typeof match?.userId === 'string' ? match.userId : undefined
  } catch {
    return undefined
  }
}

const iso = (date: Date | undefined) => date === undefined ? undefined : new Date(date).toISOString()

/** Drops the undefined fields, so an answer carries only what Cognito gave. */
function defined<T extends object> (value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

function groupOf (group: GroupType): HelpdeskGroup {
  return defined({ name: group.GroupName ?? '', description: group.Description, precedence: group.Precedence, roleArn: group.RoleArn })
}

function eventOf (event: AuthEventType): AuthEvent {
  const context = event.EventContextData
  const feedback = event.EventFeedback
  return defined({
    eventId: event.EventId ?? '',
    type: event.EventType,
    createdAt: iso(event.CreationDate),
    response: event.EventResponse,
    risk: defined({
      decision: event.EventRisk?.RiskDecision,
      level: event.EventRisk?.RiskLevel,
      compromisedCredentials: event.EventRisk?.CompromisedCredentialsDetected
    }),
    challenges: (event.ChallengeResponses ?? []).map(c => defined({ name: c.ChallengeName, response: c.ChallengeResponse })),
    context: defined({
      ipAddress: context?.IpAddress, deviceName: context?.DeviceName, timezone: context?.Timezone, city: context?.City, country: context?.Country
    }),
    feedback: feedback === undefined
      ? undefined
      : defined({ value: feedback.FeedbackValue, provider: feedback.Provider, at: iso(feedback.FeedbackDate) })
  })
}

function deviceOf (device: DeviceType): Device {
  const attributes = Object.fromEntries((device.DeviceAttributes ?? []).map(a => [a.Name ?? '', a.Value ?? '']))
  return defined({
    deviceKey: device.DeviceKey ?? '',
    name: attributes.device_name,
    attributes,
    createdAt: iso(device.DeviceCreateDate),
    updatedAt: iso(device.DeviceLastModifiedDate),
    lastAuthenticatedAt: iso(device.DeviceLastAuthenticatedDate)
  })
}

/** As admin.ts: Cognito's token as base64url, so it travels in a query string. */
function cursorOf (token: string | undefined): { cursor?: string } {
  return token === undefined || token === '' ? {} : { cursor: Buffer.from(token, 'utf8').toString('base64url') }
}

function tokenOf (cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8')
}
