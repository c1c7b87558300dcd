import {
  AdminUserGlobalSignOutCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  UpdateUserAttributesCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { decodeJwt, withClaims } from '../../src/guards/jwt.ts'
import { PASSWORD, startTestCognito } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'
import { nextWholeSecond } from '../helper.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const getUser = (AccessToken: string | undefined) => sdk.send(new GetUserCommand({ AccessToken }))
const nextSecond = nextWholeSecond

/** The token with its payload changed and the signature kept (so no longer valid). */
function tampered (token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split('.')
  const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), ...claims })).toString('base64url')
  return `${header}.${payload}.${signature}`
}

t.test('issued tokens carry origin_jti: the jti of the refresh token they came with', async t => {
  const { username } = await confirmedUser('origin')
  const tokens = await login(sdk, ClientId, username, PASSWORD)
  const origin = decodeJwt(tokens.RefreshToken)?.jti
  t.match(origin, /^[\w-]{36}$/)
  t.equal(decodeJwt(tokens.AccessToken)?.origin_jti, origin)
  t.equal(decodeJwt(tokens.IdToken)?.origin_jti, origin)
  const refreshed = await sdk.send(new InitiateAuthCommand({
    ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! }
  }))
  t.equal(decodeJwt(refreshed.AuthenticationResult?.AccessToken)?.origin_jti, origin, 'a refresh keeps the origin')
})

t.test('the emulator alone takes any token it can decode; local mode checks it as Cognito does', async t => {
  const { username } = await confirmedUser('checked')
  const tokens = await login(sdk, ClientId, username, PASSWORD)
  const forged = tampered(tokens.AccessToken!, { username: 'demo' })
  t.match(await raw(local, 'GetUser', { AccessToken: forged }), { Username: username }, 'cognito-local answered a forged token')

  const invalid = 'Invalid Access Token'
  await refused(t, getUser(forged), 'NotAuthorizedException', invalid, 'a forged signature')
  await refused(t, getUser('not-a-jwt'), 'NotAuthorizedException', invalid, 'not a JWT')
  await refused(t, getUser(tokens.IdToken), 'NotAuthorizedException', invalid, 'an ID token')
  await refused(t, getUser(withClaims(tokens.AccessToken!, { iss: 'http://127.0.0.1:1/local_other' })), 'NotAuthorizedException', invalid,
    'another issuer')
  await refused(t, getUser(withClaims(tokens.AccessToken!, { exp: Math.floor(Date.now() / 1000) - 1 })), 'NotAuthorizedException',
    'Access Token has expired', 'an expired token')
  t.equal((await getUser(tokens.AccessToken)).Username, username, 'the token as issued works')
  await refused(t, sdk.send(new UpdateUserAttributesCommand({ AccessToken: forged, UserAttributes: [{ Name: 'given_name', Value: 'X' }] })),
    'NotAuthorizedException', invalid, 'every user-self operation is checked (UpdateUserAttributes)')
})

t.test('RevokeToken revokes the access tokens issued with and from that refresh token, and only those', async t => {
  const { username } = await confirmedUser('revoke')
  const first = await login(sdk, ClientId, username, PASSWORD)
  const second = await login(sdk, ClientId, username, PASSWORD)
  const refreshed = (await sdk.send(new InitiateAuthCommand({
    ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: first.RefreshToken! }
  }))).AuthenticationResult!
  await sdk.send(new RevokeTokenCommand({ ClientId, Token: first.RefreshToken }))

  const revoked = 'Access Token has been revoked'
  await refused(t, getUser(first.AccessToken), 'NotAuthorizedException', revoked, 'issued with the refresh token')
  await refused(t, getUser(refreshed.AccessToken), 'NotAuthorizedException', revoked, 'issued from it by a refresh')
  t.equal((await getUser(second.AccessToken)).Username, username, 'another session of the same user goes on')
})

t.test('GlobalSignOut and AdminUserGlobalSignOut revoke every token of the user', async t => {
  for (const how of ['GlobalSignOut', 'AdminUserGlobalSignOut'] as const) {
    const { username } = await confirmedUser('global')
    const a = await login(sdk, ClientId, username, PASSWORD)
    const b = await login(sdk, ClientId, username, PASSWORD)
    await nextSecond()
    if (how === 'GlobalSignOut') await sdk.send(new GlobalSignOutCommand({ AccessToken: a.AccessToken }))
    else await sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: username }))

    for (const [name, tokens] of [['a', a], ['b', b]] as const) {
      await refused(t, getUser(tokens.AccessToken), 'NotAuthorizedException', 'Access Token has been revoked', `${how}: access token ${name}`)
      await t.rejects(sdk.send(new InitiateAuthCommand({
        ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! }
      })), { name: 'NotAuthorizedException' }, `${how}: refresh token ${name}`)
    }
    const after = await login(sdk, ClientId, username, PASSWORD)
    t.equal((await getUser(after.AccessToken)).Username, username, `${how}: a sign-in afterwards works`)
  }
})
