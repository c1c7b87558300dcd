/**
 * The app client's settings as Cognito keeps them: what UpdateUserPoolClient
 * sets, DescribeUserPoolClient answers (the fields cognito-local drops
 * included), and the layer follows (challenge-session lifetime, revocation).
 */
import {
  AdminSetUserPasswordCommand,
  DescribeUserPoolClientCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { PASSWORD, startTestCognito } from '../helper.ts'
import { invitedUser, login, refused, sdkFor } from '../emulator.ts'

const { local, config } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const TEMPORARY = 'Temp-Pass-123'

const update = (settings: object) => sdk.send(new UpdateUserPoolClientCommand({ UserPoolId, ClientId, ...settings }))

t.test('DescribeUserPoolClient answers the settings UpdateUserPoolClient set, those cognito-local drops included', async t => {
  await update({
    AuthSessionValidity: 10,
    RefreshTokenValidity: 2,
    AccessTokenValidity: 30,
    IdTokenValidity: 30,
    TokenValidityUnits: { RefreshToken: 'days', AccessToken: 'minutes', IdToken: 'minutes' },
    EnableTokenRevocation: true,
    ReadAttributes: ['email', 'name'],
    WriteAttributes: ['email'],
    EnablePropagateAdditionalUserContextData: true,
    PreventUserExistenceErrors: 'ENABLED',
    RefreshTokenRotation: { Feature: 'DISABLED' }
  })
  const { UserPoolClient } = await sdk.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }))
  t.match(UserPoolClient, {
    ClientId,
    AuthSessionValidity: 10,
    RefreshTokenValidity: 2,
    AccessTokenValidity: 30,
    IdTokenValidity: 30,
    TokenValidityUnits: { RefreshToken: 'days', AccessToken: 'minutes', IdToken: 'minutes' },
    EnableTokenRevocation: true,
    ReadAttributes: ['email', 'name'],
    WriteAttributes: ['email'],
    EnablePropagateAdditionalUserContextData: true,
    PreventUserExistenceErrors: 'ENABLED',
    RefreshTokenRotation: { Feature: 'DISABLED' }
  })
})

t.test('GetUserPoolMfaConfig answers what SetUserPoolMfaConfig set', async t => {
  await sdk.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }))
  t.match(await sdk.send(new GetUserPoolMfaConfigCommand({ UserPoolId })), { MfaConfiguration: 'ON' })
  await sdk.send(new SetUserPoolMfaConfigCommand({ UserPoolId, MfaConfiguration: 'OFF' }))
  t.match(await sdk.send(new GetUserPoolMfaConfigCommand({ UserPoolId })), { MfaConfiguration: 'OFF' })
})

t.test('a challenge session lives as long as the client\'s AuthSessionValidity', async t => {
  await update({ AuthSessionValidity: 10 })
  const { clock } = local.emulator.services
  const real = clock.get.bind(clock)
  t.teardown(() => { clock.get = real })
  const challenge = async (): Promise<{ username: string, session: string }> => {
    const username = await invitedUser(sdk, UserPoolId, TEMPORARY)
    const out = await sdk.send(new InitiateAuthCommand({
      ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: TEMPORARY }
    }))
    return { username, session: out.Session ?? '' }
  }
  const answer = ({ username, session }: { username: string, session: string }) => sdk.send(new RespondToAuthChallengeCommand({
    ClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeResponses: { USERNAME: username, NEW_PASSWORD: PASSWORD }
  }))
  const fresh = await challenge()
  const stale = await challenge()
  clock.get = () => new Date(real().getTime() + 5 * 60 * 1000)
  t.ok((await answer(fresh)).AuthenticationResult?.AccessToken, 'still valid after 5 minutes (Cognito\'s default would have ended it)')
  clock.get = () => new Date(real().getTime() + 10 * 60 * 1000 + 1000)
  await refused(t, answer(stale), 'NotAuthorizedException', 'Invalid session for the user, session is expired.', 'ended after 10 minutes')
})

t.test('RevokeToken on a client without token revocation: UnsupportedOperationException, as Cognito answers', async t => {
  const username = await invitedUser(sdk, UserPoolId, TEMPORARY)
  await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: username, Password: PASSWORD, Permanent: true }))
  const tokens = await login(sdk, ClientId, username, PASSWORD)
  await update({ EnableTokenRevocation: false })
  t.teardown(() => update({ EnableTokenRevocation: true }))
  await refused(t, sdk.send(new RevokeTokenCommand({ ClientId, Token: tokens.RefreshToken })), 'UnsupportedOperationException',
    'Token revocation is not enabled for this app client.', 'revocation off')
  await update({ EnableTokenRevocation: true })
  await sdk.send(new RevokeTokenCommand({ ClientId, Token: tokens.RefreshToken }))
  t.pass('revoked once revocation is on')
})
