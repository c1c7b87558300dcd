import { ConfirmSignUpCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { buildTestApp, expectProblem, uniqueUsername } from '../../helper.js'
import { raw, refused, sdkFor } from './emulator.js'

const { app, local, config, confirmedUser } = await buildTestApp(t)
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

  // Through the service both read as a wrong code: confirmation tells nobody which accounts exist.
  const known = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username, code: '123456' } })
  const unknown = await app.inject({ method: 'POST', url: '/auth/signup/confirm', payload: { username: uniqueUsername('ghost'), code: '123456' } })
  expectProblem(t, known, 'CODE_MISMATCH')
  expectProblem(t, unknown, 'CODE_MISMATCH')
})
