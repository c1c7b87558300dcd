import { InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { CHALLENGE_SESSION_MS } from '../../src/guards/challenge-sessions.ts'
import { PASSWORD, startTestCognito } from '../helper.ts'
import { invitedUser, raw, refused, sdkFor } from '../emulator.ts'

const { local, config } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const TEMPORARY = 'Temp-Pass-123'
const INVALID = 'Invalid session for the user, session is expired.'

/** An invited user signed in with the temporary password: the NEW_PASSWORD_REQUIRED session. */
async function challenge (): Promise<{ username: string, session: string }> {
  const username = await invitedUser(sdk, UserPoolId, TEMPORARY)
  const out = await sdk.send(new InitiateAuthCommand({
    ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: TEMPORARY }
  }))
  if (out.ChallengeName !== 'NEW_PASSWORD_REQUIRED' || !out.Session) throw new Error('expected NEW_PASSWORD_REQUIRED')
  return { username, session: out.Session }
}

function answer (username: string, session: string, name: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' = 'NEW_PASSWORD_REQUIRED') {
  return sdk.send(new RespondToAuthChallengeCommand({
    ClientId,
    ChallengeName: name,
    Session: session,
    ChallengeResponses: name === 'NEW_PASSWORD_REQUIRED'
      ? { USERNAME: username, NEW_PASSWORD: PASSWORD }
      : { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: '123456' }
  }))
}

t.test('the emulator alone accepts a made-up session; local mode refuses it as Cognito does', async t => {
  const { username } = await challenge()
  const alone = await raw(local, 'RespondToAuthChallenge', {
    ClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'made-up', ChallengeResponses: { USERNAME: username, NEW_PASSWORD: PASSWORD }
  })
  t.match(alone, { AuthenticationResult: { AccessToken: String } }, 'cognito-local answered a session it never issued')

  const other = await challenge()
  await refused(t, answer(other.username, 'made-up'), 'NotAuthorizedException', INVALID, 'a made-up session')
  t.ok((await answer(other.username, other.session)).AuthenticationResult?.AccessToken, 'the issued session works')
})

t.test('a session is used up by the answer that succeeds', async t => {
  const { username, session } = await challenge()
  t.ok((await answer(username, session)).AuthenticationResult?.AccessToken)
  await refused(t, answer(username, session), 'NotAuthorizedException', INVALID, 'the same session again')
})

t.test('a session belongs to one user and one challenge', async t => {
  const alice = await challenge()
  const bob = await challenge()
  await refused(t, answer(bob.username, alice.session), 'NotAuthorizedException', INVALID, 'another user\'s session')
  await refused(t, answer(alice.username, alice.session, 'SOFTWARE_TOKEN_MFA'), 'NotAuthorizedException', INVALID, 'another challenge')
  t.ok((await answer(alice.username, alice.session)).AuthenticationResult?.AccessToken, 'the refusals did not use the session up')
})

t.test('a session expires after 3 minutes', async t => {
  const { username, session } = await challenge()
  const { clock } = local.emulator.services
  const real = clock.get.bind(clock)
  clock.get = () => new Date(real().getTime() + CHALLENGE_SESSION_MS + 1000)
  t.teardown(() => { clock.get = real })
  await refused(t, answer(username, session), 'NotAuthorizedException', INVALID, 'an expired session')
})
