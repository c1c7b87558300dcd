/**
 * The Operations the error table knows (an intent's call to Cognito, as the
 * service names it) and the SDK commands behind each: what the error table's
 * completeness test reads the SDK's model for, and the IAM actions a 500
 * names in the log.
 */
export type Operation =
  | 'StartWebAuthnRegistration' | 'CompleteWebAuthnRegistration' | 'ListWebAuthnCredentials' | 'DeleteWebAuthnCredential'
  | 'SignUp' | 'ConfirmSignUp' | 'ResendConfirmationCode'
  | 'Login' | 'RespondToAuthChallenge' | 'Refresh' | 'RevokeToken' | 'GetUser'
  | 'ForgotPassword' | 'ConfirmForgotPassword'
  | 'UpdateUserAttributes' | 'GetUserAttributeVerificationCode' | 'VerifyUserAttribute' | 'DeleteUserAttributes'
  | 'ChangePassword' | 'GlobalSignOut' | 'DeleteUser'
  | 'AdminCreateUser' | 'AdminUser' | 'AdminConfirmSignUp' | 'ListUsers' | 'AdminGroups'
  | 'AdminMfaReset' | 'AdminCreateGroup' | 'AdminGroupChanges' | 'AdminAuthEvents' | 'AdminAuthEventFeedback' | 'AdminDevices' | 'AdminForgetDevice'
  | 'AdminIdentities' | 'AdminGetUserAuthFactors' | 'GetUserAuthFactors'
  | 'AssociateSoftwareToken' | 'VerifySoftwareToken' | 'SetUserMFAPreference' | 'MfaSetupAssociate' | 'MfaSetupVerify' | 'DescribePool'
  | 'UserSessions' | 'RevokeUserSession' | 'AdminSessions' | 'AdminRevokeSession'

/**
 * The SDK commands behind each Operation: what the completeness test reads the
 * SDK's model for, and the IAM actions a 500 names in the log. Refresh is
 * InitiateAuth (REFRESH_TOKEN_AUTH) or GetTokensFromRefreshToken. A new
 * Operation needs its entry here, and then rows for what its commands throw.
 */
export const OPERATION_COMMANDS: Record<Operation, readonly string[]> = {
  SignUp: ['SignUp'],
  ConfirmSignUp: ['ConfirmSignUp'],
  ResendConfirmationCode: ['ResendConfirmationCode'],
  Login: ['InitiateAuth', 'AdminInitiateAuth'],
  RespondToAuthChallenge: ['RespondToAuthChallenge', 'AdminRespondToAuthChallenge'],
  Refresh: ['GetTokensFromRefreshToken', 'InitiateAuth'],
  RevokeToken: ['RevokeToken'],
  // Passkey registration and management (cognito/passkeys.ts), each called with the user's access token.
  StartWebAuthnRegistration: ['StartWebAuthnRegistration'],
  CompleteWebAuthnRegistration: ['CompleteWebAuthnRegistration'],
  ListWebAuthnCredentials: ['ListWebAuthnCredentials'],
  DeleteWebAuthnCredential: ['DeleteWebAuthnCredential'],
  GetUser: ['GetUser'],
  ForgotPassword: ['ForgotPassword'],
  ConfirmForgotPassword: ['ConfirmForgotPassword'],
  // The signed-in user's own account (cognito/account.ts), each called with their access token.
  UpdateUserAttributes: ['UpdateUserAttributes'],
  GetUserAttributeVerificationCode: ['GetUserAttributeVerificationCode'],
  VerifyUserAttribute: ['VerifyUserAttribute'],
  DeleteUserAttributes: ['DeleteUserAttributes'],
  ChangePassword: ['ChangePassword'],
  GlobalSignOut: ['GlobalSignOut'],
  DeleteUser: ['DeleteUser'],
  // The admin API (cognito/admin.ts): invite and resend; one user's account; confirming; searching; groups.
  AdminCreateUser: ['AdminCreateUser'],
  AdminUser: [
    'AdminGetUser', 'AdminListGroupsForUser', 'AdminUpdateUserAttributes', 'AdminDeleteUserAttributes', 'AdminDisableUser',
    'AdminEnableUser', 'AdminDeleteUser', 'AdminResetUserPassword', 'AdminSetUserPassword', 'AdminUserGlobalSignOut'
  ],
  AdminConfirmSignUp: ['AdminConfirmSignUp'],
  ListUsers: ['ListUsers'],
  AdminGroups: ['ListGroups', 'ListUsersInGroup', 'AdminAddUserToGroup', 'AdminRemoveUserFromGroup'],
  // The help desk's (cognito/helpdesk.ts): MFA reset, groups made and changed, sign-in events, devices, linked identities, sign-in factors.
  AdminMfaReset: ['AdminSetUserMFAPreference'],
  AdminCreateGroup: ['CreateGroup'],
  AdminGroupChanges: ['GetGroup', 'UpdateGroup', 'DeleteGroup'],
  AdminAuthEvents: ['AdminListUserAuthEvents'],
  AdminAuthEventFeedback: ['AdminUpdateAuthEventFeedback'],
  AdminDevices: ['AdminListDevices'],
  AdminForgetDevice: ['AdminForgetDevice'],
  AdminIdentities: ['AdminLinkProviderForUser', 'AdminDisableProviderForUser'],
  AdminGetUserAuthFactors: ['AdminGetUserAuthFactors'],
  // The user's own sign-in factors, with their access token.
  GetUserAuthFactors: ['GetUserAuthFactors'],
  // TOTP (cognito/mfa.ts): with the user's access token (/me/mfa), or with the sign-in's session (MFA_SETUP).
  AssociateSoftwareToken: ['AssociateSoftwareToken'],
  VerifySoftwareToken: ['VerifySoftwareToken'],
  SetUserMFAPreference: ['SetUserMFAPreference'],
  MfaSetupAssociate: ['AssociateSoftwareToken'],
  MfaSetupVerify: ['VerifySoftwareToken'],
  // A user's sessions: their own with their access token (cognito/user-sessions.ts), any user's as an admin (admin-sessions.ts).
  UserSessions: ['ListUserSessions'],
  RevokeUserSession: ['RevokeUserSession'],
  AdminSessions: ['AdminListUserSessions'],
  AdminRevokeSession: ['AdminRevokeUserSession'],
  // The pool's settings (cognito/pool.ts), read with the service's credentials.
  DescribePool: ['DescribeUserPool', 'DescribeUserPoolClient', 'GetUserPoolMfaConfig']
}
