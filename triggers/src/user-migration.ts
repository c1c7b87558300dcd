/**
 * User migration trigger: a user unknown to the pool, signing in with a password or asking for a reset, is
 * looked up in the legacy user service; found (and, at sign-in, with the right password), Cognito creates them
 * confirmed, e-mail verified, without a welcome message. A refusal is Cognito's sign-in failure; an outage
 * refuses too, with a message saying so: a legacy service down never lets a sign-in through.
 * The password goes to the legacy service only, over HTTPS; it is never logged.
 */
import type { UserMigrationTriggerEvent } from 'aws-lambda'
import { type Env, boundedInteger, endpoint } from './env.ts'
import { askLegacy, LegacyUnavailableError } from './legacy-users.ts'
import { readSecret } from './secret.ts'

/** Within Cognito's 5 s budget for a trigger, leaving room for the rest of the invocation. */
export const DEFAULT_TIMEOUT_MS = 4000

/** The refusal, a wrong password or an unknown user alike (AWS's example says "Bad password"/"Bad user": that tells them apart). */
export const REFUSED = 'Incorrect username or password'

/** Attributes Cognito owns or refuses at creation: never taken from the legacy answer. */
const NOT_COPIED = new Set(['sub', 'email_verified', 'phone_number_verified', 'cognito:user_status', 'identities'])

export async function handler (event: UserMigrationTriggerEvent): Promise<UserMigrationTriggerEvent> {
  return migrateUser(event, process.env)
}

export async function migrateUser (event: UserMigrationTriggerEvent, env: Env): Promise<UserMigrationTriggerEvent> {
  const url = endpoint(env, 'LEGACY_USERS_URL')
  const timeoutMs = boundedInteger(env, 'LEGACY_USERS_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 100, 4500)
  const secret = await readSecret(env, 'LEGACY_USERS_SECRET')
  if (secret === undefined) throw new Error('LEGACY_USERS_SECRET (or LEGACY_USERS_SECRET_ARN) is not set')

  const signIn = event.triggerSource === 'UserMigration_Authentication'
  const body = signIn ? { username: event.userName, password: event.request.password } : { username: event.userName }
  let answer
  try {
    answer = await askLegacy(url, secret, body, timeoutMs)
  } catch (error) {
    if (error instanceof LegacyUnavailableError) {
      console.error(JSON.stringify({ msg: 'legacy user service unavailable', trigger: event.triggerSource, detail: error.cause }))
    }
    throw error
  }
  // Cognito turns a thrown error into the sign-in's failure, and may pass its message on (the service shows a
  // trigger's message to the user): one message for both refusals, so it never tells whether the user exists.
  if (answer.kind === 'wrong-password' || answer.kind === 'not-found') throw new Error(REFUSED)

  const attributes: Record<string, string> = {}
  for (const [name, value] of Object.entries(answer.attributes)) {
    if (!NOT_COPIED.has(name)) attributes[name] = value
  }
  if (attributes.email === undefined) throw new Error('the account service gave no e-mail address for this user')
  // The legacy service vouches for the address: the person signed in with it there (or will reset through it).
  attributes.email_verified = 'true'
  event.response.userAttributes = attributes
  // At sign-in the password was just checked: the user is created confirmed, with it. In the forgot-password flow
  // there is no password yet: Cognito creates the user awaiting the reset (AWS's own example sets no status there).
  if (signIn) event.response.finalUserStatus = 'CONFIRMED'
  event.response.messageAction = 'SUPPRESS'
  return event
}
