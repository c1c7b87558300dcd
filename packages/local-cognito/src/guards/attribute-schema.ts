/**
 * Attributes the pool's schema does not define. cognito-local stores any
 * attribute name on sign-up and AdminCreateUser; Cognito refuses a name that
 * is neither a standard OIDC attribute nor one of the pool's custom ones.
 * (The update operations answer with the other message Cognito uses there.)
 */
import { InvalidParameterError } from 'cognito-local/lib/errors.js'
import type { LocalGuard } from '../local-layer.ts'
import { poolOf, type PoolRequest } from './lookup.ts'

/** Attributes every pool has, whatever its schema says. */
export const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set([
  'sub', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
  'website', 'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number',
  'phone_number_verified', 'address', 'updated_at'
])

const UPDATES = new Set(['UpdateUserAttributes', 'AdminUpdateUserAttributes'])

function refusal (target: string, name: string): InvalidParameterError {
  return UPDATES.has(target)
    ? new InvalidParameterError(`user.${name}: Attribute does not exist in the schema.`)
    : new InvalidParameterError(`Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`)
}

export const attributeSchema: LocalGuard = {
  name: 'attribute schema',
  targets: ['SignUp', 'AdminCreateUser', 'UpdateUserAttributes', 'AdminUpdateUserAttributes'],
  wrap: (target, next, services) => async (ctx, req: PoolRequest & { UserAttributes?: Array<{ Name?: unknown }> }) => {
    const names = (req.UserAttributes ?? []).map(a => a?.Name).filter((n): n is string => typeof n === 'string')
    const unknown = names.filter(n => !STANDARD_ATTRIBUTES.has(n))
    if (unknown.length > 0) {
      const pool = await poolOf(services, ctx, req)
      if (pool !== undefined) {
        const defined = new Set((pool.options.SchemaAttributes ?? []).map(a => a.Name))
        const undefinedName = unknown.find(n => !defined.has(n))
        if (undefinedName !== undefined) throw refusal(target, undefinedName)
      }
    }
    return await next(ctx, req)
  }
}
