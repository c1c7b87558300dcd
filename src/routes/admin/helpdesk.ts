/**
 * /admin/users/{username}/...: what a help desk is asked for. Reset a lost
 * authenticator (every MFA method off, every session ended), read the user's
 * sign-in events and give feedback on them, read and forget their remembered
 * devices, link and unlink a social identity, read their sign-in factors.
 * Registered inside the admin scope: the caller is a verified admin.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ADMIN_CHANGE, adminRoute, PageQuerySchema, USER_OPERATION, UsernameParamsSchema } from '../../schemas/admin.js'
import {
  AuthEventPageSchema,
  AuthFactorsSchema,
  DevicePageSchema,
  DeviceParamsSchema,
  EventParamsSchema,
  FeedbackBodySchema,
  HelpdeskDoneSchema,
  IdentityParamsSchema,
  LinkBodySchema,
  UnlinkQuerySchema
} from '../../schemas/helpdesk.js'
import { json } from '../../schemas/responses.js'
import { pageAnswer, pageRequest } from './paging.js'
import { signedOutEverywhere } from '../../session/signed-out.js'

const done = (description: string) => json(HelpdeskDoneSchema, { description })
const THREAT_PROTECTION = {
  THREAT_PROTECTION_OFF: 'The pool\'s threat protection is off: Cognito records no sign-in events (local mode never has it).'
}

const helpdesk: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, store } = fastify

  fastify.post('/admin/users/:username/mfa/reset', {
    config: { audit: 'user.mfa-reset' },
    schema: adminRoute({
      operationId: 'adminResetMfa',
      summary: 'Reset a user\'s MFA (a lost authenticator)',
      description: 'Every MFA method of the user is turned off (AdminSetUserMFAPreference: SMS, TOTP, and e-mail where it was on); ' +
        '`mfaTurnedOff` names those that were on. Every session of the user ends (AdminUserGlobalSignOut) and their tokens are ' +
        'refused from now on, on every instance. The user signs in with their password alone (unless the pool requires MFA: then ' +
        'they set a method up at sign-in, MFA_SETUP) and can set up a new authenticator at /me/mfa.',
      params: UsernameParamsSchema,
      response: { 200: done('Every MFA method is off; the user\'s sessions have ended.') },
      refusals: [...ADMIN_CHANGE, ...USER_OPERATION, 'USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED'],
      notes: {
        USER_NOT_CONFIRMED: 'The user has not confirmed their sign-up: they have no MFA to reset.',
        PASSWORD_RESET_REQUIRED: 'The user must reset their password first (Cognito refuses MFA changes until then).'
      }
    })
  }, async (request) => {
    const { username } = request.params
    const mfaTurnedOff = await cognito.adminResetMfa(username)
    await cognito.adminGlobalSignOut(username)
    await signedOutEverywhere(store, await cognito.adminUserSub(username))
    return { status: 'mfa-reset' as const, tokensRevoked: true, mfaTurnedOff }
  })

  fastify.get('/admin/users/:username/auth-events', {
    config: { audit: 'user.auth-events' },
    schema: adminRoute({
      operationId: 'adminListAuthEvents',
      summary: 'A user\'s sign-in events and their risk decisions',
      description: 'One page (at most `limit`, 60 by default) of the events Cognito\'s threat protection recorded for the user, newest ' +
        'first (AdminListUserAuthEvents): sign-ins, sign-ups, password changes, each with its risk level and decision, the ' +
        'challenges answered, where it came from, and any feedback given. Needs threat protection (Plus plan) in audit or full mode.',
      params: UsernameParamsSchema,
      querystring: PageQuerySchema,
      response: { 200: json(AuthEventPageSchema, { description: 'One page of events.' }) },
      refusals: [...USER_OPERATION, 'THREAT_PROTECTION_OFF'],
      notes: { ...THREAT_PROTECTION, INVALID_PARAMETER: 'A cursor that is not one this API gave out.' }
    })
  }, async (request) => {
    return pageAnswer('events', await cognito.adminListAuthEvents(request.params.username, pageRequest(request.query)))
  })

  fastify.post('/admin/users/:username/auth-events/:eventId/feedback', {
    config: { audit: 'user.auth-event-feedback' },
    schema: adminRoute({
      operationId: 'adminAuthEventFeedback',
      summary: 'Say whether a sign-in event was the user\'s',
      description: '`valid`: it was the user (Cognito lowers the risk of sign-ins like it); `invalid`: it was not (AdminUpdateAuthEventFeedback). ' +
        'An `invalid` answer does not sign anyone out: POST /admin/users/{username}/signout does.',
      params: EventParamsSchema,
      body: FeedbackBodySchema,
      response: { 200: done('The feedback is recorded.') },
      refusals: [...ADMIN_CHANGE, ...USER_OPERATION, 'THREAT_PROTECTION_OFF', 'AUTH_EVENT_NOT_FOUND'],
      notes: THREAT_PROTECTION
    })
  }, async (request) => {
    const { username, eventId } = request.params
    await cognito.adminAuthEventFeedback(username, eventId, request.body.feedback === 'valid' ? 'Valid' : 'Invalid')
    return { status: 'feedback-recorded' as const }
  })

  fastify.get('/admin/users/:username/devices', {
    config: { audit: 'user.devices' },
    schema: adminRoute({
      operationId: 'adminListDevices',
      summary: 'A user\'s remembered devices',
      description: 'One page (at most `limit`, 60 by default) of the devices Cognito tracks for the user (AdminListDevices): key, name, ' +
        'when first seen and last used. Empty when the pool does not remember devices.',
      params: UsernameParamsSchema,
      querystring: PageQuerySchema,
      response: { 200: json(DevicePageSchema, { description: 'One page of devices.' }) },
      refusals: USER_OPERATION,
      notes: { INVALID_PARAMETER: 'A cursor that is not one this API gave out.' }
    })
  }, async (request) => {
    return pageAnswer('devices', await cognito.adminListDevices(request.params.username, pageRequest(request.query)))
  })

  fastify.delete('/admin/users/:username/devices/:deviceKey', {
    config: { audit: 'user.forget-device' },
    schema: adminRoute({
      operationId: 'adminForgetDevice',
      summary: 'Forget one of a user\'s devices',
      description: 'The device is no longer remembered (AdminForgetDevice): a sign-in from it answers MFA again where the pool skips MFA ' +
        'on remembered devices.',
      params: DeviceParamsSchema,
      response: { 200: done('Forgotten.') },
      refusals: [...ADMIN_CHANGE, ...USER_OPERATION, 'DEVICE_NOT_FOUND']
    })
  }, async (request) => {
    await cognito.adminForgetDevice(request.params.username, request.params.deviceKey)
    return { status: 'forgotten' as const }
  })

  fastify.post('/admin/users/:username/identities/:provider', {
    config: { audit: 'user.link-identity' },
    schema: adminRoute({
      operationId: 'adminLinkIdentity',
      summary: 'Link a social or enterprise identity to a user',
      description: 'From now on, signing in with `provider` as the external user `providerUserId` signs in as this user ' +
        '(AdminLinkProviderForUser). Link before that external user first signs in: once they have, Cognito has made a user of ' +
        'them and refuses the link (INVALID_PARAMETER, its message passed on).',
      params: IdentityParamsSchema,
      body: LinkBodySchema,
      response: { 200: done('Linked.') },
      refusals: [...ADMIN_CHANGE, ...USER_OPERATION],
      notes: {
        INVALID_PARAMETER: 'Cognito\'s reason, passed on: a provider the pool does not have, an external user already linked or signed up...',
        ALIAS_EXISTS: 'The external identity is already linked to another user.'
      }
    })
  }, async (request) => {
    const { username, provider } = request.params
    const { providerUserId, attribute = 'Cognito_Subject' } = request.body
    await cognito.adminLinkProvider(username, provider, { providerUserId, attributeName: attribute })
    return { status: 'linked' as const }
  })

  fastify.delete('/admin/users/:username/identities/:provider', {
    config: { audit: 'user.unlink-identity' },
    schema: adminRoute({
      operationId: 'adminUnlinkIdentity',
      summary: 'Unlink a user\'s identity from a provider',
      description: 'The external identity no longer signs in as this user (AdminDisableProviderForUser). Which one: `providerUserId`, ' +
        'or else the one the user\'s `identities` attribute names for the provider.',
      params: IdentityParamsSchema,
      querystring: UnlinkQuerySchema,
      response: { 200: done('Unlinked.') },
      refusals: [...ADMIN_CHANGE, ...USER_OPERATION, 'IDENTITY_NOT_FOUND'],
      notes: { INVALID_PARAMETER: 'Cognito\'s reason, passed on.' }
    })
  }, async (request) => {
    const { username, provider } = request.params
    await cognito.adminUnlinkProvider(username, provider, request.query.providerUserId)
    return { status: 'unlinked' as const }
  })

  fastify.get('/admin/users/:username/auth-factors', {
    config: { audit: 'user.auth-factors' },
    schema: adminRoute({
      operationId: 'adminGetAuthFactors',
      summary: 'How a user can sign in',
      description: 'The sign-in factors the user has set up (password, e-mail or SMS code, passkey) and their MFA methods ' +
        '(AdminGetUserAuthFactors).',
      params: UsernameParamsSchema,
      response: { 200: json(AuthFactorsSchema, { description: 'The user\'s factors.' }) },
      refusals: USER_OPERATION
    })
  }, async (request) => await cognito.adminGetAuthFactors(request.params.username))
}

export default helpdesk
