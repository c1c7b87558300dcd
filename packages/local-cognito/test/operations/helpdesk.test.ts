/**
 * The help desk's operations the local layer adds (operations/helpdesk.ts)
 * and its CreateGroup guard (guards/group-exists.ts), through a real SDK
 * client: each answers as Cognito answers a pool like the local one, in the
 * shapes the SDK model declares, with Cognito's exceptions.
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
  AdminUpdateUserAttributesCommand,
  AdminUpdateAuthEventFeedbackCommand,
  AssociateSoftwareTokenCommand,
  CreateGroupCommand,
  GetGroupCommand,
  GetUserAuthFactorsCommand,
  UpdateGroupCommand,
  VerifySoftwareTokenCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { UnsupportedError } from 'cognito-local/lib/errors.js'
import { generate } from 'cognito-local/lib/services/totp.js'
import t from 'tap'
import { startTestCognito, uniqueUsername } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool

/** A signed-in user with TOTP verified (not yet on): the access token. */
async function withAuthenticator (username: string, password: string): Promise<string> {
  const { AccessToken } = await login(sdk, ClientId, username, password)
  const { SecretCode } = await sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }))
  await sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: generate(SecretCode!) }))
  return AccessToken!
}

t.test('the emulator alone has none of these operations', async t => {
  const { username } = await confirmedUser('alone')
  for (const target of ['AdminSetUserMFAPreference', 'AdminGetUserAuthFactors', 'AdminListUserAuthEvents', 'AdminListDevices']) {
    const err = await raw(local, target, { UserPoolId, Username: username }).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof UnsupportedError, `${target}: cognito-local answers Unsupported`)
  }
})

t.test('CreateGroup of a name the pool has: GroupExistsException, and the group is left as it was', async t => {
  const GroupName = uniqueUsername('helpers')
  const made = await sdk.send(new CreateGroupCommand({ UserPoolId, GroupName, Description: 'First line', Precedence: 5 }))
  t.match(made.Group, { GroupName, UserPoolId, Description: 'First line', Precedence: 5 })
  await refused(t, sdk.send(new CreateGroupCommand({ UserPoolId, GroupName, Description: 'Overwritten' })),
    'GroupExistsException', 'A group with the name already exists.')
  t.match((await sdk.send(new GetGroupCommand({ UserPoolId, GroupName }))).Group, { Description: 'First line', Precedence: 5 }, 'kept')
})

t.test('UpdateGroup sets what it is not given back to its default, as Cognito does', async t => {
  const GroupName = uniqueUsername('reset')
  const RoleArn = 'arn:aws:iam::123456789012:role/reset'
  await sdk.send(new CreateGroupCommand({ UserPoolId, GroupName, Description: 'First line', Precedence: 5, RoleArn }))
  const out = await sdk.send(new UpdateGroupCommand({ UserPoolId, GroupName, Precedence: 2 }))
  t.match(out.Group, { GroupName, Precedence: 2 })
  const { Group } = await sdk.send(new GetGroupCommand({ UserPoolId, GroupName }))
  t.same([Group?.Description, Group?.Precedence, Group?.RoleArn], [undefined, 2, undefined], 'description and role gone')
  t.same([out.Group?.Description, out.Group?.RoleArn], [undefined, undefined], 'and not in the answer')
  await refused(t, sdk.send(new UpdateGroupCommand({ UserPoolId, GroupName: 'no-such-group', Precedence: 1 })),
    'ResourceNotFoundException', 'Group not found')
})

t.test('AdminSetUserMFAPreference turns methods on and off, as AdminGetUser then lists them', async t => {
  const { username, password } = await confirmedUser('mfa')
  const Username = username
  const state = async () => {
    const user = await sdk.send(new AdminGetUserCommand({ UserPoolId, Username }))
    return { list: user.UserMFASettingList ?? [], preferred: user.PreferredMfaSetting }
  }
  const on = { Enabled: true, PreferredMfa: true }
  await refused(t, sdk.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username, SoftwareTokenMfaSettings: on })),
    'InvalidParameterException', 'User has not verified software token mfa', 'TOTP cannot be turned on before it is verified')
  t.same(await state(), { list: [], preferred: undefined }, 'nothing changed')

  await withAuthenticator(username, password)
  const set = await sdk.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username, SoftwareTokenMfaSettings: on }))
  t.equal(set.$metadata.httpStatusCode, 200)
  t.same(await state(), { list: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' }, 'on and preferred')

  const off = { Enabled: false, PreferredMfa: false }
  await sdk.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username, SoftwareTokenMfaSettings: off, SMSMfaSettings: off }))
  t.same(await state(), { list: [], preferred: undefined }, 'off, and no longer preferred')

  await refused(t, sdk.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: 'no-such-user', SMSMfaSettings: off })),
    'UserNotFoundException', 'User does not exist.')
})

t.test('AdminGetUserAuthFactors and GetUserAuthFactors: the user\'s sign-in factors and MFA methods', async t => {
  const { username, password } = await confirmedUser('factors')
  const { IdToken } = await login(sdk, ClientId, username, password)
  const accessToken = await withAuthenticator(username, password)
  const factors = async () => {
    const { $metadata: _a, ...admin } = await sdk.send(new AdminGetUserAuthFactorsCommand({ UserPoolId, Username: username }))
    const { $metadata: _o, ...own } = await sdk.send(new GetUserAuthFactorsCommand({ AccessToken: accessToken }))
    t.same(own, admin, 'the user\'s own answer is the admin\'s')
    return admin
  }
  // (cognito-local's ConfirmSignUp leaves email_verified unset: the e-mail is verified here as an admin would.)
  t.same(await factors(), { Username: username, UserMFASettingList: [], ConfiguredUserAuthFactors: ['PASSWORD'] }, 'a password; no MFA')
  await sdk.send(new AdminUpdateUserAttributesCommand({
    UserPoolId, Username: username, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }, { Name: 'email_verified', Value: 'true' }]
  }))
  t.same(await factors(), { Username: username, UserMFASettingList: [], ConfiguredUserAuthFactors: ['PASSWORD', 'EMAIL_OTP'] },
    'a verified e-mail is a first factor too')

  const totpOn = { Enabled: true, PreferredMfa: true }
  await sdk.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId, Username: username, SoftwareTokenMfaSettings: totpOn }))
  t.same(await factors(), {
    Username: username,
    PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
    UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
    ConfiguredUserAuthFactors: ['PASSWORD', 'EMAIL_OTP']
  }, 'MFA on')

  await refused(t, sdk.send(new GetUserAuthFactorsCommand({ AccessToken: IdToken })), 'NotAuthorizedException', 'Invalid Access Token',
    'an ID token is not an access token')
  await refused(t, sdk.send(new AdminGetUserAuthFactorsCommand({ UserPoolId, Username: 'no-such-user' })),
    'UserNotFoundException', 'User does not exist.')
})

t.test('sign-in events, devices and identity links: what a pool without threat protection, devices or providers answers', async t => {
  const { username } = await confirmedUser('helpdesk')
  const user = { UserPoolId, Username: username }
  const noAddOn = 'Advanced security features are not enabled for this user pool.'
  await refused(t, sdk.send(new AdminListUserAuthEventsCommand(user)), 'UserPoolAddOnNotEnabledException', noAddOn)
  await refused(t, sdk.send(new AdminUpdateAuthEventFeedbackCommand({ ...user, EventId: 'evt-1', FeedbackValue: 'Invalid' })),
    'UserPoolAddOnNotEnabledException', noAddOn)
  const { $metadata: _, ...devices } = await sdk.send(new AdminListDevicesCommand(user))
  t.same(devices, { Devices: [] })
  await refused(t, sdk.send(new AdminForgetDeviceCommand({ ...user, DeviceKey: 'us-east-1_0a1b2c3d-4e5f' })),
    'ResourceNotFoundException', 'Device does not exist.')
  const noProvider = 'The local user pool has no such identity provider: local mode links no external identities.'
  await refused(t, sdk.send(new AdminLinkProviderForUserCommand({
    UserPoolId,
    DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
    SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '1234' }
  })), 'InvalidParameterException', noProvider)
  await refused(t, sdk.send(new AdminDisableProviderForUserCommand({
    UserPoolId, User: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '1234' }
  })), 'InvalidParameterException', noProvider)
  // An unknown user first, as Cognito checks the user before the add-on or the device.
  const nobody = { UserPoolId, Username: 'no-such-user' }
  await refused(t, sdk.send(new AdminListUserAuthEventsCommand(nobody)), 'UserNotFoundException', 'User does not exist.')
  await refused(t, sdk.send(new AdminListDevicesCommand(nobody)), 'UserNotFoundException', 'User does not exist.')
})
