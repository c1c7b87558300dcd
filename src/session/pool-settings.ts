/**
 * What the service derives from its pool instead of assuming it: the
 * lifetimes, revocation, MFA and attribute permissions the app client and the
 * pool are set to (DescribeUserPoolClient, GetUserPoolMfaConfig). Before the
 * pool could be read (IAM refuses the Describe calls, Cognito unreachable),
 * the values the service always assumed: Cognito's defaults, or longer where
 * a longer value is the safe side (revocation retention).
 */
import type { TimeUnitsType } from '@aws-sdk/client-cognito-identity-provider'
import type { PoolDescription } from '../cognito/gateway.js'

export interface PoolSettings {
  /** How long a challenge session is good for (the client's AuthSessionValidity; Cognito's default 3 min). */
  challengeLifetimeMs: number
  /** How long a refresh token lives (the client's refresh-token validity; Cognito's default 30 days): the refresh cookie's Max-Age. */
  refreshLifetimeSeconds: number
  /** The longest an access or ID token lives: how long a revocation or a sign-out mark must be kept. */
  longestTokenSeconds: number
  /** Whether the client has token revocation (RevokeToken answers UnsupportedOperationException without it). */
  revocation: boolean
  /** The pool requires MFA (MfaConfiguration ON): a user may not turn their last factor off. */
  mfaRequired: boolean
  /** The attributes the client may read, or undefined for all of them. */
  readable: ReadonlySet<string> | undefined
  /** The attributes the client may write, or undefined for all of them. */
  writable: ReadonlySet<string> | undefined
  /** The client's registered sign-out URLs, or undefined when the pool was not read (the service cannot tell). */
  signOutUrls: readonly string[] | undefined
}

/** What the service assumed before it read its pool; still its values when the pool cannot be read. */
export const ASSUMED: PoolSettings = {
  challengeLifetimeMs: 3 * 60 * 1000,
  refreshLifetimeSeconds: 30 * 24 * 3600,
  // Cognito's access and ID tokens live at most a day.
  longestTokenSeconds: 24 * 3600,
  revocation: true,
  mfaRequired: false,
  readable: undefined,
  writable: undefined,
  signOutUrls: undefined
}

const SECONDS: Record<TimeUnitsType, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 }

/** A validity in seconds: `value` in `unit` (Cognito's default unit when unset), or `fallback` seconds when the value is unset. */
function validity (value: number | undefined, unit: TimeUnitsType | undefined, defaultUnit: TimeUnitsType, fallback: number): number {
  return value === undefined ? fallback : value * SECONDS[unit ?? defaultUnit]
}

/** The settings the service runs on: derived from `description` when the pool was read, else ASSUMED. */
export function settingsFrom (description: PoolDescription | undefined): PoolSettings {
  if (description === undefined) return ASSUMED
  const { client, mfa } = description
  const units = client.TokenValidityUnits ?? {}
  const list = (names: string[] | undefined) => names === undefined || names.length === 0 ? undefined : new Set(names)
  return {
    challengeLifetimeMs: (client.AuthSessionValidity ?? 3) * 60 * 1000,
    refreshLifetimeSeconds: validity(client.RefreshTokenValidity, units.RefreshToken, 'days', ASSUMED.refreshLifetimeSeconds),
    longestTokenSeconds: Math.max(
      validity(client.AccessTokenValidity, units.AccessToken, 'hours', 3600),
      validity(client.IdTokenValidity, units.IdToken, 'hours', 3600)
    ),
    // Cognito always answers it; unset (an emulator, a mock) is taken as Cognito's default for new clients: on.
    revocation: client.EnableTokenRevocation !== false,
    mfaRequired: (mfa.MfaConfiguration ?? description.pool.MfaConfiguration) === 'ON',
    readable: list(client.ReadAttributes),
    writable: list(client.WriteAttributes),
    signOutUrls: client.LogoutURLs ?? []
  }
}

/** The attributes the client may read (`sub` always: Cognito answers it to every client). */
export function readableOnly (settings: Pick<PoolSettings, 'readable'>, attributes: Record<string, string>): Record<string, string> {
  const { readable } = settings
  if (readable === undefined) return attributes
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => name === 'sub' || readable.has(name)))
}

/** The names in `names` the client may not write. */
export function notWritable (settings: Pick<PoolSettings, 'writable'>, names: string[]): string[] {
  const { writable } = settings
  return writable === undefined ? [] : names.filter(name => !writable.has(name))
}
