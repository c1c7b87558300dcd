/**
 * Every timeout the tests give the service under test, and every deadline a
 * test waits on, in one place.
 *
 * They are generous: on a busy machine (the whole suite on two cores, a CI
 * runner shared with other jobs) a step may take many times longer than on an
 * idle one. A test waits for a condition and goes on as soon as it holds, so a
 * long deadline costs nothing when things work. TEST_TIMEOUT_FACTOR (default
 * 1) scales them all, for a machine slower still.
 *
 * A test of a timeout itself does not race a real answer against it: it gives
 * a server that never answers (so the timeout is the only way out) a short
 * timeout, NEVER_ANSWERS_TIMEOUT_MS, and gives anything that does answer one of
 * the generous ones.
 */
import { setTimeout as sleep } from 'node:timers/promises'

function factorFromEnv (): number {
  const raw = process.env.TEST_TIMEOUT_FACTOR
  if (raw === undefined || raw === '') return 1
  const factor = Number(raw)
  if (!Number.isFinite(factor) || factor < 1) throw new Error(`TEST_TIMEOUT_FACTOR must be a number of at least 1, not ${JSON.stringify(raw)}`)
  return factor
}

export const TIMEOUT_FACTOR = factorFromEnv()

/** `ms` scaled by TEST_TIMEOUT_FACTOR. */
export function scaled (ms: number): number {
  return Math.round(ms * TIMEOUT_FACTOR)
}

/** Calls to Cognito (the emulator, or a fake that answers) by the app or a gateway under test: COGNITO_TIMEOUT_MS. */
export const COGNITO_TIMEOUT_MS = scaled(30_000)

/** JWKS fetches by the verifier under test (from the emulator or a JWKS server that answers): JWKS_TIMEOUT_MS. */
export const JWKS_TIMEOUT_MS = scaled(30_000)

/** How long a request may take to arrive at an app under test over a real socket: REQUEST_TIMEOUT_MS. */
export const REQUEST_TIMEOUT_MS = scaled(60_000)

/**
 * The timeout given to a call whose server never answers: the only way out is the timeout, so it need not be
 * long to be robust, and a short one keeps the test quick.
 */
export const NEVER_ANSWERS_TIMEOUT_MS = 300

/**
 * What a timed test allows past the timeout it checks ("gave up after the timeout, not much later"), and the most
 * an answer said to come "at once" may take: room for a busy machine, far from the minutes a hang would take.
 */
export const LATE_MS = scaled(5000)

/** A service or process started by a test answers /readyz (or /healthz) within this. */
export const READY_MS = scaled(120_000)

/** The default deadline of `until`: for a condition that holds in milliseconds on an idle machine. */
export const CONDITION_MS = scaled(30_000)

/** Playwright's default for each action and wait of the end-to-end tests. */
export const BROWSER_ACTION_MS = scaled(30_000)

/**
 * A per-file (or per-subtest) timeout for tap: `idleMs` as measured on an idle machine, times ten for a busy one
 * (with both cores kept busy and tap's two jobs, files took up to seven times as long), times TEST_TIMEOUT_FACTOR.
 * tap's own default (.taprc) is 120 s.
 */
export function fileTimeout (idleMs: number): number {
  return scaled(idleMs * 10)
}

/**
 * Waits until `condition` holds (returns anything but false, undefined or null), asking every `everyMs`;
 * throws naming `what` if it does not hold within `ms`. Returns what the condition returned.
 */
export async function until<T> (
  condition: () => T | Promise<T>,
  options: { what?: string, ms?: number, everyMs?: number } = {}
): Promise<NonNullable<T>> {
  const { what = 'the condition', ms = CONDITION_MS, everyMs = 20 } = options
  const deadline = Date.now() + ms
  for (;;) {
    const value = await condition()
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`)
    await sleep(everyMs)
  }
}

/**
 * Waits until the clock is in a later whole second than when called: a whole-second timestamp taken before the call
 * (a token's iat, a signed-out mark) is then strictly older than anything issued after it. Not a race: on a busy
 * machine it only returns later, which changes nothing.
 */
export async function nextWholeSecond (): Promise<void> {
  const second = Math.floor(Date.now() / 1000)
  await until(() => Math.floor(Date.now() / 1000) > second, { what: 'the next whole second', everyMs: 10 })
}
