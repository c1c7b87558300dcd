/**
 * The Node error codes that mean "Cognito could not be reached": the one list
 * both `call` (client.ts: retry an idempotent operation) and `toApiError`
 * (error-table.ts: answer 503 UPSTREAM_UNAVAILABLE) go by, so a failure is
 * never retried as an outage and then reported as something else, or the
 * other way round. test/cognito/network-errors.test.ts holds both to it.
 *
 * ENOTFOUND is in: getaddrinfo found no address for the endpoint. From here
 * that is Cognito unreachable, not a fault the client can fix, so 503 with
 * Retry-After, as the hosted UI's token exchange (oauth-token.ts) already
 * answers any failed fetch. It is also how a real AWS outage looks: a regional
 * endpoint's DNS record went empty in us-east-1 in October 2025, and resolvers
 * answer NXDOMAIN for a while after a record comes back. A mistyped endpoint
 * fails the same way, but on every call: each 503 is logged with its cause
 * ("getaddrinfo ENOTFOUND <host>"), and retrying an idempotent call costs it
 * at most two short backoffs.
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', // nothing listens at the endpoint
  'ECONNRESET', // the connection dropped (a reused keep-alive socket is resent once by connections.ts first)
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'EAI_AGAIN', // DNS did not answer in time
  'ENOTFOUND' // DNS answered: no such name (see above)
])

/** Whether `err` is a failure to reach the endpoint at all, by its Node error code. */
export function isNetworkError (err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' && NETWORK_ERROR_CODES.has(code)
}
