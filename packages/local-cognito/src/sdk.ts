/**
 * An SDK client on the emulator: what the standalone emulator sets its pool up
 * with, and what the local Cognito uses when its caller brings no client of
 * its own. The emulator accepts any credentials.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'

export type SdkClient = CognitoIdentityProviderClient

/** The emulator takes any credentials; a fresh object each time, since the SDK annotates the one it is given. */
export const localCredentials = () => ({ accessKeyId: 'local', secretAccessKey: 'local' })

export function emulatorSdk (endpoint: string, options: { region?: string, timeoutMs?: number } = {}): SdkClient {
  const timeoutMs = options.timeoutMs ?? 10_000
  return new CognitoIdentityProviderClient({
    region: options.region ?? 'us-east-1',
    endpoint,
    credentials: localCredentials(),
    // Unsupported operations answer 500, which the SDK would otherwise retry three times.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 3000), requestTimeout: timeoutMs }
  })
}
