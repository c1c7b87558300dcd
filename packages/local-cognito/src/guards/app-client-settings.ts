/**
 * App client settings cognito-local drops: CreateUserPoolClient and
 * UpdateUserPoolClient keep only the fields it knows, so a client created
 * with refresh-token rotation would silently not rotate. The local layer
 * stores `RefreshTokenRotation` on the client after the emulator has saved
 * it, where GetTokensFromRefreshToken (operations/) reads it.
 */
import type { LocalGuard } from '../local-layer.ts'
import type { RotationSettings } from '../operations/get-tokens-from-refresh-token.ts'

interface Request extends RotationSettings { UserPoolId?: string, ClientId?: string }

export const appClientSettings: LocalGuard = {
  name: 'app client settings',
  targets: ['CreateUserPoolClient', 'UpdateUserPoolClient'],
  wrap: (_target, next, services) => async (ctx, req: Request) => {
    const out = await next(ctx, req) as { UserPoolClient?: { ClientId?: string } & RotationSettings }
    const clientId = out.UserPoolClient?.ClientId ?? req.ClientId
    if (req.RefreshTokenRotation === undefined || clientId === undefined || req.UserPoolId === undefined) return out
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId)
    const client = await services.cognito.getAppClient(ctx, clientId)
    if (client) await pool.saveAppClient(ctx, { ...client, ...{ RefreshTokenRotation: req.RefreshTokenRotation } })
    return { ...out, UserPoolClient: { ...out.UserPoolClient, RefreshTokenRotation: req.RefreshTokenRotation } }
  }
}
