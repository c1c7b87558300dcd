/**
 * Shared state that every BFF instance must agree on. In memory for one
 * instance; a Redis implementation behind the same interface is the way to
 * run several.
 */
export interface SharedStore {
  /** Marks a token id revoked until `expiresAt` (epoch seconds), after which it is dead anyway. */
  revokeToken (jti: string, expiresAt: number): Promise<void>
  isTokenRevoked (jti: string): Promise<boolean>
  close (): Promise<void>
}
