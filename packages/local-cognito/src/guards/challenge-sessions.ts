/**
 * Challenge sessions. cognito-local hands out a Session with every challenge
 * and accepts any Session in the answer. Cognito accepts only the session it
 * issued, for that user, that challenge and that app client, within its
 * validity (the client's AuthSessionValidity, 3 minutes by default), and only once: the answer that succeeds
 * uses it up (a wrong code may be retried with it). Anything else is
 * NotAuthorizedException "Invalid session for the user, session is expired."
 *
 * Sessions are remembered in memory: a restart ends the sign-ins in progress,
 * which only means signing in again.
 */
import { NotAuthorizedError } from 'cognito-local/lib/errors.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import type { LocalGuard } from '../local-layer.ts'
import { clientSettings } from './app-client-settings.ts'
import { poolOf, userOf } from './lookup.ts'

/** Cognito's default AuthSessionValidity. */
export const CHALLENGE_SESSION_MS = 3 * 60 * 1000

/** The client's AuthSessionValidity (minutes), or Cognito's default. */
async function lifetimeMs (services: Services, ctx: Context, clientId: unknown): Promise<number> {
  const minutes = (await clientSettings(services, ctx, clientId))?.AuthSessionValidity
  return typeof minutes === 'number' ? minutes * 60 * 1000 : CHALLENGE_SESSION_MS
}

interface Pending {
  username: string
  challenge: string
  clientId: string
  expiresAt: number
}

interface AuthOutput {
  Session?: unknown
  ChallengeName?: unknown
  ChallengeParameters?: Record<string, unknown>
}

interface Request {
  ClientId?: unknown
  UserPoolId?: unknown
  Session?: unknown
  ChallengeName?: unknown
  AuthParameters?: Record<string, unknown>
  ChallengeResponses?: Record<string, unknown>
}

/** One book per emulator (the guard is wrapped anew for every request). */
const books = new WeakMap<Services, Map<string, Pending>>()

function bookOf (services: Services): Map<string, Pending> {
  let book = books.get(services)
  if (!book) books.set(services, book = new Map())
  return book
}

const ANSWERS = ['RespondToAuthChallenge', 'AdminRespondToAuthChallenge']

/**
 * A session handed out by a step between a challenge and its answer (the
 * MFA_SETUP steps AssociateSoftwareToken and VerifySoftwareToken), for the
 * same user, challenge and client: the answer may then present it.
 */
export function rememberChallengeSession (services: Services, session: string, pending: Omit<Pending, 'expiresAt'>): void {
  bookOf(services).set(session, { ...pending, expiresAt: services.clock.get().getTime() + CHALLENGE_SESSION_MS })
}

export const challengeSessions: LocalGuard = {
  name: 'challenge sessions',
  targets: ['InitiateAuth', 'AdminInitiateAuth', ...ANSWERS],
  wrap: (target, next, services) => async (ctx, req: Request) => {
    const book = bookOf(services)
    const now = services.clock.get().getTime()
    let taken: [string, Pending] | undefined

    if (ANSWERS.includes(target) && typeof req.Session === 'string') {
      const pending = book.get(req.Session)
      const user = await userOf(await poolOf(services, ctx, req), ctx, req.ChallengeResponses?.USERNAME)
      const username = user?.Username ?? req.ChallengeResponses?.USERNAME
      if (
        pending === undefined || pending.expiresAt <= now || pending.clientId !== req.ClientId ||
        pending.challenge !== req.ChallengeName || pending.username !== username
      ) {
        throw new NotAuthorizedError('Invalid session for the user, session is expired.')
      }
      // Taken before the answer runs, so a second answer racing this one finds nothing.
      book.delete(req.Session)
      taken = [req.Session, pending]
    }

    let out: AuthOutput
    try {
      out = await next(ctx, req)
    } catch (err) {
      // A refused answer (a wrong code) leaves the session to try again, as Cognito does.
      if (taken) book.set(...taken)
      throw err
    }
    if (typeof out?.Session === 'string' && typeof out.ChallengeName === 'string' && typeof req.ClientId === 'string') {
      for (const [session, pending] of book) if (pending.expiresAt <= now) book.delete(session)
      const named = out.ChallengeParameters?.USER_ID_FOR_SRP ?? req.AuthParameters?.USERNAME ?? req.ChallengeResponses?.USERNAME
      if (typeof named === 'string') {
        const lifetime = await lifetimeMs(services, ctx, req.ClientId)
        book.set(out.Session, { username: named, challenge: out.ChallengeName, clientId: req.ClientId, expiresAt: now + lifetime })
      }
    }
    return out
  }
}
