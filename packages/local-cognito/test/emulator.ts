/**
 * What the guard tests share: an SDK client on the emulator (through the
 * local layer, as the service calls it) and a way to call the emulator's own
 * handler for a target without the layer, to show what cognito-local alone
 * accepts.
 */
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type AuthenticationResultType
} from '@aws-sdk/client-cognito-identity-provider'
import { pino } from 'pino'
import type { Test } from 'tap'
import type { LocalCognito } from '../src/index.ts'
import { uniqueUsername } from './helper.ts'

const quiet = pino({ level: 'silent' })

/** A real SDK client pointed at the emulator endpoint: what AWS would be asked. */
export function sdkFor (t: { teardown (fn: () => unknown): void }, local: LocalCognito): CognitoIdentityProviderClient {
  const sdk = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: local.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1
  })
  t.teardown(() => sdk.destroy())
  return sdk
}

/** The emulator's own handler for `target`, without the local layer. */
export async function raw (local: LocalCognito, target: string, request: object): Promise<unknown> {
  return await local.emulator.raw(target)({ logger: quiet as never }, request)
}

/** Asserts that `promise` rejects with Cognito's exception `name` and exactly `message`. */
export async function refused (t: Test, promise: Promise<unknown>, name: string, message: string, what?: string): Promise<void> {
  try {
    await promise
    t.fail(`${what ?? name}: expected ${name} "${message}", got success`)
  } catch (err) {
    const e = err as Error
    t.same({ name: e.name, message: e.message }, { name, message }, what ?? `${name}: ${message}`)
  }
}

/** USER_PASSWORD_AUTH through the layer; the tokens. */
export async function login (
  sdk: CognitoIdentityProviderClient, clientId: string, username: string, password: string
): Promise<AuthenticationResultType> {
  const out = await sdk.send(new InitiateAuthCommand({
    ClientId: clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD: password }
  }))
  if (!out.AuthenticationResult) throw new Error(`login of ${username} answered ${out.ChallengeName ?? 'nothing'}`)
  return out.AuthenticationResult
}

/** An invited user (FORCE_CHANGE_PASSWORD) with the given temporary password. */
export async function invitedUser (sdk: CognitoIdentityProviderClient, userPoolId: string, temporaryPassword: string): Promise<string> {
  const username = uniqueUsername('invited')
  await sdk.send(new AdminCreateUserCommand({
    UserPoolId: userPoolId,
    Username: username,
    TemporaryPassword: temporaryPassword,
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }]
  }))
  return username
}
