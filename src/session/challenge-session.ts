/**
 * Challenge sessions handed to clients are ours: Cognito's opaque session
 * sealed together with the username, the challenge name, the app client and
 * an expiry (Cognito's own session lives as long as the app client's
 * AuthSessionValidity: 3 minutes by default, up to 15). POST /auth/challenge
 * accepts only such a value, for that user and that challenge, before it
 * asks Cognito anything: a made-up, altered, expired or re-bound session
 * never reaches Cognito (where an emulator, or a lenient flow, might take it).
 */
import { ApiError } from '../errors/catalog.js'
import type { Sealer } from './seal.js'

/** Cognito ends a challenge session after 3 minutes, unless the app client says otherwise (AuthSessionValidity). */
export const CHALLENGE_LIFETIME_MS = 3 * 60 * 1000
const PURPOSE = 'challenge-session'

interface Sealed {
  /** Cognito's session. */
  s: string
  /** Username the session was issued for (as the client is told to send it back). */
  u: string
  /** Challenge name. */
  c: string
  /** App client id. */
  a: string
  /** Expiry, epoch ms. */
  e: number
  /** SELECT_MFA_TYPE: the MFA types Cognito offered (MFAS_CAN_CHOOSE), the only answers accepted. */
  o?: string[]
}

export interface ChallengeSessions {
  seal (input: { session: string, username: string, challenge: string, offered?: readonly string[] }): string
  /** Cognito's session inside `sealed`, if it was issued for this user and challenge and has not expired; else SIGN_IN_RESTART. */
  open (sealed: string, expected: { username: string, challenge: string }): string
  /** The choices sealed with the session (SELECT_MFA_TYPE's offer); undefined when none, or the value is not ours. */
  offered (sealed: string): readonly string[] | undefined
}

export function createChallengeSessions (
  sealer: Sealer,
  clientId: string,
  now: () => number = Date.now,
  /** The app client's AuthSessionValidity, as last read. */
  lifetimeMs: () => number = () => CHALLENGE_LIFETIME_MS
): ChallengeSessions {
  return {
    seal ({ session, username, challenge, offered }) {
      const value: Sealed = { s: session, u: username, c: challenge, a: clientId, e: now() + lifetimeMs() }
      if (offered !== undefined) value.o = [...offered]
      return sealer.seal(PURPOSE, JSON.stringify(value))
    },

    open (sealed, expected) {
      const value = parse(sealer.unseal(PURPOSE, sealed))
      if (value === undefined || value.u !== expected.username || value.c !== expected.challenge || value.a !== clientId || value.e <= now()) {
        throw new ApiError('SIGN_IN_RESTART', { detail: 'The sign-in session is invalid or expired; start the sign-in again.' })
      }
      return value.s
    },
    offered (sealed) {
      const offered = parse(sealer.unseal(PURPOSE, sealed))?.o
      return Array.isArray(offered) && offered.every(choice => typeof choice === 'string') ? offered : undefined
    }
  }
}

function parse (text: string | undefined): Sealed | undefined {
  if (text === undefined) return undefined
  try {
    const value = JSON.parse(text) as Partial<Sealed>
    return typeof value.s === 'string' && typeof value.u === 'string' && typeof value.c === 'string' &&
      typeof value.a === 'string' && typeof value.e === 'number'
      ? value as Sealed
      : undefined
  } catch {
    return undefined
  }
}
