/**
 * @cognito-bff/local-cognito: a development stand-in for AWS Cognito, never
 * shipped. What a caller (cognito-bff's local mode, its tests) may use; the
 * rest of the package is internal. See README.md.
 *
 * Importing this module does not load the emulator (cognito-local and the
 * AWS SDK v2 it brings): startLocalCognito does, on first call.
 */
export { startLocalCognito, type LocalCognito, type LocalCognitoOptions } from './local-cognito.ts'
export type { Emulator } from './emulator.ts'
export { createOutbox, type LocalMessage, type Outbox, type OutboxOptions } from './outbox.ts'
export {
  DEMO_ADMIN, DEMO_GROUPS, DEMO_USER, LOCAL_CUSTOM_ATTRIBUTES, LOCAL_OAUTH_SCOPES, LOCAL_PASSWORD_POLICY, type LocalOAuthUrls
} from './local-pool.ts'
export { emulatorSdk, localCredentials, type SdkClient } from './sdk.ts'
export type { LocalTriggerOptions } from './triggers.ts'
export { hashPassword } from './legacy-users.ts'
