/**
 * Reading a JWT's claims *without* verifying it. Only for values Cognito just
 * handed us (expiry, username), never for deciding who a caller is: that is
 * the verifier's job.
 */
export function unverifiedClaims (jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split('.')[1]
  if (!payload) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return claims && typeof claims === 'object' ? claims as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/** Seconds until the JWT's `exp` (a cookie should not outlive its token); 0 if unreadable. */
export function secondsLeft (jwt: string): number {
  const exp = unverifiedClaims(jwt)?.exp
  return typeof exp === 'number' ? Math.max(0, Math.floor(exp - Date.now() / 1000)) : 0
}
