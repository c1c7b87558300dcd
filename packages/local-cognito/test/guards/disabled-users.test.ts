import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminInitiateAuthCommand,
  GetUserCommand,
  InitiateAuthCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { PASSWORD, startTestCognito } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'
import { nextWholeSecond } from '../helper.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const DISABLED = 'User is disabled.'

/** Waits into the next second: tokens issued before a revocation then have an earlier `iat`. */
const nextSecond = nextWholeSecond

t.test('the emulator alone signs a disabled user in; local mode refuses every way in as Cognito does', async t => {
  const { username } = await confirmedUser('disabled')
  const before = await login(sdk, ClientId, username, PASSWORD)
  await nextSecond()
  await sdk.send(new AdminDisableUserCommand({ UserPoolId, Username: username }))

  const alone = await raw(local, 'InitiateAuth', { ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } })
  t.match(alone, { AuthenticationResult: { AccessToken: String } }, 'cognito-local signed the disabled user in')

  await refused(t, login(sdk, ClientId, username, PASSWORD), 'NotAuthorizedException', DISABLED, 'USER_PASSWORD_AUTH')
  await refused(t, sdk.send(new AdminInitiateAuthCommand({
    UserPoolId, ClientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD }
  })), 'NotAuthorizedException', DISABLED, 'ADMIN_USER_PASSWORD_AUTH')
  await refused(t, sdk.send(new InitiateAuthCommand({
    ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: before.RefreshToken! }
  })), 'NotAuthorizedException', DISABLED, 'REFRESH_TOKEN_AUTH')
  await refused(t, sdk.send(new AdminInitiateAuthCommand({
    UserPoolId, ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: before.RefreshToken! }
  })), 'NotAuthorizedException', DISABLED, 'AdminInitiateAuth REFRESH_TOKEN_AUTH')
  await refused(t, sdk.send(new GetUserCommand({ AccessToken: before.AccessToken })), 'NotAuthorizedException', 'Access Token has been revoked',
    'disabling revoked the access tokens it already had')

  const wrong = login(sdk, ClientId, username, 'Wrong-Password-1')
  const incorrect = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' }
  await t.rejects(wrong, incorrect, 'a wrong password does not learn that the user is disabled')

  await sdk.send(new AdminEnableUserCommand({ UserPoolId, Username: username }))
  const after = await login(sdk, ClientId, username, PASSWORD)
  t.ok((await sdk.send(new GetUserCommand({ AccessToken: after.AccessToken }))).Username, 'enabled again, the user signs in')
  await refused(t, sdk.send(new GetUserCommand({ AccessToken: before.AccessToken })), 'NotAuthorizedException', 'Access Token has been revoked',
    'enabling does not bring the revoked access tokens back')
})
