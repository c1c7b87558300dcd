/**
 * The signed-in user's own account: profile changes (with re-verification of
 * a changed e-mail or phone number), attribute deletion, password change,
 * sign-out everywhere and account deletion. Registered inside the /me scope,
 * so requireUser and the aws.cognito.signin.user.admin scope have already
 * run: every handler has a verified access token.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ChangePasswordBodySchema,
  DeleteAttributesBodySchema,
  SendAttributeCodeBodySchema,
  SendAttributeCodeResponseSchema,
  UpdateAttributesBodySchema,
  UpdateAttributesResponseSchema,
  VerifyAttributeBodySchema
} from '../../schemas/account.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, problems } from '../../schemas/problem.js'
import { empty, json } from '../../schemas/responses.js'
import { invalidFields } from '../../errors/catalog.js'
import { notWritable, readableOnly } from '../../session/pool-settings.js'
import { signedOutEverywhere } from '../../session/signed-out.js'
import { signedIn } from '../../plugins/authenticate.js'
import { triggerContext } from '../trigger-context.js'

const tags = ['me']

/** What every route here can answer before its handler: the guard's refusals, and a state-changing request's. */
const ACCOUNT_ROUTE = [...ORIGIN_REFUSALS, ...COGNITO_FAILURES, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'INSUFFICIENT_SCOPE'] as const
/** A user-self call can meet the account's state too (Cognito checks it on every access-token call). */
const ACCOUNT_STATE = ['USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED', 'INVALID_PARAMETER'] as const
const TOKEN_HEADERS = { 401: ['WwwAuthenticate' as const], 403: ['WwwAuthenticate' as const] }
const TOKEN_NOTE = { TOKEN_INVALID: 'Refused by this service (with WWW-Authenticate), or by Cognito (revoked there, or the user is gone).' }

const account: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, sessions, store, userProfiles } = fastify

  fastify.patch('/me', {
    schema: {
      tags,
      operationId: 'updateMe',
      summary: 'Change the signed-in user\'s attributes',
      description: 'Sets standard and `custom:` attributes the app client may write. Always 200 with the attributes as Cognito ' +
        'has them afterwards. A changed e-mail or phone number needs verifying: `verification` says where the code went ' +
        '(verify with POST /me/attributes/verify). Where the pool keeps original values until verification, the old value stays ' +
        'in `attributes`, and usable for sign-in, until then (`appliesAfterVerification: true`). An attribute the pool does not ' +
        'define or that is immutable is refused with INVALID_PARAMETER naming it; one the app client may not write (its WriteAttributes) ' +
        'with VALIDATION_FAILED naming each, before Cognito is asked. `attributes` shows those the client may read.',
      body: UpdateAttributesBodySchema,
      response: {
        200: json(UpdateAttributesResponseSchema, { description: 'Updated; what still needs verifying, if anything.' }),
        ...problems([
          ...BODY_REFUSALS, ...ACCOUNT_ROUTE, ...ACCOUNT_STATE, 'ALIAS_EXISTS', 'CODE_DELIVERY_FAILED', 'CODE_MISMATCH', 'CODE_EXPIRED',
          'REDIRECT_NOT_ALLOWED'
        ], { notes: { ...TOKEN_NOTE, INVALID_PARAMETER: 'The detail is Cognito\'s, naming the attribute.' }, headers: TOKEN_HEADERS })
      }
    }
  }, async (request) => {
    const caller = signedIn(request)
    const { attributes, redirect } = request.body
    // Refused here, naming each one, rather than by Cognito's one-at-a-time message.
    const refused = notWritable(fastify.userPool.settings, Object.keys(attributes))
    if (refused.length > 0) {
      throw invalidFields(refused.map(name => ({ field: `/body/attributes/${name}`, message: 'not writable by this app client' })))
    }
    const metadata = triggerContext(request, fastify.config, redirect)
    const deliveries = await userProfiles.changing(caller.user.username, () => cognito.updateAttributes(caller.accessToken, attributes, metadata))
    const profile = await userProfiles.read(caller)
    return {
      attributes: readableOnly(fastify.userPool.settings, profile.attributes),
      verification: deliveries.map(d => ({
        attribute: d.attribute ?? '',
        deliveryMedium: d.medium,
        destination: d.destination,
        // The value Cognito holds is not the one asked for: it waits for the code.
        appliesAfterVerification: d.attribute !== undefined && attributes[d.attribute] !== undefined &&
          profile.attributes[d.attribute] !== attributes[d.attribute]
      }))
    }
  })

  fastify.post('/me/attributes/verify/send', {
    schema: {
      tags,
      operationId: 'sendAttributeCode',
      summary: 'Send a code to verify the e-mail or phone number',
      description: 'Sends a verification code to the user\'s e-mail address or phone number (the attribute named in the body); verify it with ' +
        'POST /me/attributes/verify.',
      body: SendAttributeCodeBodySchema,
      response: {
        202: json(SendAttributeCodeResponseSchema, { description: 'A code is on its way; `verification` says where.' }),
        ...problems([
          ...BODY_REFUSALS, ...ACCOUNT_ROUTE, ...ACCOUNT_STATE, 'CODE_DELIVERY_FAILED', 'TOO_MANY_ATTEMPTS', 'REDIRECT_NOT_ALLOWED'
        ], { notes: { ...TOKEN_NOTE, INVALID_PARAMETER: 'e.g. the user has no such attribute to verify.' }, headers: TOKEN_HEADERS })
      }
    }
  }, async (request, reply) => {
    const { attribute, redirect } = request.body
    const delivery = await cognito.sendAttributeCode(signedIn(request).accessToken, attribute, triggerContext(request, fastify.config, redirect))
    return reply.code(202).send({
      status: 'sent' as const,
      verification: { attribute: delivery?.attribute ?? attribute, deliveryMedium: delivery?.medium, destination: delivery?.destination }
    })
  })

  fastify.post('/me/attributes/verify', {
    schema: {
      tags,
      operationId: 'verifyAttribute',
      summary: 'Verify the e-mail or phone number with the code sent',
      description: 'Marks the e-mail address or phone number verified with the code POST /me/attributes/verify/send (or a change of the ' +
        'attribute) sent.',
      body: VerifyAttributeBodySchema,
      response: {
        204: empty({ description: 'Verified.' }),
        ...problems([
          ...BODY_REFUSALS, ...ACCOUNT_ROUTE, ...ACCOUNT_STATE, 'CODE_MISMATCH', 'CODE_EXPIRED', 'TOO_MANY_ATTEMPTS', 'ALIAS_EXISTS'
        ], { notes: TOKEN_NOTE, headers: TOKEN_HEADERS })
      }
    }
  }, async (request, reply) => {
    const { attribute, code } = request.body
    const { user, accessToken } = signedIn(request)
    // Wrong codes count against the account, as for sign-up and reset codes.
    const who = { username: user.username, address: request.ip }
    await userProfiles.changing(user.username, () =>
      fastify.accountLimits.attempt('code', who, () => cognito.verifyAttribute(accessToken, attribute, code)))
    return reply.code(204).send(null)
  })

  fastify.delete('/me/attributes', {
    schema: {
      tags,
      operationId: 'deleteAttributes',
      summary: 'Delete some of the signed-in user\'s attributes',
      description: 'Required and immutable attributes cannot be deleted (INVALID_PARAMETER naming the attribute).',
      body: DeleteAttributesBodySchema,
      response: {
        204: empty({ description: 'Deleted.' }),
        ...problems([
          ...BODY_REFUSALS, ...ACCOUNT_ROUTE, ...ACCOUNT_STATE
        ], { notes: { ...TOKEN_NOTE, INVALID_PARAMETER: 'The detail is Cognito\'s, naming the attribute.' }, headers: TOKEN_HEADERS })
      }
    }
  }, async (request, reply) => {
    const { user, accessToken } = signedIn(request)
    await userProfiles.changing(user.username, () => cognito.deleteAttributes(accessToken, request.body.names))
    return reply.code(204).send(null)
  })

  fastify.post('/me/password', {
    schema: {
      tags,
      operationId: 'changePassword',
      summary: 'Change the password, giving the current one',
      description: 'A wrong current password is 400 CURRENT_PASSWORD_INCORRECT: the session goes on (no cookie is touched), and the ' +
        'failure counts against the account like a failed sign-in. A new password the pool\'s policy refuses is INVALID_PASSWORD, ' +
        'naming the rule.',
      body: ChangePasswordBodySchema,
      response: {
        204: empty({ description: 'Changed. Tokens issued before stay valid: sign out everywhere to end other sessions.' }),
        ...problems([
          ...BODY_REFUSALS, ...ACCOUNT_ROUTE, ...ACCOUNT_STATE, 'CURRENT_PASSWORD_INCORRECT', 'INVALID_PASSWORD', 'TOO_MANY_ATTEMPTS'], {
          notes: { ...TOKEN_NOTE, TOO_MANY_ATTEMPTS: 'Too many wrong current passwords for the account (this service\'s budget or Cognito\'s).' },
          headers: TOKEN_HEADERS
        })
      }
    }
  }, async (request, reply) => {
    const { previousPassword, proposedPassword } = request.body
    const { user, accessToken: token } = signedIn(request)
    const who = { username: user.username, address: request.ip }
    await fastify.accountLimits.attempt('sign-in', who, () => cognito.changePassword(token, previousPassword, proposedPassword))
    return reply.code(204).send(null)
  })

  fastify.post('/me/signout-everywhere', {
    schema: {
      tags,
      operationId: 'signOutEverywhere',
      summary: 'Sign out on every device',
      description: 'Cognito revokes every refresh token of the user (GlobalSignOut); this service refuses every access and ID token ' +
        'issued to the user until now (/me, /tokens/verify, /tokens/check), on every instance. This browser\'s cookies are cleared.',
      response: {
        204: empty({ description: 'Signed out everywhere; session cookies cleared.', headers: ['ClearSessionCookies'] }),
        ...problems([
          ...ACCOUNT_ROUTE, ...ACCOUNT_STATE
        ], { notes: TOKEN_NOTE, headers: TOKEN_HEADERS })
      }
    }
  }, async (request, reply) => {
    const { user, accessToken } = signedIn(request)
    await cognito.globalSignOut(accessToken)
    await signedOutEverywhere(store, user.sub)
    await sessions.end(request, reply, {})
    return reply.code(204).send(null)
  })

  fastify.delete('/me', {
    schema: {
      tags,
      operationId: 'deleteMe',
      summary: 'Delete the signed-in user\'s account',
      description: 'Deletes the user at Cognito; every token issued to them is refused from now on, and the session cookies are cleared.',
      response: {
        204: empty({ description: 'Deleted; session cookies cleared.', headers: ['ClearSessionCookies'] }),
        ...problems([
          ...ACCOUNT_ROUTE, ...ACCOUNT_STATE
        ], { notes: TOKEN_NOTE, headers: TOKEN_HEADERS })
      }
    }
  }, async (request, reply) => {
    const { user, accessToken } = signedIn(request)
    await userProfiles.changing(user.username, () => cognito.deleteUser(accessToken))
    await signedOutEverywhere(store, user.sub)
    await sessions.end(request, reply, {})
    return reply.code(204).send(null)
  })
}

export default account
