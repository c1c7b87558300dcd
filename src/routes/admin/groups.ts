/**
 * /admin/groups: the pool's groups, their members, and membership changes.
 * A membership change refuses the user's tokens issued until then (unless
 * REVOKE_ON_GROUP_CHANGE=false), so their next refresh carries the new
 * cognito:groups instead of the old ones living on for an hour.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ADMIN_CHANGE,
  AdminDoneSchema,
  adminRoute,
  GROUP_OPERATION,
  GroupPageSchema,
  GroupParamsSchema,
  MembershipParamsSchema,
  PageQuerySchema,
  USER_OPERATION,
  UserPageSchema
} from '../../schemas/admin.js'
import { json } from '../../schemas/responses.js'
import { pageAnswer, pageRequest } from './paging.js'
import { signedOutEverywhere } from '../../session/signed-out.js'

const groups: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, store, config } = fastify

  fastify.get('/admin/groups', {
    config: { audit: 'group.list' },
    schema: adminRoute({
      operationId: 'adminListGroups',
      summary: 'List the groups',
      description: 'The user pool\'s groups, a page at a time: pass the `cursor` of one page to get the next.',
      querystring: PageQuerySchema,
      response: { 200: json(GroupPageSchema, { description: 'One page of groups.' }) },
      refusals: GROUP_OPERATION
    })
  }, async (request) => {
    return pageAnswer('groups', await cognito.adminListGroups(pageRequest(request.query)))
  })

  fastify.get('/admin/groups/:group/users', {
    config: { audit: 'group.members' },
    schema: adminRoute({
      operationId: 'adminListGroupMembers',
      summary: 'List the users in a group',
      description: 'The members of one group, a page at a time: pass the `cursor` of one page to get the next.',
      params: GroupParamsSchema,
      querystring: PageQuerySchema,
      response: { 200: json(UserPageSchema, { description: 'One page of the group\'s users.' }) },
      refusals: GROUP_OPERATION
    })
  }, async (request) => {
    return pageAnswer('users', await cognito.adminListUsersInGroup(request.params.group, pageRequest(request.query)))
  })

  for (const add of [true, false]) {
    const route = {
      config: { audit: add ? 'group.add' : 'group.remove' },
      schema: adminRoute({
        operationId: add ? 'adminAddGroupMember' : 'adminRemoveGroupMember',
        summary: add ? 'Add a user to a group' : 'Remove a user from a group',
        description: 'Idempotent. The user\'s tokens issued until now are refused from now on (`tokensRevoked`), unless ' +
          'REVOKE_ON_GROUP_CHANGE=false: their next refresh (or sign-in) carries the new groups.',
        params: MembershipParamsSchema,
        response: { 200: json(AdminDoneSchema, { description: add ? 'The user is in the group.' : 'The user is not in the group.' }) },
        refusals: [...ADMIN_CHANGE, ...GROUP_OPERATION, ...USER_OPERATION]
      })
    }
    const handler = async (request: { params: { group: string, username: string } }) => {
      const { group, username } = request.params
      if (add) await cognito.adminAddUserToGroup(group, username)
      else await cognito.adminRemoveUserFromGroup(group, username)
      const revoke = config.admin.revokeOnGroupChange
      if (revoke) await signedOutEverywhere(store, await cognito.adminUserSub(username))
      return { status: add ? 'added' as const : 'removed' as const, tokensRevoked: revoke }
    }
    if (add) fastify.put('/admin/groups/:group/users/:username', route, handler)
    else fastify.delete('/admin/groups/:group/users/:username', route, handler)
  }
}

export default groups
