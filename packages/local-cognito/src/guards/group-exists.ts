/**
 * Cognito's CreateGroup refuses a name the pool already has
 * (GroupExistsException); cognito-local would overwrite the group.
 */
import { CognitoError } from 'cognito-local/lib/errors.js'
import type { LocalGuard } from '../local-layer.ts'

export const groupExists: LocalGuard = {
  name: 'group names are unique',
  targets: ['CreateGroup'],
  wrap: (_target, next, services) => async (ctx, req: { UserPoolId: string, GroupName: string }) => {
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId)
    if (await pool.getGroupByGroupName(ctx, req.GroupName) !== null) {
      throw new CognitoError('GroupExistsException', 'A group with the name already exists.')
    }
    return await next(ctx, req)
  }
}
