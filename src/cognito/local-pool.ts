/**
 * Local mode's pool set-up against the embedded emulator: the pool, the app
 * client and the demo user are created on first start and reused afterwards.
 * Lives here because only src/cognito/ talks to the SDK; it uses the same SDK
 * client the gateway then serves with.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  UsernameExistsException
} from '@aws-sdk/client-cognito-identity-provider'

export interface LocalPool {
  userPoolId: string
  clientId: string
}

export const DEMO_USER = { username: 'demo', email: 'demo@example.com' }

/**
 * Returns the pool and client recorded in `known` when the emulator still has
 * them, else creates both. The demo user exists afterwards, with the
 * configured password (set again on every start).
 */
export async function ensureLocalPool (
  client: CognitoIdentityProviderClient,
  options: { known?: LocalPool, demoPassword: string }
): Promise<LocalPool & { created: boolean }> {
  if (options.known && await clientExists(client, options.known)) {
    // The banner prints the configured demo password: make it true even if it changed since.
    await createDemoUser(client, options.known.userPoolId, options.demoPassword)
    return { ...options.known, created: false }
  }
  const pool = await client.send(new CreateUserPoolCommand({
    PoolName: 'cognito-bff-local',
    AutoVerifiedAttributes: ['email'],
    // Users may turn TOTP on for themselves, as in most real pools.
    MfaConfiguration: 'OPTIONAL',
    UsernameConfiguration: { CaseSensitive: false }
  }))
  const userPoolId = pool.UserPool?.Id
  if (!userPoolId) throw new Error('The emulator created a pool without an id')
  const appClient = await client.send(new CreateUserPoolClientCommand({
    UserPoolId: userPoolId,
    ClientName: 'cognito-bff-local',
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    EnableTokenRevocation: true
  }))
  const clientId = appClient.UserPoolClient?.ClientId
  if (!clientId) throw new Error('The emulator created an app client without an id')
  await createDemoUser(client, userPoolId, options.demoPassword)
  return { userPoolId, clientId, created: true }
}

async function clientExists (client: CognitoIdentityProviderClient, pool: LocalPool): Promise<boolean> {
  try {
    await client.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId }))
    return true
  } catch {
    return false
  }
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
    if (!(err instanceof UsernameExistsException)) throw err
  }
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: DEMO_USER.username, Password: password, Permanent: true }))
}
