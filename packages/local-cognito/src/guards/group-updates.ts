/**
 * Cognito's UpdateGroup sets every optional field it is not given back to its
 * default (the API reference: "If you don't provide a value for an optional
 * parameter, Amazon Cognito sets it to its default value"); cognito-local
 * keeps the old value. Local mode answers as Cognito does, so a caller that
 * forgets to send the fields it keeps loses them here too.
 */
import type { LocalGuard } from '../local-layer.ts'

interface UpdateGroupRequest { UserPoolId: string, GroupName: string, Description?: string, Precedence?: number, RoleArn?: string }

export const groupUpdates: LocalGuard = {
  name: 'UpdateGroup resets what it is not given',
  targets: ['UpdateGroup'],
  wrap: (_target, next, services) => async (ctx, req: UpdateGroupRequest) => {
    const out = await next(ctx, req) as { Group?: Record<string, unknown> }
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId)
    const group = await pool.getGroupByGroupName(ctx, req.GroupName)
    if (group === null) return out
    const { Description: _d, Precedence: _p, RoleArn: _r, ...rest } = group
    const fields = {
      ...(req.Description === undefined ? {} : { Description: req.Description }),
      ...(req.Precedence === undefined ? {} : { Precedence: req.Precedence }),
      ...(req.RoleArn === undefined ? {} : { RoleArn: req.RoleArn })
    }
    await pool.saveGroup(ctx, { ...rest, ...fields })
    const { Description: _od, Precedence: _op, RoleArn: _or, ...answered } = out.Group ?? {}
    return { ...out, Group: { ...answered, ...fields } }
  }
}
