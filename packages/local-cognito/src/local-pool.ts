/**
 * The local pool's set-up against the emulator: the pool, the app client and
 * the demo user are created on first start and reused afterwards. It runs
 * over whichever SDK client it is given (the service passes the one it then
 * serves with). Exceptions are told apart by name, not class, so a client
 * from another copy of the SDK works the same.
 *
 * The pool is set up as a real one would be, since local mode enforces what
 * it says: Cognito's default password policy, and the custom attributes the
 * service's examples use.
 */
import {
  AddCustomAttributesCommand,
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  type SchemaAttributeType,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand
} from '@aws-sdk/client-cognito-identity-provider'

export interface LocalPool {
  userPoolId: string
  clientId: string
  /** Set when the app client has a secret (LOCAL_CLIENT_SECRET). */
  clientSecret?: string
}

export const DEMO_USER = { username: 'demo', email: 'demo@example.com' }
/** The demo administrator: a member of the admin group (ADMIN_GROUP, `admins` by default), with the demo user's password. */
export const DEMO_ADMIN = { username: 'admin', email: 'admin@example.com' }
/** Groups an administrator can move users between in the README's walkthrough. */
export const DEMO_GROUPS = [
  { GroupName: 'editors', Description: 'Demo group: may edit' },
  { GroupName: 'viewers', Description: 'Demo group: may view' }
]

/** Cognito's default policy: what a pool created in the console starts with. */
export const LOCAL_PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7
}

/** The pool's custom attributes (used as custom:<name>): `plan` appears in the README walkthrough. */
export const LOCAL_CUSTOM_ATTRIBUTES: SchemaAttributeType[] = [
  { Name: 'plan', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '0', MaxLength: '64' } }
]

/** The scopes the local app client may ask the hosted UI for, as a real client set up for this service would. */
export const LOCAL_OAUTH_SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin']

/** Where the hosted UI may send users back to: after sign-in (callback URLs) and after /logout. */
export interface LocalOAuthUrls {
  callbackUrls: string[]
  logoutUrls: string[]
}

/** The app client's settings, applied when it is created and again on every start (PUBLIC_URL or PORT may have changed). */
function localClientSettings (oauth: LocalOAuthUrls) {
  return {
    // Every flow the local layer serves (USER_AUTH is the choice-based sign-in guard's), so any LOGIN_FLOW passes the service's pool checks.
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    EnableTokenRevocation: true,
    // The local layer answers unknown users as Cognito does with this on (see guards/password-sign-in.ts).
    PreventUserExistenceErrors: 'ENABLED',
    // A hosted-UI (managed login) client: authorization code grant, the pool's own users only.
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: LOCAL_OAUTH_SCOPES,
    SupportedIdentityProviders: ['COGNITO'],
    CallbackURLs: oauth.callbackUrls,
    LogoutURLs: oauth.logoutUrls
  } satisfies Partial<CreateUserPoolClientCommandInput>
}

/**
 * Returns the pool and client recorded in `known` when the emulator still has
 * them (and the client has a secret exactly when one is asked for), else
 * creates what is missing. The demo user exists afterwards, with the
 * configured password (set again on every start), and the app client has the
 * settings of localClientSettings, with `oauth`'s URLs.
 */
export async function ensureLocalPool (
  client: CognitoIdentityProviderClient,
  options: { known?: LocalPool, demoPassword: string, clientSecret?: boolean, oauth: LocalOAuthUrls }
): Promise<LocalPool & { created: boolean }> {
  const wantSecret = options.clientSecret ?? false
  const known = options.known && await describeClient(client, options.known)
  if (options.known && known !== undefined) {
    await addMissingAttributes(client, options.known.userPoolId)
    const appClient = Boolean(known.secret) === wantSecret
      ? await updateAppClient(client, options.known, known.secret, options.oauth)
      : await createAppClient(client, options.known.userPoolId, wantSecret, options.oauth)
    // The banner prints the configured demo password: make it true even if it changed since.
    await createDemoUser(client, options.known.userPoolId, options.demoPassword)
    return { userPoolId: options.known.userPoolId, ...appClient, created: false }
  }
  const pool = await client.send(new CreateUserPoolCommand({
    PoolName: 'cognito-bff-local',
    AutoVerifiedAttributes: ['email'],
    // Users may turn TOTP on for themselves, as in most real pools.
    MfaConfiguration: 'OPTIONAL',
    UsernameConfiguration: { CaseSensitive: false },
    Policies: { PasswordPolicy: LOCAL_PASSWORD_POLICY },
    Schema: LOCAL_CUSTOM_ATTRIBUTES
  }))
  const userPoolId = pool.UserPool?.Id
  if (!userPoolId) throw new Error('The emulator created a pool without an id')
  const appClient = await createAppClient(client, userPoolId, wantSecret, options.oauth)
  await createDemoUser(client, userPoolId, options.demoPassword)
  return { userPoolId, ...appClient, created: true }
}

async function createAppClient (
  client: CognitoIdentityProviderClient, userPoolId: string, secret: boolean, oauth: LocalOAuthUrls
): Promise<Omit<LocalPool, 'userPoolId'>> {
  const appClient = await client.send(new CreateUserPoolClientCommand({
    UserPoolId: userPoolId,
    ClientName: 'cognito-bff-local',
    GenerateSecret: secret,
    ...localClientSettings(oauth)
  }))
  const clientId = appClient.UserPoolClient?.ClientId
  if (!clientId) throw new Error('The emulator created an app client without an id')
  const clientSecret = appClient.UserPoolClient?.ClientSecret
  if (secret && !clientSecret) throw new Error('The emulator created an app client without the secret asked for')
  return { clientId, clientSecret }
}

/** The recorded client, reused with today's settings (the whole set, as UpdateUserPoolClient resets what it is not given at AWS). */
async function updateAppClient (
  client: CognitoIdentityProviderClient, pool: LocalPool, secret: string | undefined, oauth: LocalOAuthUrls
): Promise<Omit<LocalPool, 'userPoolId'>> {
  await client.send(new UpdateUserPoolClientCommand({
    UserPoolId: pool.userPoolId,
    ClientId: pool.clientId,
    ClientName: 'cognito-bff-local',
    ...localClientSettings(oauth)
  }))
  return { clientId: pool.clientId, clientSecret: secret }
}

/** The recorded client's secret (undefined: it has none), or undefined when the client is gone. */
async function describeClient (client: CognitoIdentityProviderClient, pool: LocalPool): Promise<{ secret?: string } | undefined> {
  try {
    const out = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId }))
    return { secret: out.UserPoolClient?.ClientSecret }
  } catch {
    return undefined
  }
}

/** A pool made before an attribute was added to LOCAL_CUSTOM_ATTRIBUTES gets it now. */
async function addMissingAttributes (client: CognitoIdentityProviderClient, userPoolId: string): Promise<void> {
  const pool = await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))
  const defined = new Set((pool.UserPool?.SchemaAttributes ?? []).map(a => a.Name))
  const missing = LOCAL_CUSTOM_ATTRIBUTES.filter(a => !defined.has(`custom:${a.Name}`))
  if (missing.length > 0) await client.send(new AddCustomAttributesCommand({ UserPoolId: userPoolId, CustomAttributes: missing }))
}

async function createDemoUser (client: CognitoIdentityProviderClient, userPoolId: string, password: string): Promise<void> {
  try {
    await client.send(new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: DEMO_USER.username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: DEMO_USER.email }, { Name: 'email_verified', Value: 'true' }]
    }))
  } catch (err) {
    if (!named(err, 'UsernameExistsException')) throw err
  }
  try {
    await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: DEMO_USER.username, Password: password, Permanent: true }))
  } catch (err) {
    // The local pool enforces Cognito's default policy, the demo user's password included.
    if (named(err, 'InvalidPasswordException')) throw new Error(`LOCAL_DEMO_PASSWORD: ${err.message}`, { cause: err })
    throw err
  }
}

/**
 * The admin group (and the demo groups) and the demo administrator in it,
 * created when missing (the emulator wipes a group created twice, so each is
 * looked up first); the administrator's password is set again on every
 * start, as the demo user's.
 */
export async function ensureLocalAdmin (
  client: CognitoIdentityProviderClient, userPoolId: string, group: string, password: string, extraGroups: string[] = []
): Promise<void> {
  const groups = [{ GroupName: group, Description: 'Administrators: may call /admin/*' }, ...DEMO_GROUPS]
  for (const name of extraGroups) {
    if (!groups.some(g => g.GroupName === name)) groups.push({ GroupName: name, Description: 'Default group: every confirmed user joins it' })
  }
  for (const wanted of groups) {
    try {
      await client.send(new GetGroupCommand({ UserPoolId: userPoolId, GroupName: wanted.GroupName }))
    } catch (err) {
      if (!named(err, 'ResourceNotFoundException')) throw err
      await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, ...wanted }))
    }
  }
  try {
    await client.send(new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: DEMO_ADMIN.username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: DEMO_ADMIN.email }, { Name: 'email_verified', Value: 'true' }]
    }))
  } catch (err) {
    if (!named(err, 'UsernameExistsException')) throw err
  }
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: DEMO_ADMIN.username, Password: password, Permanent: true }))
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, GroupName: group, Username: DEMO_ADMIN.username }))
}

/**
 * The pool's MFA setting follows LOCAL_MFA on every start, as an operator
 * sets a real pool's: off, optional (users may turn TOTP on), or required
 * (a user without MFA sets TOTP up while signing in: the MFA_SETUP challenge,
 * which the local layer answers).
 */
export async function applyLocalMfa (client: CognitoIdentityProviderClient, userPoolId: string, mfa: 'off' | 'optional' | 'required'): Promise<void> {
  const setting = { off: 'OFF', optional: 'OPTIONAL', required: 'ON' } as const
  await client.send(new SetUserPoolMfaConfigCommand({
    UserPoolId: userPoolId,
    MfaConfiguration: setting[mfa],
    SoftwareTokenMfaConfiguration: { Enabled: mfa !== 'off' }
  }))
}

/** Whether `err` is the SDK's exception `name` (by name: any copy of the SDK). */
function named (err: unknown, name: string): err is Error {
  return err instanceof Error && err.name === name
}
