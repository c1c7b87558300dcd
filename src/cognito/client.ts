/**
 * The SDK client and the one way to call it: every call goes through `call`,
 * which maps whatever the SDK throws through the error table, and every
 * SECRET_HASH comes from the context's `hashFor`. Intent modules receive a
 * CognitoContext and never build clients of their own.
 */
import { CognitoIdentityProviderClient, type CodeDeliveryDetailsType } from '@aws-sdk/client-cognito-identity-provider'
import type { LoginFlow, Pool } from '../config.js'
import { toApiError, type Operation } from './error-table.js'
import { secretHash } from './secret-hash.js'
import type { CodeDelivery } from './types.js'

export interface Connection {
  region: string
  /** Unset: the regional AWS endpoint. */
  endpoint?: string
  timeoutMs: number
  /** Static credentials (the emulator accepts any); omitted means the SDK's default chain. */
  credentials?: { accessKeyId: string, secretAccessKey: string }
}

/** The emulator accepts any credentials; a fresh object each time, since the SDK annotates the one it is given. */
export const localCredentials = () => ({ accessKeyId: 'local', secretAccessKey: 'local' })

/** The SDK client, by a name the rest of the service can use without importing the SDK. */
export type SdkClient = CognitoIdentityProviderClient

export function createSdkClient (connection: Connection): SdkClient {
  return new CognitoIdentityProviderClient({
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: connection.credentials,
    retryMode: 'standard',
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: Math.min(connection.timeoutMs, 3000),
      requestTimeout: connection.timeoutMs,
      // Without it the SDK only logs a warning when requestTimeout passes, and waits on.
      throwOnRequestTimeout: true
    }
  })
}

/** What every intent module works with. */
export interface CognitoContext {
  sdk: CognitoIdentityProviderClient
  pool: Pool
  loginFlow: LoginFlow
  /** SECRET_HASH for `username`, or undefined when the app client has no secret. */
  hashFor (username: string): string | undefined
}

export function cognitoContext (sdk: CognitoIdentityProviderClient, pool: Pool, loginFlow: LoginFlow): CognitoContext {
  const { clientId, clientSecret } = pool
  return {
    sdk,
    pool,
    loginFlow,
    hashFor: username => clientSecret === undefined ? undefined : secretHash(username, clientId, clientSecret)
  }
}

/** Runs one SDK call; anything it throws becomes an ApiError for `operation`. */
export async function call<T> (operation: Operation, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    throw toApiError(operation, err)
  }
}

export function codeDelivery (details: CodeDeliveryDetailsType | undefined): CodeDelivery | undefined {
  if (!details) return undefined
  return { medium: details.DeliveryMedium, destination: details.Destination, attribute: details.AttributeName }
}
