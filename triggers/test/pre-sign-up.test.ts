import t from 'tap'
import {
  AdminLinkProviderForUserCommand, CognitoIdentityProviderClient, ListUsersCommand, type UserType
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import { filterValue, preSignUp, providerIdentity } from '../src/pre-sign-up.ts'
import { POOL_ID, preSignUpEvent } from './events.ts'

// Cognito admin calls from a Lambda cannot run here: the SDK is mocked (aws-sdk-client-mock) for ListUsers and AdminLinkProviderForUser.
const cognito = mockClient(CognitoIdentityProviderClient)
t.beforeEach(() => { cognito.reset() })
t.teardown(() => { cognito.restore() })

const native = (username: string, email: string, verified: string, status = 'CONFIRMED'): UserType => ({
  Username: username,
  UserStatus: status as UserType['UserStatus'],
  Enabled: true,
  Attributes: [{ Name: 'sub', Value: `sub-${username}` }, { Name: 'email', Value: email }, { Name: 'email_verified', Value: verified }]
})
const google = (attributes: Record<string, string>) =>
  preSignUpEvent('PreSignUp_ExternalProvider', 'Google_109876543210', { 'cognito:email_alias': '', 'cognito:phone_number_alias': '', ...attributes })

t.test('mocked SDK: a verified Google e-mail matching a verified native user links the two', async (t) => {
  const users = [native('alice', 'alice@example.com', 'true'), native('Google_1', 'alice@example.com', 'true', 'EXTERNAL_PROVIDER')]
  cognito.on(ListUsersCommand).resolves({ Users: users })
  const event = google({ email: 'alice@example.com', email_verified: 'true' })
  t.equal(await preSignUp(event), event)
  const lists = cognito.commandCalls(ListUsersCommand).map(call => call.args[0].input)
  t.same(lists, [{ UserPoolId: POOL_ID, Filter: 'email = "alice@example.com"', Limit: 10 }])
  t.same(cognito.commandCalls(AdminLinkProviderForUserCommand).map(call => call.args[0].input), [{
    UserPoolId: POOL_ID,
    DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'alice' },
    SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '109876543210' }
  }])
})

t.test('mocked SDK: the provider did not verify the e-mail (or gave none): refused, nothing looked up', async (t) => {
  const refused: Array<Record<string, string>> = [
    { email: 'alice@example.com', email_verified: 'false' }, { email: 'alice@example.com' }, { email_verified: 'true' }
  ]
  for (const attributes of refused) {
    await t.rejects(preSignUp(google(attributes)), { message: /did not verify this e-mail/ }, JSON.stringify(attributes))
  }
  t.equal(cognito.commandCalls(ListUsersCommand).length, 0)
})

t.test('mocked SDK: no link to an unverified, external or ambiguous native user; a new user then', async (t) => {
  const cases: UserType[][] = [
    [],
    [native('alice', 'alice@example.com', 'false')],
    [native('Facebook_5', 'alice@example.com', 'true', 'EXTERNAL_PROVIDER')],
    [native('alice', 'alice@example.com', 'true'), native('alice2', 'alice@example.com', 'true')]
  ]
  const original = console.warn
  console.warn = () => {}
  t.teardown(() => { console.warn = original })
  for (const users of cases) {
    cognito.on(ListUsersCommand).resolves({ Users: users })
    await preSignUp(google({ email: 'alice@example.com', email_verified: 'true' }))
  }
  t.equal(cognito.commandCalls(ListUsersCommand).length, cases.length)
  t.equal(cognito.commandCalls(AdminLinkProviderForUserCommand).length, 0)
})

t.test('mocked SDK: PreSignUp_SignUp and PreSignUp_AdminCreateUser pass through unchanged', async (t) => {
  for (const source of ['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser'] as const) {
    const event = preSignUpEvent(source, 'bob', { email: 'bob@example.com' })
    const before = structuredClone(event)
    t.same(await preSignUp(event), before, source)
  }
  t.equal(cognito.calls().length, 0)
})

t.test('the ListUsers filter escapes quotes and backslashes; provider names as AdminLinkProviderForUser wants them', async (t) => {
  t.equal(filterValue('a"b\\c@x.com'), '"a\\"b\\\\c@x.com"')
  t.same(providerIdentity('google_1098'), { provider: 'Google', subject: '1098' })
  t.same(providerIdentity('SignInWithApple_000123.abc'), { provider: 'SignInWithApple', subject: '000123.abc' })
  t.same(providerIdentity('MyCorpOIDC_a_b'), { provider: 'MyCorpOIDC', subject: 'a_b' })
  t.throws(() => providerIdentity('nounderscore'))
})
