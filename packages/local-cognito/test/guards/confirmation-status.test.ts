import { ConfirmSignUpCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { startTestCognito, uniqueUsername } from '../helper.ts'
import { raw, refused, sdkFor } from '../emulator.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const ClientId = config.pool.clientId

t.test('confirming a confirmed user or an unknown one: Cognito\'s exceptions, not the emulator\'s', async t => {
  const { username } = await confirmedUser('confirmed')
  await t.rejects(raw(local, 'ConfirmSignUp', { ClientId, Username: username, ConfirmationCode: '123456' }), { code: 'ExpiredCodeException' },
    'the emulator alone says the code expired')
  await refused(t, sdk.send(new ConfirmSignUpCommand({ ClientId, Username: username, ConfirmationCode: '123456' })),
    'NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED')
  await refused(t, sdk.send(new ConfirmSignUpCommand({ ClientId, Username: uniqueUsername('ghost'), ConfirmationCode: '123456' })),
    'UserNotFoundException', 'Username/client id combination not found.')
})
