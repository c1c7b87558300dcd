/**
 * What a sign-in step answers: signed in (the session service decides where
 * the tokens go), or the next challenge as data.
 */
import type { FastifyReply } from 'fastify'
import type { AuthResult } from '../../cognito/gateway.js'
import type { Delivery, SessionService } from '../../tokens/session.js'
import { fieldsFor } from './challenge-responses.js'

/** Challenge parameters a client may see (never SRP material or user attributes blobs). */
const PUBLIC_PARAMETERS = new Set([
  'CODE_DELIVERY_DELIVERY_MEDIUM',
  'CODE_DELIVERY_DESTINATION',
  'MFAS_CAN_CHOOSE',
  'MFAS_CAN_SETUP',
  'requiredAttributes'
])

export function signInAnswer (sessions: SessionService, reply: FastifyReply, result: AuthResult, username: string, delivery: Delivery) {
  return result.kind === 'challenge' ? challenge(sessions, result, username) : sessions.issue(reply, result.tokens, delivery)
}

function challenge (sessions: SessionService, result: Extract<AuthResult, { kind: 'challenge' }>, given: string) {
  const parameters = Object.fromEntries(Object.entries(result.parameters).filter(([key]) => PUBLIC_PARAMETERS.has(key)))
  const respondWith = fieldsFor(result.name)
  if (result.name === 'NEW_PASSWORD_REQUIRED' && parameters.requiredAttributes) {
    // Cognito lists them as ["userAttributes.given_name", ...].
    for (const name of JSON.parse(parameters.requiredAttributes) as string[]) respondWith.push(`attributes.${name.replace(/^userAttributes\./, '')}`)
  }
  // Cognito's own name for the user (an alias or e-mail login resolves to it): what the answer must name.
  const username = result.parameters.USER_ID_FOR_SRP ?? given
  return {
    status: 'challenge' as const,
    challenge: result.name,
    username,
    session: sessions.challenges.seal({ session: result.session ?? '', username, challenge: result.name }),
    respondWith,
    parameters
  }
}
