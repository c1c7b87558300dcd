/**
 * The SDK operations the gateway can send, declared per intent module and per
 * feature, and which of them AWS signs (so IAM must allow them). A test
 * checks each declaration against the module's imported commands; the IAM
 * policy (./iam-policy.ts) is built from this list and nothing else.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import type { LoginFlow } from '../config/index.js'

/** What decides whether a module's operations can be sent at all. */
export type Feature =
  /** Always: the public sign-up, sign-in and account operations. */
  | 'selfService'
  /** Always: the pool's settings, read at start. */
  | 'poolSettings'
  /** LOGIN_FLOW=ADMIN_USER_PASSWORD_AUTH: sign-in by the admin operations. */
  | 'adminLoginFlow'
  /** ADMIN_API=true: /admin/*. */
  | 'adminApi'

export interface DeclaredCommands {
  /** The file under src/cognito/ that sends them. */
  module: string
  feature: Feature
  /** Operation names as the SDK model spells them (the command class without "Command"). */
  operations: readonly string[]
}

export const GATEWAY_COMMANDS: readonly DeclaredCommands[] = [
  { module: 'sign-up.ts', feature: 'selfService', operations: ['SignUp', 'ConfirmSignUp', 'ResendConfirmationCode'] },
  {
    module: 'sessions.ts',
    feature: 'selfService',
    operations: ['InitiateAuth', 'RespondToAuthChallenge', 'GetTokensFromRefreshToken', 'RevokeToken']
  },
  { module: 'sessions.ts', feature: 'adminLoginFlow', operations: ['AdminInitiateAuth', 'AdminRespondToAuthChallenge'] },
  { module: 'passwordless.ts', feature: 'selfService', operations: ['InitiateAuth', 'ConfirmSignUp'] },
  { module: 'password-reset.ts', feature: 'selfService', operations: ['ForgotPassword', 'ConfirmForgotPassword'] },
  { module: 'profile.ts', feature: 'selfService', operations: ['GetUser'] },
  {
    module: 'account.ts',
    feature: 'selfService',
    operations: ['UpdateUserAttributes', 'DeleteUserAttributes', 'GetUserAttributeVerificationCode', 'VerifyUserAttribute', 'ChangePassword',
      'GlobalSignOut', 'DeleteUser']
  },
  { module: 'mfa.ts', feature: 'selfService', operations: ['AssociateSoftwareToken', 'VerifySoftwareToken', 'SetUserMFAPreference'] },
  {
    module: 'passkeys.ts',
    feature: 'selfService',
    operations: ['StartWebAuthnRegistration', 'CompleteWebAuthnRegistration', 'ListWebAuthnCredentials', 'DeleteWebAuthnCredential']
  },
  {
    module: 'admin.ts',
    feature: 'adminApi',
    operations: ['AdminCreateUser', 'AdminGetUser', 'AdminUpdateUserAttributes', 'AdminDeleteUserAttributes', 'AdminDeleteUser',
      'AdminDisableUser', 'AdminEnableUser', 'AdminResetUserPassword', 'AdminSetUserPassword', 'AdminConfirmSignUp',
      'AdminUserGlobalSignOut', 'AdminAddUserToGroup', 'AdminRemoveUserFromGroup', 'AdminListGroupsForUser', 'ListUsers', 'ListGroups',
      'ListUsersInGroup']
  },
  { module: 'user-sessions.ts', feature: 'selfService', operations: ['ListUserSessions', 'RevokeUserSession'] },
  { module: 'admin-sessions.ts', feature: 'adminApi', operations: ['AdminListUserSessions', 'AdminRevokeUserSession'] },
  {
    module: 'helpdesk.ts',
    feature: 'adminApi',
    operations: ['AdminGetUser', 'AdminSetUserMFAPreference', 'CreateGroup', 'GetGroup', 'UpdateGroup', 'DeleteGroup', 'AdminListUserAuthEvents',
      'AdminUpdateAuthEventFeedback', 'AdminListDevices', 'AdminForgetDevice', 'AdminLinkProviderForUser', 'AdminDisableProviderForUser',
      'AdminGetUserAuthFactors']
  },
  { module: 'auth-factors.ts', feature: 'selfService', operations: ['GetUserAuthFactors'] },
  { module: 'pool.ts', feature: 'poolSettings', operations: ['DescribeUserPool', 'DescribeUserPoolClient', 'GetUserPoolMfaConfig'] }
]

/** What a deployment has turned on. */
export interface EnabledFeatures {
  loginFlow: LoginFlow
  adminApi: boolean
}

export function isEnabled (feature: Feature, enabled: EnabledFeatures): boolean {
  switch (feature) {
    case 'selfService':
    case 'poolSettings':
      return true
    case 'adminLoginFlow':
      return enabled.loginFlow === 'ADMIN_USER_PASSWORD_AUTH'
    case 'adminApi':
      return enabled.adminApi
  }
}

let schemes: CognitoIdentityProviderClient['config']['httpAuthSchemeProvider'] | undefined

/**
 * Whether AWS signs `operation` (SigV4, so IAM decides), by the SDK model: its
 * auth scheme provider names the operations that carry no signature
 * (`smithy.api#noAuth`: the user's token or the client's secret authorizes them).
 */
export function isSigned (operation: string): boolean {
  if (schemes === undefined) {
    // The provider the client resolves by default: the SDK model's per-operation auth, as a function.
    const client = new CognitoIdentityProviderClient({ region: 'us-east-1' })
    schemes = client.config.httpAuthSchemeProvider
    client.destroy()
  }
  const options = schemes({ operation, region: 'us-east-1' })
  return options.some(option => option.schemeId === 'aws.auth#sigv4')
}
