/**
 * For tests that call the emulator as AWS would be called, beside the
 * service: an SDK client on the local-mode app's emulator, and an assert on
 * Cognito's exception name and message.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import type { Test } from 'tap'
import { cognitoRequestHandler } from '../../src/cognito/connections.js'
import type { LocalCognito } from '../../src/local/local-mode.js'

/**
 * A real SDK client pointed at the emulator endpoint: what AWS would be asked.
 * Its connections are the service's own: a test that leaves it idle past the
 * emulator's 5 s keep-alive (a fuzzer's long step) then gets no ECONNRESET.
 */
export function sdkFor (t: { teardown (fn: () => unknown): void }, local: LocalCognito): CognitoIdentityProviderClient {
  const sdk = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: local.config.pool.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: cognitoRequestHandler({ connectionTimeout: 3000, requestTimeout: 10_000 })
  })
  t.teardown(() => sdk.destroy())
  return sdk
}

/** Asserts that `promise` rejects with Cognito's exception `name` and exactly `message`. */
export async function refused (t: Test, promise: Promise<unknown>, name: string, message: string, what?: string): Promise<void> {
  try {
    await promise
    t.fail(`${what ?? name}: expected ${name} "${message}", got success`)
  } catch (err) {
    const e = err as Error
    t.same({ name: e.name, message: e.message }, { name, message }, what ?? `${name}: ${message}`)
  }
}
