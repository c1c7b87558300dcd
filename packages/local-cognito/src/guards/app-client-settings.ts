/**
 * App client settings cognito-local drops or ignores. CreateUserPoolClient and
 * UpdateUserPoolClient keep only the fields it knows, and
 * DescribeUserPoolClient answers only those: a client created with
 * refresh-token rotation would silently not rotate, and a service reading its
 * client (DescribeUserPoolClient) would not see its challenge-session
 * lifetime. The local layer stores the fields below on the client after the
 * emulator has saved it, and adds them to DescribeUserPoolClient's answer;
 * RefreshTokenRotation is read by GetTokensFromRefreshToken (operations/),
 * AuthSessionValidity by the challenge-sessions guard. RevokeToken on a client
 * with EnableTokenRevocation false is refused with
 * UnsupportedOperationException, as Cognito does.
 */
import { CognitoError } from 'cognito-local/lib/errors.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import type { LocalGuard } from '../local-layer.ts'
import type { RotationSettings } from '../operations/get-tokens-from-refresh-token.ts'

/** The client fields the layer keeps that cognito-local drops (it keeps the others: validities, revocation, attributes...). */
export const KEPT_CLIENT_FIELDS = ['RefreshTokenRotation', 'AuthSessionValidity', 'EnablePropagateAdditionalUserContextData'] as const

export interface KeptClientSettings extends RotationSettings {
  /** Minutes a challenge session lives (3–15; Cognito's default 3). */
  AuthSessionValidity?: number
  EnablePropagateAdditionalUserContextData?: boolean
}

type StoredClient = KeptClientSettings & { EnableTokenRevocation?: boolean }

interface Request extends KeptClientSettings { UserPoolId?: string, ClientId?: string }

interface ClientAnswer { UserPoolClient?: { ClientId?: string } & KeptClientSettings }

/** The client's kept settings (and the fields cognito-local keeps itself), or undefined for an unknown client. */
export async function clientSettings (services: Services, ctx: Context, clientId: unknown): Promise<StoredClient | undefined> {
  if (typeof clientId !== 'string') return undefined
  try {
    return await services.cognito.getAppClient(ctx, clientId) as StoredClient | null ?? undefined
  } catch {
    return undefined
  }
}

function kept (from: KeptClientSettings): KeptClientSettings {
  const out: Record<string, unknown> = {}
  for (const field of KEPT_CLIENT_FIELDS) if (from[field] !== undefined) out[field] = from[field]
  return out as KeptClientSettings
}

export const appClientSettings: LocalGuard = {
  name: 'app client settings',
  targets: ['CreateUserPoolClient', 'UpdateUserPoolClient', 'DescribeUserPoolClient', 'RevokeToken'],
  wrap: (target, next, services) => async (ctx, req: Request) => {
    if (target === 'RevokeToken') {
      const client = await clientSettings(services, ctx, req.ClientId)
      if (client?.EnableTokenRevocation === false) {
        throw new CognitoError('UnsupportedOperationException', 'Token revocation is not enabled for this app client.')
      }
      return await next(ctx, req)
    }
    const out = await next(ctx, req) as ClientAnswer
    const clientId = out.UserPoolClient?.ClientId ?? req.ClientId
    if (target === 'DescribeUserPoolClient') {
      const client = await clientSettings(services, ctx, clientId)
      return client === undefined ? out : { ...out, UserPoolClient: { ...out.UserPoolClient, ...kept(client) } }
    }
    const settings = kept(req)
    if (Object.keys(settings).length === 0 || clientId === undefined || req.UserPoolId === undefined) return out
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId)
    const client = await services.cognito.getAppClient(ctx, clientId)
    if (client) await pool.saveAppClient(ctx, { ...client, ...settings })
    return { ...out, UserPoolClient: { ...out.UserPoolClient, ...settings } }
  }
}
