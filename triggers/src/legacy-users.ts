/**
 * The legacy user service's client (its contract: triggers/README.md). `POST LEGACY_USERS_URL` with
 * `{ username, password? }` and `Authorization: Bearer <secret>`: 200 `{ attributes: { email, … } }` is a
 * known user (and, with a password, the right one); 401 a wrong password; 404 no such user; anything else,
 * or no answer in time, is an outage. Never logs the password, nor the body it sent.
 */

export type LegacyAnswer =
  | { kind: 'found', attributes: Record<string, string> }
  | { kind: 'wrong-password' }
  | { kind: 'not-found' }

export class LegacyUnavailableError extends Error {
  constructor (detail: string) {
    super('the account service is unavailable; try again later')
    this.name = 'LegacyUnavailableError'
    // For the log only: a status or a timeout, never the request body.
    this.cause = detail
  }
}

/** Largest answer read: a user's attributes fit in far less. */
const MAX_ANSWER_BYTES = 64 * 1024

export async function askLegacy (
  url: URL, secret: string, body: { username: string, password?: string }, timeoutMs: number
): Promise<LegacyAnswer> {
  let answer: Response
  try {
    answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify(body),
      redirect: 'error', // a redirect would resend the password elsewhere
      signal: AbortSignal.timeout(timeoutMs)
    })
  } catch (error) {
    throw new LegacyUnavailableError(error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable')
  }
  if (answer.status === 401) return drained(answer, { kind: 'wrong-password' })
  if (answer.status === 404) return drained(answer, { kind: 'not-found' })
  if (answer.status !== 200) return drained(answer, undefined, `answered ${answer.status}`)
  let parsed: unknown
  try {
    const text = await answer.text()
    if (text.length > MAX_ANSWER_BYTES) throw new Error('too long')
    parsed = JSON.parse(text)
  } catch {
    throw new LegacyUnavailableError('answered 200 with a body that is not the contract\'s JSON')
  }
  const attributes = (parsed as { attributes?: unknown } | null)?.attributes
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new LegacyUnavailableError('answered 200 without an attributes object')
  }
  const strings: Record<string, string> = {}
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'string') strings[name] = value
  }
  return { kind: 'found', attributes: strings }
}

async function drained (answer: Response, result: LegacyAnswer | undefined, detail = ''): Promise<LegacyAnswer> {
  await answer.body?.cancel()
  if (result === undefined) throw new LegacyUnavailableError(detail)
  return result
}
