/**
 * Sign-in as steps for a UI: `signIn` (and `continueSignIn` with the answer a
 * step asks for) turn the service's `status: 'challenge'` answers into the next
 * thing to show, until `{ step: 'done' }`.
 */
import type { BffClient } from './client.js'
import { unwrap } from './problem.js'
import type { paths } from './schema.js'
type LoginBody = NonNullable<paths['/auth/login']['post']['requestBody']>['content']['application/json']
type ChallengeBody = NonNullable<paths['/auth/challenge']['post']['requestBody']>['content']['application/json']
type LoginAnswer = paths['/auth/login']['post']['responses']['200']['content']['application/json']
type Challenge = Extract<LoginAnswer, { status: 'challenge' }>
type Authenticated = Extract<LoginAnswer, { status: 'authenticated' }>

/** What the next answer goes with: keep it and hand it back to continueSignIn. */
export interface ChallengeContext {
  name: string
  username: string
  session: string
}

export type SignInStep =
  | { step: 'done', username: string, expiresAt: string, tokens?: Authenticated['tokens'] }
  | { step: 'newPassword', challenge: ChallengeContext, requiredAttributes: string[] }
  | { step: 'totp', challenge: ChallengeContext }
  | { step: 'smsCode' | 'emailCode', challenge: ChallengeContext, destination: string | undefined }
  | { step: 'selectMfaType', challenge: ChallengeContext, options: string[] }
  | { step: 'selectChallenge', challenge: ChallengeContext, options: string[] }
  | { step: 'mfaSetup', challenge: ChallengeContext, setup: Challenge['setup'] }
  | { step: 'passkey', challenge: ChallengeContext, options: string | undefined }
  | { step: 'customChallenge', challenge: ChallengeContext, parameters: Record<string, string> }
  /** A challenge this service cannot answer (respondWith is empty): the UI says so. */
  | { step: 'unsupported', challenge: ChallengeContext }

/** The answer fields of POST /auth/challenge, without what the step already holds. */
export type ChallengeAnswer = Omit<ChallengeBody, 'username' | 'challenge' | 'session' | 'tokenDelivery'>

const CODE_STEPS: Record<string, 'totp' | 'smsCode' | 'emailCode'> = {
  SOFTWARE_TOKEN_MFA: 'totp', SMS_MFA: 'smsCode', SMS_OTP: 'smsCode', EMAIL_OTP: 'emailCode'
}

/** The step a login or challenge answer leads to. */
export function stepOf (answer: LoginAnswer): SignInStep {
  if (answer.status === 'authenticated') {
    return { step: 'done', username: answer.username, expiresAt: answer.expiresAt, tokens: answer.tokens }
  }
  const challenge = { name: answer.challenge, username: answer.username, session: answer.session }
  const code = CODE_STEPS[answer.challenge]
  if (answer.respondWith.length === 0) return { step: 'unsupported', challenge }
  if (code === 'totp') return { step: code, challenge }
  if (code) return { step: code, challenge, destination: answer.parameters.CODE_DELIVERY_DESTINATION }
  switch (answer.challenge) {
    case 'NEW_PASSWORD_REQUIRED':
      return {
        step: 'newPassword',
        challenge,
        requiredAttributes: answer.respondWith.filter(f => f.startsWith('attributes.')).map(f => f.slice('attributes.'.length))
      }
    case 'SELECT_MFA_TYPE': return { step: 'selectMfaType', challenge, options: answer.mfaTypes ?? [] }
    case 'SELECT_CHALLENGE': return { step: 'selectChallenge', challenge, options: answer.availableChallenges ?? [] }
    case 'MFA_SETUP': return { step: 'mfaSetup', challenge, setup: answer.setup }
    case 'WEB_AUTHN': return { step: 'passkey', challenge, options: answer.parameters.CREDENTIAL_REQUEST_OPTIONS }
    case 'CUSTOM_CHALLENGE': return { step: 'customChallenge', challenge, parameters: answer.parameters }
    default: return { step: 'unsupported', challenge }
  }
}

/**
 * What signIn takes: a username and password; or, with LOGIN_FLOW=USER_AUTH (choice-based sign-in, which the contract
 * describes in words, its body typed for the password flow), the password optional and the first factor named:
 * `{ username, preferredChallenge: 'WEB_AUTHN' }` leads to the `passkey` step, a username alone to `selectChallenge`.
 */
export type SignInInput = Omit<LoginBody, 'tokenDelivery' | 'password'> & {
  password?: string
  preferredChallenge?: 'PASSWORD' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN'
}

/** POST /auth/login; the first step. Wrong credentials and the like throw a ProblemError (INVALID_CREDENTIALS...). */
export async function signIn (client: BffClient, body: SignInInput): Promise<SignInStep> {
  const tokenDelivery = client.tokens
  return stepOf(await unwrap(client.api.POST('/auth/login', { body: { ...body, tokenDelivery } as LoginBody })))
}

/** POST /auth/challenge with the answer the step asked for; the next step. */
export async function continueSignIn (
  client: BffClient, step: { challenge: ChallengeContext }, answer: ChallengeAnswer
): Promise<SignInStep> {
  const { name, username, session } = step.challenge
  const body = { ...answer, username, challenge: name, session, tokenDelivery: client.tokens } as ChallengeBody
  return stepOf(await unwrap(client.api.POST('/auth/challenge', { body })) as LoginAnswer)
}

/** POST /auth/logout: the session ends at the service and here. */
export async function signOut (client: BffClient): Promise<void> {
  const refreshToken = (await client.storedTokens())?.refreshToken
  await unwrap(client.api.POST('/auth/logout', { body: refreshToken === undefined ? {} : { refreshToken } }))
  await client.forget()
}
