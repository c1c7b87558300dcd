import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { DEFAULT_PASSWORD_POLICY, policyViolation } from '../../src/guards/password-policy.ts'
import { PASSWORD, startTestCognito, uniqueUsername } from '../helper.ts'
import { invitedUser, login, raw, refused, sdkFor } from '../emulator.ts'

const { local, config, latestCode, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const policy = (rule: string) => `Password did not conform with policy: ${rule}`

t.test('Cognito\'s rules, the first broken one named', async t => {
  const cases: Array<[string, string | undefined]> = [
    ['Sh0rt!a', 'Password not long enough'],
    ['all-lower-case-1', 'Password must have uppercase characters'],
    ['ALL-UPPER-CASE-1', 'Password must have lowercase characters'],
    ['No-Numbers-Here', 'Password must have numeric characters'],
    ['NoSymbols123', 'Password must have symbol characters'],
    [' Spaced12 ', 'Password must have symbol characters'],
    ['Spaced 12x', undefined],
    ['Passw0rd!demo', undefined],
    [PASSWORD, undefined],
    ['New-Password-77', undefined]
  ]
  for (const [password, rule] of cases) t.equal(policyViolation(password, DEFAULT_PASSWORD_POLICY), rule, JSON.stringify(password))
  t.equal(policyViolation('abc', { MinimumLength: 3 }), undefined, 'a policy that asks for less asks for less')
})

t.test('the emulator alone stores any password; local mode refuses it on SignUp as AWS does', async t => {
  const username = uniqueUsername('weak')
  const email = [{ Name: 'email', Value: 'w@example.com' }]
  const alone = await raw(local, 'SignUp', { ClientId, Username: username, Password: 'weak', UserAttributes: email })
  t.match(alone, { UserSub: String }, 'cognito-local accepted "weak"')

  const signUp = (Password: string) => sdk.send(new SignUpCommand({
    ClientId, Username: uniqueUsername('weak'), Password, UserAttributes: [{ Name: 'email', Value: 'w@example.com' }]
  }))
  await refused(t, signUp('weak'), 'InvalidPasswordException', policy('Password not long enough'))
  await refused(t, signUp('lowercase-only-1'), 'InvalidPasswordException', policy('Password must have uppercase characters'))
  await refused(t, signUp('UPPERCASE-ONLY-1'), 'InvalidPasswordException', policy('Password must have lowercase characters'))
  await refused(t, signUp('No-Numbers-At-All'), 'InvalidPasswordException', policy('Password must have numeric characters'))
  await refused(t, signUp('NoSymbols1234'), 'InvalidPasswordException', policy('Password must have symbol characters'))
  t.match(await signUp(PASSWORD), { UserSub: String }, 'a compliant password is accepted')
})

t.test('every other way to set a password is checked too', async t => {
  const { username } = await confirmedUser('setter')

  await sdk.send(new ForgotPasswordCommand({ ClientId, Username: username }))
  const code = latestCode(username)
  await refused(t, sdk.send(new ConfirmForgotPasswordCommand({ ClientId, Username: username, ConfirmationCode: code, Password: 'short' })),
    'InvalidPasswordException', policy('Password not long enough'), 'ConfirmForgotPassword')
  await sdk.send(new ConfirmForgotPasswordCommand({ ClientId, Username: username, ConfirmationCode: code, Password: 'New-Password-77' }))

  const tokens = await login(sdk, ClientId, username, 'New-Password-77')
  const change = { AccessToken: tokens.AccessToken, PreviousPassword: 'New-Password-77', ProposedPassword: 'nosymbols1A' }
  await refused(t, sdk.send(new ChangePasswordCommand(change)),
    'InvalidPasswordException', policy('Password must have symbol characters'), 'ChangePassword')

  await refused(t, sdk.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: username, Password: 'password', Permanent: true })),
    'InvalidPasswordException', policy('Password must have uppercase characters'), 'AdminSetUserPassword')

  const invite = { UserPoolId, Username: uniqueUsername('invite'), TemporaryPassword: 'temp', MessageAction: 'SUPPRESS' } as const
  await refused(t, sdk.send(new AdminCreateUserCommand(invite)),
    'InvalidPasswordException', policy('Password not long enough'), 'AdminCreateUser TemporaryPassword')

  const invited = await invitedUser(sdk, UserPoolId, 'Temp-Pass-123')
  const challenge = await sdk.send(new InitiateAuthCommand({
    ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: invited, PASSWORD: 'Temp-Pass-123' }
  }))
  t.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED')
  const answer = (NEW_PASSWORD: string) => sdk.send(new RespondToAuthChallengeCommand({
    ClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session, ChallengeResponses: { USERNAME: invited, NEW_PASSWORD }
  }))
  await refused(t, answer('ALLCAPS-123'), 'InvalidPasswordException', policy('Password must have lowercase characters'), 'NEW_PASSWORD_REQUIRED')
  const done = await answer(PASSWORD)
  t.ok(done.AuthenticationResult?.AccessToken, 'a compliant new password answers the challenge (the session survived the refusal)')
})
