/**
 * Passkey (WebAuthn) operations, which cognito-local lacks and the local
 * layer cannot stand in for (a real authenticator's attestation and the
 * relying party's origin are the point): answered as Cognito answers a pool
 * without passkeys, WebAuthnNotEnabledException, so local mode says clearly
 * that passkeys are not supported. The access-token guard runs first, as
 * for every user-self call.
 */
import { CognitoError } from 'cognito-local/lib/errors.js'
import type { LocalOperation } from '../local-layer.ts'

const TARGETS = ['StartWebAuthnRegistration', 'CompleteWebAuthnRegistration', 'ListWebAuthnCredentials', 'DeleteWebAuthnCredential']

export const passkeyOperations: LocalOperation[] = TARGETS.map(target => ({
  target,
  route: () => async () => {
    throw new CognitoError('WebAuthnNotEnabledException', 'Passkeys (WebAuthn) are not enabled for this user pool: local mode does not support them.')
  }
}))
