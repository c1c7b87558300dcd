/**
 * DeleteUserAttributes of attributes that must stay. cognito-local deletes
 * any attribute, `sub` and required ones included; Cognito refuses a
 * required or immutable attribute with InvalidParameterException naming it
 * (names the pool does not define are ignored, as there is nothing to delete).
 */
import { InvalidParameterError } from 'cognito-local/lib/errors.js'
import { USER_POOL_AWS_DEFAULTS } from 'cognito-local/lib/services/cognitoService.js'
import type { LocalGuard } from '../local-layer.ts'
import { poolOf, type PoolRequest } from './lookup.ts'

interface Request extends PoolRequest { UserAttributeNames?: unknown }

export const attributeDeletion: LocalGuard = {
  name: 'attribute deletion',
  targets: ['DeleteUserAttributes'],
  wrap: (_target, next, services) => async (ctx, req: Request) => {
    const names = Array.isArray(req.UserAttributeNames) ? req.UserAttributeNames.filter((n): n is string => typeof n === 'string') : []
    const pool = await poolOf(services, ctx, req)
    if (pool !== undefined) {
      const schema = pool.options.SchemaAttributes ?? USER_POOL_AWS_DEFAULTS.SchemaAttributes ?? []
      for (const name of names) {
        const attribute = schema.find(a => a.Name === name)
        if (attribute?.Required === true) throw new InvalidParameterError(`user.${name}: Required attribute cannot be deleted.`)
        if (attribute?.Mutable === false) {
          throw new InvalidParameterError(`user.${name}: Attribute cannot be deleted. (deleting an immutable attribute)`)
        }
      }
    }
    return await next(ctx, req)
  }
}
