/**
 * The Cognito gateway: the only door to the AWS SDK. Its type is a declared
 * interface (a test may implement it); the real one is composed of one intent
 * module per concern, all sharing one SDK client and one SECRET_HASH rule.
 */
import type { Config, LoginFlow, Pool } from '../config/index.js'
import { adminIntents, type AdminIntents } from './admin.js'
import { adminSessionIntents, type AdminSessionIntents } from './admin-sessions.js'
import { accountIntents, type AccountIntents } from './account.js'
import { authFactorIntents, type AuthFactorIntents } from './auth-factors.js'
import {
  cognitoContext, createSdkClient, localCredentials, observeSdk, type Admission, type CallListener, type CognitoCall, type SdkClient
} from './client.js'
import { mfaIntents, type MfaIntents } from './mfa.js'
import { helpdeskIntents, type HelpdeskIntents } from './helpdesk.js'
import { hostedUiIntents, type HostedUiIntents } from './oauth-token.js'
import { passkeyIntents, type PasskeyIntents } from './passkeys.js'
import { passwordResetIntents, type PasswordResetIntents } from './password-reset.js'
import { passwordlessIntents, type PasswordlessIntents } from './passwordless.js'
import { poolIntents, type PoolIntents } from './pool.js'
import { profileIntents, type ProfileIntents } from './profile.js'
import { sessionIntents, type SessionIntents } from './sessions.js'
import { signUpIntents, type SignUpIntents } from './sign-up.js'
import { userSessionIntents, type UserSessionIntents } from './user-sessions.js'

export type { Admission, CallListener, CognitoCall } from './client.js'
export type { PoolDescription } from './pool.js'
export type { UserSession } from './user-sessions.js'
export type { AuthResult, CodeDelivery, SignUpResult, Tokens, UserContext, UserProfile } from './types.js'

export interface CognitoGateway extends SignUpIntents, SessionIntents, PasswordResetIntents, ProfileIntents, HostedUiIntents,
  AccountIntents, AdminIntents, PasswordlessIntents, PasskeyIntents, MfaIntents, PoolIntents, UserSessionIntents,
  AdminSessionIntents, HelpdeskIntents, AuthFactorIntents {
  /** Whether calls naming a user need SECRET_HASH (and so the username). */
  readonly hasClientSecret: boolean
  /**
   * Calls `listener` after every call to Cognito (each SDK attempt, and the
   * hosted UI's token endpoint); returns the function that stops it. Optional:
   * a gateway a test writes need not be observable.
   */
  observe? (listener: CallListener): () => void
  /** Puts `admission` in front of every call to Cognito from now on (one at a time: a second replaces the first). Optional, like observe. */
  admitWith? (admission: Admission): void
  /** Releases the SDK client's sockets. */
  close (): void
}

export interface GatewayOptions {
  pool: Pool
  loginFlow: LoginFlow
  timeoutMs: number
  /** The hosted UI's base URL, for its token endpoint; unset: no hosted-UI sign-in. */
  domain?: string
  /** An SDK client to use (the local bootstrap's, or a test's); default: one built for the pool. */
  sdk?: SdkClient
  /** Static credentials for an emulator; omitted means the SDK's default chain. */
  credentials?: { accessKeyId: string, secretAccessKey: string }
}

export function createCognitoGateway (options: GatewayOptions): CognitoGateway {
  const { pool } = options
  const sdk = options.sdk ?? createSdkClient({
    region: pool.region,
    endpoint: pool.endpoint,
    timeoutMs: options.timeoutMs,
    credentials: options.credentials
  })
  const context = cognitoContext(sdk, pool, options.loginFlow)
  const listeners = new Set<CallListener>()
  const report = (call: CognitoCall) => {
    for (const listener of listeners) listener(call)
  }
  let admission: Admission | undefined
  observeSdk(sdk, report, () => listeners.size > 0, () => admission)
  return {
    ...signUpIntents(context),
    ...sessionIntents(context),
    ...passwordlessIntents(context),
    ...passkeyIntents(context),
    ...passwordResetIntents(context),
    ...profileIntents(context),
    ...adminIntents(context),
    ...helpdeskIntents(context),
    ...authFactorIntents(context),
    ...accountIntents(context),
    ...mfaIntents(context),
    ...poolIntents(context),
    ...userSessionIntents(context),
    ...adminSessionIntents(context),
    ...hostedUiIntents(context, {
      domain: options.domain, timeoutMs: options.timeoutMs, report, admit: async operation => await admission?.(operation)
    }),
    hasClientSecret: pool.clientSecret !== undefined,
    observe (listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    admitWith (next) {
      admission = next
    },
    close: () => sdk.destroy()
  }
}

/** The gateway a config describes; local mode's emulator takes any credentials. */
export function gatewayFor (config: Config, sdk?: SdkClient): CognitoGateway {
  return createCognitoGateway({
    pool: config.pool,
    loginFlow: config.cognito.loginFlow,
    timeoutMs: config.cognito.timeoutMs,
    domain: config.hostedUiDomain,
    sdk,
    credentials: config.mode === 'local' ? localCredentials() : undefined
  })
}
