/**
 * Which of Cognito's request-rate quota categories each call this service
 * sends counts against (the "API operation categories and request rate
 * quotas" table of https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html).
 * Keyed by SDK command without "Command", plus OAuthToken for the hosted UI's
 * token endpoint; a test checks every command the gateway can send is here.
 */
import type { QuotaCategory } from '../config/variables/cognito.js'

export const QUOTA_CATEGORY_OF: Readonly<Record<string, QuotaCategory>> = {
  // Signing in, its challenges, and the tokens it hands out.
  InitiateAuth: 'UserAuthentication',
  RespondToAuthChallenge: 'UserAuthentication',
  AdminInitiateAuth: 'UserAuthentication',
  AdminRespondToAuthChallenge: 'UserAuthentication',
  GetTokensFromRefreshToken: 'UserAuthentication',
  RevokeToken: 'UserAuthentication',
  // The hosted UI's /oauth2/token: a code exchange after a (possibly federated) sign-in.
  OAuthToken: 'UserFederation',
  // Creating accounts.
  SignUp: 'UserCreation',
  ConfirmSignUp: 'UserCreation',
  ResendConfirmationCode: 'UserCreation',
  AdminCreateUser: 'UserCreation',
  // Passwords.
  ForgotPassword: 'UserAccountRecovery',
  ConfirmForgotPassword: 'UserAccountRecovery',
  ChangePassword: 'UserAccountRecovery',
  AdminResetUserPassword: 'UserAccountRecovery',
  AdminSetUserPassword: 'UserAccountRecovery',
  // Reading one user.
  GetUser: 'UserRead',
  AdminGetUser: 'UserRead',
  AdminListGroupsForUser: 'UserRead',
  ListWebAuthnCredentials: 'UserRead',
  ListUserSessions: 'UserRead',
  AdminListUserSessions: 'UserRead',
  GetUserAuthFactors: 'UserRead',
  AdminGetUserAuthFactors: 'UserRead',
  AdminListUserAuthEvents: 'UserRead',
  AdminListDevices: 'UserRead',
  // Changing one user.
  UpdateUserAttributes: 'UserUpdate',
  DeleteUserAttributes: 'UserUpdate',
  GetUserAttributeVerificationCode: 'UserUpdate',
  VerifyUserAttribute: 'UserUpdate',
  SetUserMFAPreference: 'UserUpdate',
  AssociateSoftwareToken: 'UserUpdate',
  VerifySoftwareToken: 'UserUpdate',
  StartWebAuthnRegistration: 'UserUpdate',
  CompleteWebAuthnRegistration: 'UserUpdate',
  DeleteWebAuthnCredential: 'UserUpdate',
  RevokeUserSession: 'UserUpdate',
  AdminRevokeUserSession: 'UserUpdate',
  GlobalSignOut: 'UserUpdate',
  DeleteUser: 'UserUpdate',
  AdminUpdateUserAttributes: 'UserUpdate',
  AdminDeleteUserAttributes: 'UserUpdate',
  AdminDeleteUser: 'UserUpdate',
  AdminDisableUser: 'UserUpdate',
  AdminEnableUser: 'UserUpdate',
  AdminConfirmSignUp: 'UserUpdate',
  AdminUserGlobalSignOut: 'UserUpdate',
  AdminAddUserToGroup: 'UserUpdate',
  AdminRemoveUserFromGroup: 'UserUpdate',
  AdminSetUserMFAPreference: 'UserUpdate',
  AdminUpdateAuthEventFeedback: 'UserUpdate',
  AdminForgetDevice: 'UserUpdate',
  AdminLinkProviderForUser: 'UserUpdate',
  AdminDisableProviderForUser: 'UserUpdate',
  // Listing users and groups.
  ListUsers: 'UserList',
  ListUsersInGroup: 'UserList',
  ListGroups: 'UserList',
  // The pool's own settings.
  DescribeUserPool: 'UserResourceRead',
  DescribeUserPoolClient: 'UserResourceRead',
  GetUserPoolMfaConfig: 'UserResourceRead',
  GetProvisionedLimit: 'UserResourceRead',
  GetGroup: 'UserResourceRead',
  // Changing the pool's own resources.
  CreateGroup: 'UserResourceUpdate',
  UpdateGroup: 'UserResourceUpdate',
  DeleteGroup: 'UserResourceUpdate'
}

/** The category `operation` counts against, or undefined for one this table does not know (not limited, never refused). */
export function quotaCategoryOf (operation: string): QuotaCategory | undefined {
  return Object.hasOwn(QUOTA_CATEGORY_OF, operation) ? QUOTA_CATEGORY_OF[operation] : undefined
}
