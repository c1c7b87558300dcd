/**
 * The app client's secret. cognito-local never checks one: a client with a
 * secret accepts a missing or wrong SECRET_HASH. Cognito refuses both with
 * NotAuthorizedException on every call that names a user, and a missing or
 * wrong ClientSecret on the calls that take the secret itself. A client
 * without a secret is left alone (an unneeded SECRET_HASH is not refused here).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { NotAuthorizedError } from 'cognito-local/lib/errors.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import type { LocalGuard } from '../local-layer.ts'
import { decodeJwt } from './jwt.ts'

type Params = Record<string, unknown> | undefined

/**
 * Cognito's SECRET_HASH: Base64(HMAC-SHA256(key = client secret, message = username + client id)). The service
 * computes its own; this one checks it independently.
 */
export function secretHash (username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64')
}

interface Request {
  ClientId?: unknown
  Username?: unknown
  SecretHash?: unknown
  ClientSecret?: unknown
  AuthFlow?: unknown
  AuthParameters?: Params
  ChallengeResponses?: Params
  RefreshToken?: unknown
}

/** Calls that carry SECRET_HASH as a top-level SecretHash next to Username. */
const HASH_FIELD = ['SignUp', 'ConfirmSignUp', 'ResendConfirmationCode', 'ForgotPassword', 'ConfirmForgotPassword']
/** Calls that carry the client secret itself. */
const SECRET_FIELD = ['RevokeToken', 'GetTokensFromRefreshToken']

/** The SECRET_HASH sent, the username it must be computed over, and whether this is a refresh. */
function hashAndUser (target: string, req: Request): { hash: unknown, username: unknown, refresh?: boolean } {
  if (HASH_FIELD.includes(target)) return { hash: req.SecretHash, username: req.Username }
  if (target === 'InitiateAuth' || target === 'AdminInitiateAuth') {
    const params = req.AuthParameters ?? {}
    if (req.AuthFlow === 'REFRESH_TOKEN_AUTH' || req.AuthFlow === 'REFRESH_TOKEN') {
      // A refresh names no user: Cognito hashes the username of the user the token belongs to.
      return { hash: params.SECRET_HASH, username: decodeJwt(params.REFRESH_TOKEN)?.['cognito:username'], refresh: true }
    }
    return { hash: params.SECRET_HASH, username: params.USERNAME }
  }
  const responses = req.ChallengeResponses ?? {}
  return { hash: responses.SECRET_HASH, username: responses.USERNAME }
}

/** Cognito words "no secret sent" two ways: the older one is still what a refresh gets. */
function notReceived (clientId: string, refresh: boolean): NotAuthorizedError {
  return new NotAuthorizedError(refresh
    ? `Client ${clientId} is configured for secret but secret was not received`
    : `Client ${clientId} is configured with secret but SECRET_HASH was not received`)
}

function same (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function clientSecret (services: Services, ctx: Context, clientId: unknown): Promise<string | undefined> {
  if (typeof clientId !== 'string') return undefined
  const client = await services.cognito.getAppClient(ctx, clientId)
  return client?.ClientSecret ?? undefined
}

export const secretHashCheck: LocalGuard = {
  name: 'client secret (SECRET_HASH)',
  targets: [
    ...HASH_FIELD, 'InitiateAuth', 'AdminInitiateAuth', 'RespondToAuthChallenge', 'AdminRespondToAuthChallenge', ...SECRET_FIELD
  ],
  wrap: (target, next, services) => async (ctx, req: Request) => {
    const clientId = req.ClientId
    const secret = await clientSecret(services, ctx, clientId)
    if (secret === undefined) return await next(ctx, req)

    if (SECRET_FIELD.includes(target)) {
      if (typeof req.ClientSecret !== 'string' || req.ClientSecret === '') throw notReceived(String(clientId), true)
      if (!same(req.ClientSecret, secret)) throw new NotAuthorizedError(`Unable to verify client secret for client ${String(clientId)}`)
      return await next(ctx, req)
    }

    const { hash, username, refresh = false } = hashAndUser(target, req)
    if (typeof hash !== 'string' || hash === '') throw notReceived(String(clientId), refresh)
    if (typeof username !== 'string' || !same(hash, secretHash(username, String(clientId), secret))) {
      throw new NotAuthorizedError(`Unable to verify secret hash for client ${String(clientId)}`)
    }
    return await next(ctx, req)
  }
}
