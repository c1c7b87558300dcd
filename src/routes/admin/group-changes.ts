/**
 * /admin/groups: making, changing and deleting the pool's groups (their
 * members are ./groups.ts's). Registered inside the admin scope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ADMIN_CHANGE, adminRoute, GroupParamsSchema } from '../../schemas/admin.js'
import { CreateGroupBodySchema, GROUP_CHANGE, HelpdeskDoneSchema, HelpdeskGroupSchema, UpdateGroupBodySchema } from '../../schemas/helpdesk.js'
import { json } from '../../schemas/responses.js'

const groupChanges: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito } = fastify

  fastify.post('/admin/groups', {
    config: { audit: 'group.create' },
    schema: adminRoute({
      operationId: 'adminCreateGroup',
      summary: 'Create a group (CreateGroup)',
      description: 'With an optional description, precedence and IAM role (for the identity pool). Its members are added with ' +
        'PUT /admin/groups/{group}/users/{username}.',
      body: CreateGroupBodySchema,
      response: { 201: json(HelpdeskGroupSchema, { description: 'The group, as Cognito made it.' }) },
      refusals: [...ADMIN_CHANGE, 'INVALID_PARAMETER', 'NOT_PERMITTED', 'TOO_MANY_ATTEMPTS', 'GROUP_EXISTS'],
      notes: {
        INVALID_PARAMETER: 'A role ARN Cognito refuses, or a name it does not take.',
        TOO_MANY_ATTEMPTS: 'The pool has as many groups as its quota allows (10,000 by default).'
      }
    })
  }, async (request, reply) => {
    const { name, ...change } = request.body
    return await reply.code(201).send(await cognito.adminCreateGroup(name, change))
  })

  fastify.patch('/admin/groups/:group', {
    config: { audit: 'group.update' },
    schema: adminRoute({
      operationId: 'adminUpdateGroup',
      summary: 'Change a group\'s description, precedence or role (UpdateGroup)',
      description: 'Only the fields sent change. Members\' tokens carry the new precedence and role from their next refresh or sign-in.',
      params: GroupParamsSchema,
      body: UpdateGroupBodySchema,
      response: { 200: json(HelpdeskGroupSchema, { description: 'The group after the change.' }) },
      refusals: [...ADMIN_CHANGE, ...GROUP_CHANGE]
    })
  }, async (request) => await cognito.adminUpdateGroup(request.params.group, request.body))

  fastify.delete('/admin/groups/:group', {
    config: { audit: 'group.delete' },
    schema: adminRoute({
      operationId: 'adminDeleteGroup',
      summary: 'Delete a group (DeleteGroup)',
      description: 'Its members stay users; they are no longer in it. Tokens issued before keep naming it in cognito:groups until they ' +
        'expire or are refreshed: sign the members out (POST /admin/users/{username}/signout) where that matters.',
      params: GroupParamsSchema,
      response: { 200: json(HelpdeskDoneSchema, { description: 'Deleted.' }) },
      refusals: [...ADMIN_CHANGE, ...GROUP_CHANGE]
    })
  }, async (request) => {
    await cognito.adminDeleteGroup(request.params.group)
    return { status: 'deleted' as const }
  })
}

export default groupChanges
