import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  ConfirmSignUpCommand,
  DescribeUserPoolClientCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { secretHash } from '../../src/guards/secret-hash.ts'
import { PASSWORD, startTestCognito, uniqueUsername } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'

const { local, config, latestCode, confirmedUser } = await startTestCognito(t, { clientSecret: true })
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const secret = config.pool.clientSecret!
const notReceived = `Client ${ClientId} is configured with secret but SECRET_HASH was not received`
const unverified = `Unable to verify secret hash for client ${ClientId}`

t.test('LOCAL_CLIENT_SECRET=true: the local app client has a secret, and the config and state.json carry it', async t => {
  t.match(secret, /^\w{16,}$/)
  const described = await sdk.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }))
  t.equal(described.UserPoolClient?.ClientSecret, secret)
  const state = JSON.parse(await readFile(join(config.local.dataDir, 'state.json'), 'utf8'))
  t.equal(state.clientSecret, secret)
})

t.test('the emulator alone takes no hash at all; local mode refuses a missing or wrong one as Cognito does', async t => {
  const attributes = [{ Name: 'email', Value: 's@example.com' }]
  const alone = await raw(local, 'SignUp', { ClientId, Username: uniqueUsername('nohash'), Password: PASSWORD, UserAttributes: attributes })
  t.match(alone, { UserSub: String }, 'cognito-local accepted a sign-up without SECRET_HASH')

  const username = uniqueUsername('hash')
  const signUp = { ClientId, Username: username, Password: PASSWORD, UserAttributes: attributes }
  await refused(t, sdk.send(new SignUpCommand(signUp)), 'NotAuthorizedException', notReceived, 'SignUp without SECRET_HASH')
  await refused(t, sdk.send(new SignUpCommand({ ...signUp, SecretHash: 'd3Jvbmc=' })),
    'NotAuthorizedException', unverified, 'SignUp with a wrong SECRET_HASH')
  await refused(t, sdk.send(new SignUpCommand({ ...signUp, SecretHash: secretHash('someone-else', ClientId, secret) })),
    'NotAuthorizedException', unverified, 'SignUp with the hash of another username')
  await sdk.send(new SignUpCommand({ ...signUp, SecretHash: secretHash(username, ClientId, secret) }))
  await refused(t, sdk.send(new ConfirmSignUpCommand({ ClientId, Username: username, ConfirmationCode: latestCode(username) })),
    'NotAuthorizedException', notReceived, 'ConfirmSignUp')
  const wrongKey = secretHash(username, ClientId, 'not-the-secret')
  await refused(t, sdk.send(new ForgotPasswordCommand({ ClientId, Username: username, SecretHash: wrongKey })),
    'NotAuthorizedException', unverified, 'ForgotPassword')
})

t.test('sign-in, refresh and revocation need the secret too', async t => {
  const { username } = await confirmedUser('signin')
  await refused(t, login(sdk, ClientId, username, PASSWORD), 'NotAuthorizedException', notReceived, 'InitiateAuth without SECRET_HASH')
  const auth = (SECRET_HASH: string) => sdk.send(new InitiateAuthCommand({
    ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD, SECRET_HASH }
  }))
  await refused(t, auth(secretHash(username, ClientId, 'wrong')), 'NotAuthorizedException', unverified, 'InitiateAuth with a wrong SECRET_HASH')
  const tokens = (await auth(secretHash(username, ClientId, secret))).AuthenticationResult!

  const refresh = (params: Record<string, string>) => sdk.send(new InitiateAuthCommand({
    ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken!, ...params }
  }))
  await refused(t, refresh({}), 'NotAuthorizedException', `Client ${ClientId} is configured for secret but secret was not received`,
    'REFRESH_TOKEN_AUTH without SECRET_HASH')
  await refused(t, refresh({ SECRET_HASH: secretHash('demo', ClientId, secret) }), 'NotAuthorizedException', unverified,
    'REFRESH_TOKEN_AUTH hashed over another user')
  t.ok((await refresh({ SECRET_HASH: secretHash(username, ClientId, secret) })).AuthenticationResult?.AccessToken,
    'REFRESH_TOKEN_AUTH hashed over the token\'s user')

  await refused(t, sdk.send(new RevokeTokenCommand({ ClientId, Token: tokens.RefreshToken })), 'NotAuthorizedException',
    `Client ${ClientId} is configured for secret but secret was not received`, 'RevokeToken without ClientSecret')
  await refused(t, sdk.send(new RevokeTokenCommand({ ClientId, Token: tokens.RefreshToken, ClientSecret: 'wrongwrongwrongwrongwrong' })),
    'NotAuthorizedException', `Unable to verify client secret for client ${ClientId}`, 'RevokeToken with a wrong ClientSecret')
  await sdk.send(new RevokeTokenCommand({ ClientId, Token: tokens.RefreshToken, ClientSecret: secret }))
  await refused(t, refresh({ SECRET_HASH: secretHash(username, ClientId, secret) }), 'NotAuthorizedException', 'User not authorized',
    'the revoked refresh token is dead')
})

t.test('a client without a secret ignores a SECRET_HASH (permissive, as documented for local mode)', async t => {
  const plain = await startTestCognito(t)
  const plainSdk = sdkFor(t, plain.local)
  const { username } = await plain.confirmedUser('plain')
  const out = await plainSdk.send(new InitiateAuthCommand({
    ClientId: plain.config.pool.clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD, SECRET_HASH: 'anything' }
  }))
  t.ok(out.AuthenticationResult?.AccessToken)
  t.equal(plain.config.pool.clientSecret, undefined)
})
