/** GlobalSignOut, which cognito-local lacks, answered by the local layer as Cognito does. */
import { GetUserCommand, GlobalSignOutCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider'
import { UnsupportedError } from 'cognito-local/lib/errors.js'
import t from 'tap'
import { withClaims } from '../../src/guards/jwt.ts'
import { PASSWORD, startTestCognito } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId } = config.pool

t.test('the emulator alone does not have GlobalSignOut', async t => {
  const { username } = await confirmedUser('alone')
  const tokens = await login(sdk, ClientId, username, PASSWORD)
  const err = await raw(local, 'GlobalSignOut', { AccessToken: tokens.AccessToken }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof UnsupportedError, 'cognito-local answers Unsupported (HTTP 500 CognitoLocal#Unsupported)')
})

t.test('GlobalSignOut ends every session: each device\'s access token and refresh token stop working', async t => {
  const { username } = await confirmedUser('global')
  const phone = await login(sdk, ClientId, username, PASSWORD)
  const laptop = await login(sdk, ClientId, username, PASSWORD)
  const out = await sdk.send(new GlobalSignOutCommand({ AccessToken: laptop.AccessToken }))
  t.equal(out.$metadata.httpStatusCode, 200, 'answered')
  for (const [device, tokens] of [['phone', phone], ['laptop', laptop]] as const) {
    await refused(t, sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
      'NotAuthorizedException', 'Access Token has been revoked', `${device}: access token`)
    // (cognito-local's wording for a refresh token it no longer has; Cognito's is "Refresh Token has been revoked")
    await t.rejects(sdk.send(new InitiateAuthCommand({
      ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! }
    })), { name: 'NotAuthorizedException' }, `${device}: refresh token`)
  }
  const again = await login(sdk, ClientId, username, PASSWORD)
  t.ok(again.AccessToken, 'signing in again works')
})

t.test('GlobalSignOut checks the access token first, as Cognito does', async t => {
  const { username } = await confirmedUser('checked')
  const tokens = await login(sdk, ClientId, username, PASSWORD)
  const forged = withClaims(tokens.AccessToken!, {}).replace(/\.[^.]+$/, '.AAAA')
  await refused(t, sdk.send(new GlobalSignOutCommand({ AccessToken: forged })), 'NotAuthorizedException', 'Invalid Access Token')
  await refused(t, sdk.send(new GlobalSignOutCommand({ AccessToken: tokens.IdToken })), 'NotAuthorizedException', 'Invalid Access Token')
  t.ok((await sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).Username, 'a refused sign-out signs nobody out')
})
