/**
 * The local layer's admin parts, asked through the SDK as AWS would be:
 * invitations (a policy-conforming temporary password, RESEND),
 * pagination of the list operations, AdminResetUserPassword and
 * AdminUserGlobalSignOut, each compared with what cognito-local alone does.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  GetUserCommand,
  ListUsersCommand,
  ListUsersInGroupCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { PASSWORD, startTestCognito, uniqueUsername } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool

async function invited (attributes = [{ Name: 'email', Value: 'x@example.com' }]) {
  const Username = uniqueUsername('inv')
  await sdk.send(new AdminCreateUserCommand({ UserPoolId, Username, UserAttributes: attributes, DesiredDeliveryMediums: ['EMAIL'] }))
  return Username
}

t.test('AdminCreateUser: a generated temporary password meets the policy; RESEND sends a new one, only to invited users', async t => {
  const Username = await invited()
  const first = local.outbox.list(Username)[0]!.code
  t.match(first, /^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z\d]).{8,}$/)

  const alone = raw(local, 'AdminCreateUser', { UserPoolId, Username, MessageAction: 'RESEND' })
  await t.rejects(alone, { message: 'AdminCreateUser with MessageAction=RESEND' }, 'cognito-local alone cannot resend')
  const out = await sdk.send(new AdminCreateUserCommand({ UserPoolId, Username, MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] }))
  t.equal(out.User?.UserStatus, 'FORCE_CHANGE_PASSWORD')
  const second = local.outbox.list(Username)[0]!.code
  t.not(second, first, 'a new temporary password')
  t.equal(local.outbox.list(Username)[0]!.kind, 'AdminCreateUser')

  await refused(t, sdk.send(new AdminCreateUserCommand({ UserPoolId, Username: 'nobody-at-all', MessageAction: 'RESEND' })),
    'UserNotFoundException', 'User does not exist.')
  const { username } = await confirmedUser('conf')
  await refused(t, sdk.send(new AdminCreateUserCommand({ UserPoolId, Username: username, MessageAction: 'RESEND' })),
    'UnsupportedUserStateException', `Resend not possible. ${username} status is not FORCE_CHANGE_PASSWORD.`)
  const noPhone = await invited()
  const bySms = new AdminCreateUserCommand({ UserPoolId, Username: noPhone, MessageAction: 'RESEND', DesiredDeliveryMediums: ['SMS'] })
  await refused(t, sdk.send(bySms), 'InvalidParameterException', 'User has no attribute matching desired delivery mediums')
})

t.test('ListUsers and ListUsersInGroup page with Limit and an opaque token', async t => {
  const prefix = uniqueUsername('pg')
  for (const n of [1, 2, 3]) await sdk.send(new AdminCreateUserCommand({ UserPoolId, Username: `${prefix}n${n}`, MessageAction: 'SUPPRESS' }))
  const Filter = `username ^= "${prefix}"`
  const alone = await raw(local, 'ListUsers', { UserPoolId, Filter, Limit: 1 }) as { Users: unknown[] }
  t.equal(alone.Users.length, 3, 'cognito-local alone ignores Limit')
  const first = await sdk.send(new ListUsersCommand({ UserPoolId, Filter, Limit: 2 }))
  t.same(first.Users?.map(u => u.Username), [`${prefix}n1`, `${prefix}n2`])
  t.type(first.PaginationToken, 'string')
  const second = await sdk.send(new ListUsersCommand({ UserPoolId, Filter, Limit: 2, PaginationToken: first.PaginationToken }))
  t.same(second.Users?.map(u => u.Username), [`${prefix}n3`])
  t.equal(second.PaginationToken, undefined)
  await refused(t, sdk.send(new ListUsersCommand({ UserPoolId, PaginationToken: 'garbage' })), 'InvalidParameterException',
    'Invalid pagination token.')
  // A token from another operation is not this one's.
  const groups = await sdk.send(new ListUsersInGroupCommand({ UserPoolId, GroupName: local.demoAdmin.group, Limit: 1 }))
  t.same(groups.Users?.map(u => u.Username), ['admin'])
  await refused(t, sdk.send(new ListUsersInGroupCommand({ UserPoolId, GroupName: local.demoAdmin.group, NextToken: first.PaginationToken })),
    'InvalidParameterException', 'Invalid pagination token.')
})

t.test('AdminResetUserPassword: RESET_REQUIRED and a code to the verified contact; refused without one', async t => {
  const { username } = await confirmedUser('reset')
  const verified = [{ Name: 'email', Value: `${username}@example.com` }, { Name: 'email_verified', Value: 'true' }]
  await sdk.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username: username, UserAttributes: verified }))
  await sdk.send(new AdminResetUserPasswordCommand({ UserPoolId, Username: username }))
  const user = await sdk.send(new AdminGetUserCommand({ UserPoolId, Username: username }))
  t.equal(user.UserStatus, 'RESET_REQUIRED')
  t.match(local.outbox.list(username)[0], { kind: 'ForgotPassword', medium: 'EMAIL', destination: `${username}@example.com` })
  await t.rejects(login(sdk, ClientId, username, PASSWORD), { name: 'PasswordResetRequiredException' }, 'the password no longer signs in')

  const unverified = await invited()
  await refused(t, sdk.send(new AdminResetUserPasswordCommand({ UserPoolId, Username: unverified })), 'InvalidParameterException',
    'Cannot reset password for the user as there is no registered/verified email or phone_number')
  await refused(t, sdk.send(new AdminResetUserPasswordCommand({ UserPoolId, Username: 'nobody-at-all' })), 'UserNotFoundException',
    'User does not exist.')
})

t.test('AdminUserGlobalSignOut: access tokens revoked, refresh tokens dead', async t => {
  const { username } = await confirmedUser('gso')
  const tokens = await login(sdk, ClientId, username, PASSWORD)
  await sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: username }))
  await refused(t, sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })), 'NotAuthorizedException', 'Access Token has been revoked')
  await refused(t, sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: 'nobody-at-all' })), 'UserNotFoundException',
    'User does not exist.')
})
