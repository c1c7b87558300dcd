/**
 * Pre sign-up trigger. `PreSignUp_ExternalProvider` (a social or federated account's first sign-in): when a
 * native user already has the same e-mail, verified, the provider's identity is linked to that user
 * (AdminLinkProviderForUser), so one person stays one user. The provider must have verified the e-mail itself
 * (the `email_verified` its attribute mapping gives), else the sign-in is refused: an unverified address
 * would let anyone claim someone else's account. `PreSignUp_SignUp` and `PreSignUp_AdminCreateUser` pass through.
 */
import { AdminLinkProviderForUserCommand, ListUsersCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider'
import type { PreSignUpTriggerEvent } from 'aws-lambda'
import { cognitoClient } from './cognito.ts'

/** Cognito's names for its social providers, as AdminLinkProviderForUser wants them; the user name's prefix may be lower-case. */
const SOCIAL = new Map(['Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple'].map(name => [name.toLowerCase(), name]))

export async function handler (event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  return preSignUp(event)
}

export async function preSignUp (event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  if (event.triggerSource !== 'PreSignUp_ExternalProvider') return event
  const { email, email_verified: verified } = event.request.userAttributes
  if (email === undefined || email === '' || verified?.toLowerCase() !== 'true') {
    throw new Error('Sign-in refused: the identity provider did not verify this e-mail address')
  }
  const source = providerIdentity(event.userName)
  const native = await nativeUsersWith(event.userPoolId, email)
  if (native.length > 1) {
    // Which one is this person? Linking to either could hand one person another's account: a separate user instead.
    console.warn(JSON.stringify({ msg: 'several native users have this e-mail; the external account is not linked', provider: source.provider }))
    return event
  }
  const target = native[0]
  if (target?.Username === undefined) return event
  await cognitoClient().send(new AdminLinkProviderForUserCommand({
    UserPoolId: event.userPoolId,
    DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: target.Username },
    SourceUser: { ProviderName: source.provider, ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: source.subject }
  }))
  return event
}

/** `<Provider>_<subject>`: the provider's name up to the first underscore (provider names have none past their second character). */
export function providerIdentity (userName: string): { provider: string, subject: string } {
  const at = userName.indexOf('_', 2)
  if (at < 0 || at === userName.length - 1) throw new Error('Sign-in refused: the external user name is not <provider>_<subject>')
  const prefix = userName.slice(0, at)
  return { provider: SOCIAL.get(prefix.toLowerCase()) ?? prefix, subject: userName.slice(at + 1) }
}

/** A ListUsers filter value: inside double quotes, a backslash and a quote are escaped. */
export function filterValue (text: string): string {
  return '"' + text.replace(/[\\"]/g, (c) => '\\' + c) + '"'
}

/** Native (not external) users whose e-mail is this one and verified. */
async function nativeUsersWith (userPoolId: string, email: string): Promise<UserType[]> {
  const answer = await cognitoClient().send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = ${filterValue(email)}`, Limit: 10 }))
  return (answer.Users ?? []).filter(user => {
    if (user.UserStatus === 'EXTERNAL_PROVIDER') return false
    const attribute = (name: string): string | undefined => user.Attributes?.find(a => a.Name === name)?.Value
    // Cognito's `=` filter is exact but case-sensitive as stored; compare the address again to be sure.
    return attribute('email')?.toLowerCase() === email.toLowerCase() && attribute('email_verified') === 'true'
  })
}
