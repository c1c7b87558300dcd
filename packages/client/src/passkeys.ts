/**
 * Passkeys through navigator.credentials: registration (a signed-in user adds
 * one: POST /me/passkeys/start, create(), /complete) and sign-in (the
 * `passkey` step: get() with the challenge's options, then its answer). The
 * options arrive as JSON with base64url binaries; the credential goes back so.
 */
import { fromBase64Url, toBase64Url } from './base64url.js'
import type { BffClient } from './client.js'
import { unwrap } from './problem.js'
import { continueSignIn, type ChallengeContext, type SignInStep } from './sign-in.js'

type Json = Record<string, unknown>
type Descriptor = { id: string } & Json

const binary = (value: unknown): ArrayBuffer => fromBase64Url(String(value))
const descriptors = (list: unknown): PublicKeyCredentialDescriptor[] | undefined =>
  Array.isArray(list) ? (list as Descriptor[]).map(d => ({ ...d, id: binary(d.id) }) as PublicKeyCredentialDescriptor) : undefined

/** Cognito's creation options (JSON) as navigator.credentials.create() takes them. */
export function creationOptions (json: Json): PublicKeyCredentialCreationOptions {
  const user = json.user as Json
  return {
    ...json,
    challenge: binary(json.challenge),
    user: { ...user, id: binary(user.id) },
    excludeCredentials: descriptors(json.excludeCredentials)
  } as unknown as PublicKeyCredentialCreationOptions
}

/** Cognito's request options (JSON) as navigator.credentials.get() takes them. */
export function requestOptions (json: Json): PublicKeyCredentialRequestOptions {
  return { ...json, challenge: binary(json.challenge), allowCredentials: descriptors(json.allowCredentials) } as PublicKeyCredentialRequestOptions
}

/** A PublicKeyCredential as the JSON the service passes to Cognito. */
export function credentialJson (credential: PublicKeyCredential) {
  const response: Json = {}
  const raw = credential.response as unknown as Record<string, unknown>
  for (const key of ['clientDataJSON', 'attestationObject', 'authenticatorData', 'signature', 'userHandle']) {
    const value = raw[key]
    if (value instanceof ArrayBuffer) response[key] = toBase64Url(value)
  }
  const transports = (credential.response as AuthenticatorAttestationResponse).getTransports?.()
  if (transports) response.transports = transports
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: 'public-key' as const,
    response,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults() as Json
  }
}

/**
 * Why a ceremony ended without a passkey. `cancelled`: the user cancelled, it timed out, or this device has no passkey
 * for the account (WebAuthn tells these apart from nobody, the page included). `exists`: this device already holds a
 * passkey for the account. `unsupported`: no WebAuthn here (an insecure page, a relying party not matching the page's
 * domain...). `failed`: anything else (`cause` holds the browser's error).
 */
export type PasskeyFailure = 'cancelled' | 'exists' | 'unsupported' | 'failed'

const FAILURES: Record<PasskeyFailure, string> = {
  cancelled: 'No passkey was used: the request was cancelled or timed out, or this device has no passkey for this account.',
  exists: 'This device already has a passkey for this account.',
  unsupported: 'Passkeys cannot be used in this browser or on this page.',
  failed: 'The passkey request failed.'
}

/** A passkey ceremony that ended in the browser: `reason` to branch on, `message` a sentence a UI can show. */
export class PasskeyError extends Error {
  override name = 'PasskeyError'
  constructor (readonly reason: PasskeyFailure, cause?: unknown) {
    super(FAILURES[reason], { cause })
  }
}

const REASONS: Record<string, PasskeyFailure> = {
  NotAllowedError: 'cancelled', AbortError: 'cancelled', InvalidStateError: 'exists', NotSupportedError: 'unsupported', SecurityError: 'unsupported'
}

/** navigator.credentials.create()/get(), its DOMException or empty answer as a PasskeyError. */
async function ceremony (run: (() => Promise<Credential | null>) | undefined): Promise<PublicKeyCredential> {
  if (!run) throw new PasskeyError('unsupported')
  let credential: Credential | null
  try {
    credential = await run()
  } catch (error) {
    throw new PasskeyError(REASONS[(error as Error | undefined)?.name ?? ''] ?? 'failed', error)
  }
  if (!credential) throw new PasskeyError('cancelled')
  return credential as PublicKeyCredential
}

/** The page's credentials container; none outside a secure context (or a browser). */
const browserCredentials = (): CredentialsContainer | undefined => globalThis.navigator?.credentials

/**
 * Adds a passkey to the signed-in user: the authenticator is asked, then the service keeps it at Cognito. The
 * browser's refusals throw a PasskeyError; the service's a ProblemError.
 */
export async function registerPasskey (client: BffClient, credentials = browserCredentials()): Promise<void> {
  const start = await unwrap(client.api.POST('/me/passkeys/start'))
  const publicKey = creationOptions(start.credentialCreationOptions)
  const created = await ceremony(credentials && (() => credentials.create({ publicKey })))
  await unwrap(client.api.POST('/me/passkeys/complete', { body: { credential: credentialJson(created) } }))
}

/**
 * Answers the `passkey` step with the authenticator's assertion; the next step (usually done). No assertion (the user
 * cancelled, no passkey on this device...) throws a PasskeyError and sends nothing: the step can be tried again.
 */
export async function answerWithPasskey (
  client: BffClient,
  step: { challenge: ChallengeContext, options: string | undefined },
  credentials = browserCredentials()
): Promise<SignInStep> {
  const publicKey = requestOptions(JSON.parse(step.options ?? '{}') as Json)
  const assertion = await ceremony(credentials && (() => credentials.get({ publicKey })))
  return await continueSignIn(client, step, { credential: credentialJson(assertion) })
}
