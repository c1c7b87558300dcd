/**
 * What a successful sign-in or refresh answers: cookies for browsers, or the
 * tokens in the body for clients that asked for them. A challenge is data too.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AuthResult, Tokens } from '../../cognito/gateway.js'
import { jwtClaims, secondsLeft } from '../../tokens/cookies.js'
import { fieldsFor } from './challenge-responses.js'

export type Delivery = 'cookie' | 'body'

/** Challenge parameters a client may see (never SRP material or user attributes blobs). */
const PUBLIC_PARAMETERS = new Set(['CODE_DELIVERY_DELIVERY_MEDIUM', 'CODE_DELIVERY_DESTINATION', 'MFAS_CAN_CHOOSE', 'MFAS_CAN_SETUP', 'requiredAttributes'])

export function authenticated (fastify: FastifyInstance, reply: FastifyReply, tokens: Tokens, delivery: Delivery) {
  const claims = jwtClaims(tokens.accessToken) ?? {}
  const username = String(claims.username ?? claims.sub ?? '')
  const expiresIn = secondsLeft(tokens.accessToken)
  const exp = typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000) + expiresIn
  const body = {
    status: 'authenticated' as const,
    username,
    expiresAt: new Date(exp * 1000).toISOString()
  }
  if (delivery === 'body') {
    return { ...body, tokens: { ...tokens, tokenType: 'Bearer' as const, expiresIn } }
  }
  fastify.sessionCookies.set(reply, tokens, username)
  return body
}

/** A sign-in step's answer: signed in, or the next challenge. */
export function signInAnswer (fastify: FastifyInstance, reply: FastifyReply, result: AuthResult, username: string, delivery: Delivery) {
  return result.kind === 'challenge' ? challenge(result, username) : authenticated(fastify, reply, result.tokens, delivery)
}

function challenge (result: Extract<AuthResult, { kind: 'challenge' }>, username: string) {
  const parameters = Object.fromEntries(Object.entries(result.parameters).filter(([key]) => PUBLIC_PARAMETERS.has(key)))
  const respondWith = fieldsFor(result.name)
  if (result.name === 'NEW_PASSWORD_REQUIRED' && parameters.requiredAttributes) {
    // Cognito lists them as ["userAttributes.given_name", ...].
    for (const name of JSON.parse(parameters.requiredAttributes) as string[]) respondWith.push(`attributes.${name.replace(/^userAttributes\./, '')}`)
  }
  return {
    status: 'challenge' as const,
    challenge: result.name,
    username: result.parameters.USER_ID_FOR_SRP ?? username,
    session: result.session ?? '',
    respondWith,
    parameters
  }
}
