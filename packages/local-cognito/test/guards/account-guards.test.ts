/**
 * The guards of the user's own account operations: the current password of
 * ChangePassword, what GetUserAttributeVerificationCode sends and answers,
 * and which attributes DeleteUserAttributes may delete. Each shown against
 * the emulator alone (which accepts or answers otherwise) and through the layer.
 */
import {
  AddCustomAttributesCommand,
  ChangePasswordCommand,
  DeleteUserAttributesCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { pino } from 'pino'
import t from 'tap'
import { PASSWORD, startTestCognito } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
await sdk.send(new AddCustomAttributesCommand({ UserPoolId, CustomAttributes: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: false }] }))

t.test('ChangePassword with a wrong current password: NotAuthorizedException, as Cognito says it', async t => {
  const { username } = await confirmedUser('change')
  const { AccessToken } = await login(sdk, ClientId, username, PASSWORD)
  await t.rejects(raw(local, 'ChangePassword', { AccessToken, PreviousPassword: 'Wrong-Horse-1', ProposedPassword: 'Other-Horse-2' }),
    { code: 'InvalidPasswordException' }, 'cognito-local calls it an invalid (new) password')
  await refused(t, sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'Wrong-Horse-1', ProposedPassword: 'Other-Horse-2' })),
    'NotAuthorizedException', 'Incorrect username or password.')
  await sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'Other-Horse-2' }))
  t.ok((await login(sdk, ClientId, username, 'Other-Horse-2')).AccessToken, 'the right current password changes it')
})

t.test('GetUserAttributeVerificationCode sends for the attribute named and says where the code went', async t => {
  const { username } = await confirmedUser('verify')
  const { AccessToken } = await login(sdk, ClientId, username, PASSWORD)
  t.same(await raw(local, 'GetUserAttributeVerificationCode', { AccessToken, AttributeName: 'email' }), {}, 'cognito-local says nothing')
  const out = await sdk.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }))
  t.same(out.CodeDeliveryDetails, { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: `${username}@example.com` })
  await refused(t, sdk.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'phone_number' })),
    'InvalidParameterException', 'User has no phone_number to verify.')
  await refused(t, sdk.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'given_name' })),
    'InvalidParameterException', 'Invalid attribute name: given_name. Only email and phone_number can be verified.')
})

t.test('DeleteUserAttributes refuses required and immutable attributes; cognito-local deletes even sub', async t => {
  const { username } = await confirmedUser('delete')
  const alone = await login(sdk, ClientId, username, PASSWORD)
  t.same(await raw(local, 'DeleteUserAttributes', { AccessToken: alone.AccessToken, UserAttributeNames: ['sub'] }), {})
  const ctx = { logger: pino({ level: 'silent' }) as never }
  const pool = await local.emulator.services.cognito.getUserPool(ctx, UserPoolId)
  const gone = await pool.getUserByUsername(ctx, username)
  t.notOk(gone?.Attributes.some(a => a.Name === 'sub'), 'the emulator alone deleted sub')

  const { username: other } = await confirmedUser('delete')
  const { AccessToken } = await login(sdk, ClientId, other, PASSWORD)
  await refused(t, sdk.send(new DeleteUserAttributesCommand({ AccessToken, UserAttributeNames: ['sub'] })),
    'InvalidParameterException', 'user.sub: Required attribute cannot be deleted.')
  await refused(t, sdk.send(new DeleteUserAttributesCommand({ AccessToken, UserAttributeNames: ['custom:tenant'] })),
    'InvalidParameterException', 'user.custom:tenant: Attribute cannot be deleted. (deleting an immutable attribute)')
  await sdk.send(new DeleteUserAttributesCommand({ AccessToken, UserAttributeNames: ['email'] }))
  const user = await sdk.send(new GetUserCommand({ AccessToken }))
  t.notOk(user.UserAttributes?.some(a => a.Name === 'email'), 'an optional attribute is deleted')
  t.ok(user.UserAttributes?.some(a => a.Name === 'sub'), 'sub stays')
})
