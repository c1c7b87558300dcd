/**
 * The SDK client and the one way to call it: every call goes through `call`,
 * which maps whatever the SDK throws through the error table, and every
 * SECRET_HASH comes from the context's `hashFor`. Intent modules receive a
 * CognitoContext and never build clients of their own.
 */
import { CognitoIdentityProviderClient, type CodeDeliveryDetailsType } from '@aws-sdk/client-cognito-identity-provider'
import type { LoginFlow, Pool } from '../config/index.js'
import { isDailyEmailQuota } from './cognito-messages.js'
import { cognitoRequestHandler } from './connections.js'
import { toApiError } from './error-table.js'
import type { Operation } from './operations.js'
import { isNetworkError } from './network-errors.js'
import { secretHash } from './secret-hash.js'
import type { CodeDelivery, UserContext } from './types.js'

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
    // No retries in the SDK: it would retry a timed-out SignUp or ConfirmForgotPassword, which may
    // have happened (a slow Lambda trigger), and send a second e-mail or burn a single-use session.
    // `call` retries the operations that are safe to repeat; the request handler sends again, once,
    // a request that went out on a keep-alive socket the peer had closed (it never reached Cognito).
    maxAttempts: 1,
    requestHandler: cognitoRequestHandler({
      connectionTimeout: Math.min(connection.timeoutMs, 3000),
      requestTimeout: connection.timeoutMs
    })
  })
}

/** One call to Cognito as an observer (metrics) sees it: an SDK command, or the hosted UI's token endpoint (OAuthToken). */
export interface CognitoCall {
  /** The SDK command without "Command" (InitiateAuth), or OAuthToken. */
  operation: string
  /** 'ok', or what failed: the exception's name (NotAuthorizedException, TimeoutError) or the OAuth error. */
  outcome: string
  seconds: number
  /** The call failed on the daily e-mail limit of Cognito's own sender (a LimitExceededException that is not about attempts). */
  dailyEmailQuota?: true
}

export type CallListener = (call: CognitoCall) => void

/**
 * Asked before every call to Cognito, with the operation (as CognitoCall
 * names it): resolves to let it go, or throws (an ApiError) to refuse it
 * without sending anything. The quota limiter (plugins/cognito-quotas.ts).
 */
export type Admission = (operation: string) => Promise<void>

/**
 * Reports every command the SDK client sends, attempt by attempt, with its
 * outcome and duration: one middleware on the client, so no intent module
 * has to remember. Costs nothing beyond a clock read while nobody listens.
 */
export function observeSdk (sdk: SdkClient, report: CallListener, listening: () => boolean, admit?: () => Admission | undefined): void {
  sdk.middlewareStack.add((next, context) => async args => {
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '')
    // A refused call is not a call to Cognito: it is neither sent nor reported.
    await admit?.()?.(operation)
    if (!listening()) return await next(args)
    const started = performance.now()
    try {
      const result = await next(args)
      report({ operation, outcome: 'ok', seconds: (performance.now() - started) / 1000 })
      return result
    } catch (err) {
      const { name = 'Error', message = '' } = (err ?? {}) as Partial<Error>
      const quota = isDailyEmailQuota(name, String(message)) ? { dailyEmailQuota: true as const } : {}
      report({ operation, outcome: name, seconds: (performance.now() - started) / 1000, ...quota })
      throw err
    }
  }, { step: 'initialize', priority: 'high' })
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

/** Operations that change nothing, or nothing more when repeated: the only ones retried. */
const IDEMPOTENT: ReadonlySet<Operation> = new Set(['GetUser', 'RevokeToken'])
const ATTEMPTS = 3
// Throttling is never retried: a retry is more load exactly when Cognito pushes back (the pool's quota
// is the account's, shared by every instance); the caller gets 429 with Retry-After instead.
const RETRYABLE = new Set(['InternalErrorException', 'TimeoutError', 'RequestTimeout'])
const THROTTLING = new Set(['TooManyRequestsException', 'ThrottlingException'])

/**
 * Runs one SDK call; anything it throws becomes an ApiError for `operation`.
 * Idempotent operations are tried up to three times on outages and timeouts,
 * with full-jitter backoff (so many instances do not retry in step); never on
 * throttling; everything else is tried once.
 */
export async function call<T> (operation: Operation, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (err) {
      if (!IDEMPOTENT.has(operation) || attempt >= ATTEMPTS || !isRetryable(err)) throw toApiError(operation, err)
      await new Promise(resolve => setTimeout(resolve, Math.random() * Math.min(1000, 100 * 2 ** attempt)))
    }
  }
}

function isRetryable (err: unknown): boolean {
  const e = err as { name?: string, $metadata?: { httpStatusCode?: number } }
  if (THROTTLING.has(e?.name ?? '')) return false
  return RETRYABLE.has(e?.name ?? '') || isNetworkError(err) || (e?.$metadata?.httpStatusCode ?? 0) >= 500
}

/** ClientMetadata for Lambda triggers: undefined when there is none, so nothing empty is sent. */
export function clientMetadata (metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  return metadata === undefined || Object.keys(metadata).length === 0 ? undefined : metadata
}

/** UserContextData for the public operations. */
export function userContextData (context: UserContext | undefined): { IpAddress: string, EncodedData?: string } | undefined {
  return context === undefined ? undefined : { IpAddress: context.ipAddress, EncodedData: context.encodedData }
}

/** ContextData for the admin operations (AdminInitiateAuth, AdminRespondToAuthChallenge). */
export function adminContextData (context: UserContext | undefined) {
  return context === undefined
    ? undefined
    : {
        IpAddress: context.ipAddress,
        ServerName: context.serverName,
        ServerPath: context.serverPath,
        HttpHeaders: context.headers,
        EncodedData: context.encodedData
      }
}

export function codeDelivery (details: CodeDeliveryDetailsType | undefined): CodeDelivery | undefined {
  if (!details) return undefined
  return { medium: details.DeliveryMedium, destination: details.Destination, attribute: details.AttributeName }
}
