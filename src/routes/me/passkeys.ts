/**
 * The signed-in user's passkeys (WebAuthn): registration in two steps (the
 * browser's navigator.credentials.create() in between), the list, and
 * removal. Registered inside the /me scope: requireUser and the
 * aws.cognito.signin.user.admin scope have run. Local mode does not support
 * passkeys (PASSKEYS_NOT_AVAILABLE).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  PasskeyCompleteBodySchema,
  PasskeyListSchema,
  PasskeyParamsSchema,
  PasskeyStartResponseSchema
} from '../../schemas/passkeys.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, problems, QUERY_REFUSALS } from '../../schemas/problem.js'
import { empty, json } from '../../schemas/responses.js'
import { signedIn } from '../../plugins/authenticate.js'

const tags = ['me']

/** What every passkey route can answer: the guard's refusals, Cognito's account state, and a pool without passkeys. */
const PASSKEY_ROUTE = [
  ...COGNITO_FAILURES, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'INSUFFICIENT_SCOPE', 'PASSWORD_RESET_REQUIRED', 'INVALID_PARAMETER',
  'TOO_MANY_ATTEMPTS', 'PASSKEYS_NOT_AVAILABLE'
] as const
const OPTIONS = {
  notes: {
    TOKEN_INVALID: 'Refused by this service (with WWW-Authenticate), or by Cognito (revoked there).',
    PASSKEYS_NOT_AVAILABLE: 'The pool does not have passkeys turned on; local mode never does.'
  },
  headers: { 401: ['WwwAuthenticate' as const], 403: ['WwwAuthenticate' as const] }
}

const passkeys: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito } = fastify

  fastify.post('/me/passkeys/start', {
    schema: {
      tags,
      operationId: 'startPasskeyRegistration',
      summary: 'Start registering a passkey',
      description: 'Answers the options for navigator.credentials.create() as Cognito made them (StartWebAuthnRegistration). ' +
        'Send the credential the browser makes to POST /me/passkeys/complete within Cognito\'s time limit.',
      response: {
        200: json(PasskeyStartResponseSchema, { description: 'The credential creation options.' }),
        // No body is needed, but one sent is parsed: a malformed or non-JSON one is refused.
        ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...PASSKEY_ROUTE], OPTIONS)
      }
    }
  }, async (request) => {
    const options = await cognito.startPasskeyRegistration(signedIn(request).accessToken)
    return { credentialCreationOptions: (options ?? {}) as Record<string, unknown> }
  })

  fastify.post('/me/passkeys/complete', {
    schema: {
      tags,
      operationId: 'completePasskeyRegistration',
      summary: 'Finish registering a passkey',
      description: 'Sends the credential from navigator.credentials.create() to Cognito unchanged (CompleteWebAuthnRegistration). ' +
        'The passkey can then sign the user in (LOGIN_FLOW=USER_AUTH, preferredChallenge WEB_AUTHN).',
      body: PasskeyCompleteBodySchema,
      response: {
        204: empty({ description: 'Registered.' }),
        ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...PASSKEY_ROUTE, 'PASSKEY_REJECTED'], OPTIONS)
      }
    }
  }, async (request, reply) => {
    await cognito.completePasskeyRegistration(signedIn(request).accessToken, request.body.credential)
    return reply.code(204).send(null)
  })

  fastify.get('/me/passkeys', {
    schema: {
      tags,
      operationId: 'listPasskeys',
      summary: 'The signed-in user\'s passkeys',
      description: 'The WebAuthn credentials the signed-in user registered (POST /me/passkeys/start and /complete), for showing and removing them.',
      response: {
        200: json(PasskeyListSchema, { description: 'Every registered passkey.' }),
        ...problems([...PASSKEY_ROUTE], OPTIONS)
      }
    }
  }, async (request) => ({ passkeys: await cognito.listPasskeys(signedIn(request).accessToken) }))

  fastify.delete('/me/passkeys/:credentialId', {
    schema: {
      tags,
      operationId: 'deletePasskey',
      summary: 'Remove a passkey',
      description: 'Removes one of the signed-in user\'s passkeys by its credential id (from GET /me/passkeys); it can no longer sign in.',
      params: PasskeyParamsSchema,
      response: {
        204: empty({ description: 'Removed: it no longer signs the user in.' }),
        ...problems([...QUERY_REFUSALS, ...ORIGIN_REFUSALS, ...PASSKEY_ROUTE, 'PASSKEY_NOT_FOUND'], OPTIONS)
      }
    }
  }, async (request, reply) => {
    await cognito.deletePasskey(signedIn(request).accessToken, request.params.credentialId)
    return reply.code(204).send(null)
  })
}

export default passkeys
