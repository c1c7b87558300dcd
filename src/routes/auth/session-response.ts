/**
 * What a sign-in step answers: signed in (the session service decides where
 * the tokens go), or the next challenge as data.
 */
import type { FastifyReply } from 'fastify'
import type { AuthResult } from '../../cognito/gateway.js'
import type { Sessions } from '../../plugins/sessions.js'
import type { Delivery } from '../../session/session.js'
import type { TotpSetup } from '../../schemas/mfa.js'
import { fieldsFor, mfaChoices } from './challenge-responses.js'

/** Challenge parameters a client may see (never SRP material or user attributes blobs). */
const PUBLIC_PARAMETERS = new Set([
  'CODE_DELIVERY_DELIVERY_MEDIUM',
  'CODE_DELIVERY_DESTINATION',
  // WEB_AUTHN: the options for navigator.credentials.get() (challenge, allowed credentials): public by design.
  'CREDENTIAL_REQUEST_OPTIONS',
  'MFAS_CAN_CHOOSE',
  'MFAS_CAN_SETUP',
  'requiredAttributes'
])

/** `setup`: MFA_SETUP's enrolment (routes/auth/mfa-setup.ts), answered with the challenge. */
export function signInAnswer (
  sessions: Sessions, reply: FastifyReply, result: AuthResult, username: string, delivery: Delivery, setup?: TotpSetup
) {
  return result.kind === 'challenge' ? challenge(sessions, result, username, setup) : sessions.issue(reply, result.tokens, delivery)
}

function challenge (sessions: Sessions, result: Extract<AuthResult, { kind: 'challenge' }>, given: string, setup?: TotpSetup) {
  const parameters = Object.fromEntries(Object.entries(result.parameters).filter(([key]) => PUBLIC_PARAMETERS.has(key)))
  const respondWith = setup === undefined ? fieldsFor(result.name) : ['code']
  if (result.name === 'NEW_PASSWORD_REQUIRED' && parameters.requiredAttributes) {
    // Cognito lists them as ["userAttributes.given_name", ...].
    for (const name of JSON.parse(parameters.requiredAttributes) as string[]) respondWith.push(`attributes.${name.replace(/^userAttributes\./, '')}`)
  }
  // Cognito's own name for the user (an alias or e-mail login resolves to it): what the answer must name.
  const username = result.parameters.USER_ID_FOR_SRP ?? given
  const mfaTypes = result.name === 'SELECT_MFA_TYPE' ? mfaChoices(result.parameters) : undefined
  return {
    status: 'challenge' as const,
    challenge: result.name,
    username,
    session: sessions.challenges.seal({ session: result.session ?? '', username, challenge: result.name, offered: mfaTypes }),
    respondWith,
    parameters,
    ...(result.available === undefined ? {} : { availableChallenges: result.available }),
    ...(mfaTypes === undefined ? {} : { mfaTypes }),
    ...(setup === undefined ? {} : { setup })
  }
}
