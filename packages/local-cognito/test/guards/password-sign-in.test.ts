import { AdminCreateUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { PASSWORD, startTestCognito, uniqueUsername } from '../helper.ts'
import { raw, refused, sdkFor } from '../emulator.ts'

const { local, config, confirmedUser, latestCode } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const INCORRECT = 'Incorrect username or password.'
const signIn = (username: string, password: string) => sdk.send(new InitiateAuthCommand({
  ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password }
}))

t.test('an invited user\'s first sign-in needs the temporary password: the emulator alone starts it for any password', async t => {
  const username = uniqueUsername('invited')
  const email = [{ Name: 'email', Value: `${username}@example.com` }]
  await sdk.send(new AdminCreateUserCommand({ UserPoolId, Username: username, DesiredDeliveryMediums: ['EMAIL'], UserAttributes: email }))
  const guess = { USERNAME: username, PASSWORD: 'Guess-1234!' }
  const alone = await raw(local, 'InitiateAuth', { ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: guess })
  t.match(alone, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: String }, 'cognito-local hands out the challenge for a guess')

  await refused(t, signIn(username, 'Guess-1234!'), 'NotAuthorizedException', INCORRECT, 'a guessed temporary password')
  t.match(await signIn(username, latestCode(username)), { ChallengeName: 'NEW_PASSWORD_REQUIRED' }, 'the real one starts the challenge')
})

t.test('a wrong password and an unknown user get Cognito\'s one answer, not a policy error or "User not authorized"', async t => {
  const { username } = await confirmedUser('signin')
  const wrong = { USERNAME: username, PASSWORD: 'Wrong-Pass-1' }
  await t.rejects(raw(local, 'InitiateAuth', { ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: wrong }),
    { code: 'InvalidPasswordException' }, 'the emulator alone calls a wrong password a policy error')
  await refused(t, signIn(username, 'Wrong-Pass-1'), 'NotAuthorizedException', INCORRECT, 'wrong password')
  await refused(t, signIn(uniqueUsername('ghost'), PASSWORD), 'NotAuthorizedException', INCORRECT, 'unknown user')
  t.match(await signIn(username, PASSWORD), { AuthenticationResult: { AccessToken: String } }, 'control: the right password')
})
