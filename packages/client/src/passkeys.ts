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

/** Adds a passkey to the signed-in user: the authenticator is asked, then the service keeps it at Cognito. */
export async function registerPasskey (client: BffClient, credentials: CredentialsContainer = navigator.credentials): Promise<void> {
  const start = await unwrap(client.api.POST('/me/passkeys/start'))
  const created = await credentials.create({ publicKey: creationOptions(start.credentialCreationOptions) })
  if (!created) throw new Error('no passkey was created')
  await unwrap(client.api.POST('/me/passkeys/complete', { body: { credential: credentialJson(created as PublicKeyCredential) } }))
}

/** Answers the `passkey` step with the authenticator's assertion; the next step (usually done). */
export async function answerWithPasskey (
  client: BffClient,
  step: { challenge: ChallengeContext, options: string | undefined },
  credentials: CredentialsContainer = navigator.credentials
): Promise<SignInStep> {
  const parsed = JSON.parse(step.options ?? '{}') as Json
  const assertion = await credentials.get({ publicKey: requestOptions(parsed) })
  if (!assertion) throw new Error('no passkey was chosen')
  return await continueSignIn(client, step, { credential: credentialJson(assertion as PublicKeyCredential) })
}
