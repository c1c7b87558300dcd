import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  DescribeUserPoolCommand,
  SignUpCommand,
  UpdateUserAttributesCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { PASSWORD, startTestCognito, uniqueUsername } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const undetermined = (name: string) => `Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`

t.test('the local pool defines the custom attributes the service uses', async t => {
  const pool = await sdk.send(new DescribeUserPoolCommand({ UserPoolId }))
  t.match(pool.UserPool?.SchemaAttributes?.find(a => a.Name === 'custom:plan'), { AttributeDataType: 'String', Mutable: true })
})

t.test('the emulator alone stores an undefined attribute; local mode refuses it on SignUp as AWS does', async t => {
  const attributes = [{ Name: 'email', Value: 'a@example.com' }, { Name: 'custom:nope', Value: 'x' }]
  const alone = await raw(local, 'SignUp', { ClientId, Username: uniqueUsername('attr'), Password: PASSWORD, UserAttributes: attributes })
  t.match(alone, { UserSub: String }, 'cognito-local accepted custom:nope')

  await refused(t, sdk.send(new SignUpCommand({ ClientId, Username: uniqueUsername('attr'), Password: PASSWORD, UserAttributes: attributes })),
    'InvalidParameterException', undetermined('custom:nope'))
  const fine = await sdk.send(new SignUpCommand({
    ClientId,
    Username: uniqueUsername('attr'),
    Password: PASSWORD,
    UserAttributes: [{ Name: 'email', Value: 'a@example.com' }, { Name: 'given_name', Value: 'A' }, { Name: 'custom:plan', Value: 'pro' }]
  }))
  t.match(fine, { UserSub: String }, 'standard attributes and the pool\'s custom ones are accepted')
})

t.test('AdminCreateUser is checked the same way', async t => {
  const Username = uniqueUsername('invite')
  const UserAttributes = [{ Name: 'email', Value: 'i@example.com' }, { Name: 'custom:tier', Value: 'gold' }]
  t.match(await raw(local, 'AdminCreateUser', { UserPoolId, Username, UserAttributes, MessageAction: 'SUPPRESS' }), { User: { Username } },
    'cognito-local accepted custom:tier')
  const again = { UserPoolId, Username: uniqueUsername('invite'), UserAttributes, MessageAction: 'SUPPRESS' } as const
  await refused(t, sdk.send(new AdminCreateUserCommand(again)),
    'InvalidParameterException', undetermined('custom:tier'))
})

t.test('updates answer with the message Cognito uses for them', async t => {
  const { username } = await confirmedUser('updater')
  const tokens = await login(sdk, ClientId, username, PASSWORD)
  const nope = [{ Name: 'custom:nope', Value: 'x' }]
  await refused(t, sdk.send(new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: nope })),
    'InvalidParameterException', 'user.custom:nope: Attribute does not exist in the schema.', 'UpdateUserAttributes')
  await refused(t, sdk.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username: username, UserAttributes: nope })),
    'InvalidParameterException', 'user.custom:nope: Attribute does not exist in the schema.', 'AdminUpdateUserAttributes')
  await sdk.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username: username, UserAttributes: [{ Name: 'custom:plan', Value: 'team' }] }))
  const user = await sdk.send(new AdminGetUserCommand({ UserPoolId, Username: username }))
  t.match(user.UserAttributes, [{ Name: 'custom:plan', Value: 'team' }])
})
