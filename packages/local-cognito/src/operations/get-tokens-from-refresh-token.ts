/**
 * Cognito's GetTokensFromRefreshToken, which cognito-local lacks: new access
 * and ID tokens for a refresh token the pool issued. When the app client has
 * refresh-token rotation on, a new refresh token comes back and the old one is
 * spent: presented again after the grace period, Cognito answers
 * RefreshTokenReuseException (and so does this).
 *
 * The client secret, disabled users and revocation are the guards' business
 * (secret-hash, disabled-users, token-sessions), as for every other target.
 */
import { CognitoError, NotAuthorizedError, ResourceNotFoundError } from 'cognito-local/lib/errors.js'
import type { AppClient } from 'cognito-local/lib/services/appClient.js'
import type { LocalOperation } from '../local-layer.ts'
import { decodeJwt, withClaims } from '../guards/jwt.ts'

interface Request { ClientId: string, ClientSecret?: string, RefreshToken: string }

/** What cognito-local does not keep of an app client's settings; the local layer keeps it (see app-client-settings). */
export interface RotationSettings { RefreshTokenRotation?: { Feature?: string, RetryGracePeriodSeconds?: number } }

/** Spent refresh tokens of rotating clients: token -> when it stops being accepted (epoch ms). */
const spent = new Map<string, number>()

export const getTokensFromRefreshToken: LocalOperation = {
  target: 'GetTokensFromRefreshToken',
  route: services => async (ctx, req: Request) => {
    const client = await services.cognito.getAppClient(ctx, req.ClientId) as (AppClient & RotationSettings) | null
    if (!client) throw new ResourceNotFoundError('Client does not exist.')
    const pool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId)
    const graceEnds = spent.get(req.RefreshToken)
    if (graceEnds !== undefined && graceEnds <= Date.now()) {
      throw new CognitoError('RefreshTokenReuseException', 'Refresh token has been used already.')
    }
    const user = await pool.getUserByRefreshToken(ctx, req.RefreshToken)
    if (!user) throw new NotAuthorizedError('Invalid Refresh Token')
    const groups = await pool.listUserGroupMembership(ctx, user)
    const generated = await services.tokenGenerator.generate(ctx, user, groups, client, undefined, 'RefreshTokens')
    // A hosted-UI session keeps the scopes it was granted (the hosted UI puts them in its refresh tokens);
    // cognito-local would otherwise grant aws.cognito.signin.user.admin on every refresh.
    const scope = decodeJwt(req.RefreshToken)?.scope
    const tokens = typeof scope === 'string'
      ? { ...generated, AccessToken: withClaims(generated.AccessToken, { scope }), RefreshToken: withClaims(generated.RefreshToken, { scope }) }
      : generated
    const result = { AccessToken: tokens.AccessToken, IdToken: tokens.IdToken, TokenType: 'Bearer', ExpiresIn: expiresIn(tokens.AccessToken) }
    if (client.RefreshTokenRotation?.Feature !== 'ENABLED') return { AuthenticationResult: result }

    // Rotation: the new token replaces the old one, which lives on only for the grace period.
    spent.set(req.RefreshToken, Date.now() + (client.RefreshTokenRotation.RetryGracePeriodSeconds ?? 0) * 1000)
    const current = await pool.getUserByUsername(ctx, user.Username)
    const kept = (current?.RefreshTokens ?? []).filter(token => token !== req.RefreshToken || graceEnds === undefined)
    await pool.saveUser(ctx, { ...(current ?? user), RefreshTokens: [...kept, tokens.RefreshToken] })
    return { AuthenticationResult: { ...result, RefreshToken: tokens.RefreshToken } }
  }
}

function expiresIn (jwt: string): number {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { exp?: number }
  return Math.max(0, (claims.exp ?? 0) - Math.floor(Date.now() / 1000))
}
