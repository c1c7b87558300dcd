/**
 * An AWS-mode app whose Cognito is a mocked SDK client (aws-sdk-client-mock):
 * for what neither the emulator nor the local layer can answer (a real pool's
 * settings, threat protection's events, devices, sessions tracking off...).
 * Tokens come from the real JWKS server of buildAwsApp; the mock is restored
 * when the test ends. Tests using it say "mocked SDK" in their names or files.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock'
import type { Test } from 'tap'
import { createCognitoGateway } from '../../src/cognito/gateway.js'
import { buildAwsApp, type AwsTestApp } from '../helper.js'
import { COGNITO_TIMEOUT_MS } from './timeouts.js'

export interface MockedCognitoApp extends AwsTestApp {
  /** The mocked client: `.on(Command).resolves(...)`, `.commandCalls(Command)`. */
  cognito: AwsClientStub<CognitoIdentityProviderClient>
}

export async function mockedCognitoApp (t: Test, env: Record<string, string> = {}): Promise<MockedCognitoApp> {
  // One attempt: a mocked failure is the answer, not something the SDK retries.
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  const built = await buildAwsApp(t, {
    env,
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  return { ...built, cognito }
}
