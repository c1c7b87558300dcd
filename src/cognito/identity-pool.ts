/**
 * The identity pool (Cognito Identity): temporary AWS credentials for a
 * signed-in user's ID token, or for a guest, by the enhanced flow (GetId,
 * then GetCredentialsForIdentity). Both calls are unsigned: the service needs
 * no IAM action for them (`npm run iam-policy` adds none). Everything the SDK
 * throws goes through the identity pool's own error table
 * (identity-errors.ts).
 */
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity'
import type { Pool } from '../config/index.js'
import { cognitoRequestHandler } from './connections.js'
import { toIdentityError, type Caller } from './identity-errors.js'

/** What the identity pool hands out: the user's (or guest's) temporary credentials. */
export interface AwsCredentials {
  identityId: string
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  /** When they stop working. */
  expiration: Date
}

/** Where the identity id of a user is remembered between calls (the shared store), so GetId is asked once per user. */
export interface IdentityIdCache {
  get (sub: string): Promise<string | undefined>
  set (sub: string, identityId: string): Promise<void>
  /** Forgets a cached id the identity pool no longer knows. */
  forget (sub: string): Promise<void>
}

export interface IdentityPoolGateway {
  /** Credentials for the user whose verified ID token this is; `customRoleArn`: one of the token's `cognito:roles`. */
  credentialsForUser (user: { sub: string, idToken: string }, customRoleArn?: string): Promise<AwsCredentials>
  /** Guest credentials (the pool's unauthenticated role): a new identity each time. */
  guestCredentials (): Promise<AwsCredentials>
  close (): void
}

/** The SDK client, by a name the rest of the service can use without importing the SDK. */
export type IdentitySdkClient = CognitoIdentityClient

export interface IdentityPoolOptions {
  identityPoolId: string
  region: string
  /** The user pool whose ID tokens are presented: its provider name keys Logins. */
  pool: Pick<Pool, 'region' | 'userPoolId' | 'issuer'>
  timeoutMs: number
  cache: IdentityIdCache
  /** An SDK client to use (a test's); default: one built for the identity pool's region. */
  sdk?: IdentitySdkClient
}

/**
 * The name an identity pool knows a user pool by: `cognito-idp.REGION.amazonaws.com/POOL_ID`, whichever
 * issuer format the tokens name (the original `https://cognito-idp...` or the updated
 * `https://issuer-cognito-idp...`). An overridden issuer (COGNITO_ISSUER) is named as it is, host and path.
 */
export function providerName (pool: Pick<Pool, 'region' | 'userPoolId' | 'issuer'>): string {
  const canonical = `cognito-idp.${pool.region}.amazonaws.com/${pool.userPoolId}`
  const url = URL.canParse(pool.issuer) ? new URL(pool.issuer) : undefined
  if (url === undefined || /^(issuer-)?cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/.test(url.hostname)) return canonical
  return `${url.host}${url.pathname}`.replace(/\/+$/, '')
}

/** An answer the model allows but the flow cannot use: UPSTREAM_ERROR. */
const unexpected = (message: string) => Object.assign(new Error(message), { name: 'UnexpectedAnswer' })

export function createIdentityPoolGateway (options: IdentityPoolOptions): IdentityPoolGateway {
  const { identityPoolId, cache } = options
  const sdk = options.sdk ?? new CognitoIdentityClient({
    region: options.region,
    // No credentials: GetId and GetCredentialsForIdentity are noAuth in the SDK's model (nothing signed, nothing looked up).
    maxAttempts: 1,
    requestHandler: cognitoRequestHandler({ connectionTimeout: Math.min(options.timeoutMs, 3000), requestTimeout: options.timeoutMs })
  })
  const provider = providerName(options.pool)

  async function send<T> (caller: Caller, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (err) {
      throw toIdentityError(caller, err)
    }
  }

  async function getId (caller: Caller, logins?: Record<string, string>): Promise<string> {
    const answer = await send(caller, async () => await sdk.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins })))
    if (answer.IdentityId === undefined) throw toIdentityError(caller, unexpected('GetId answered no IdentityId'))
    return answer.IdentityId
  }

  async function credentials (caller: Caller, identityId: string, logins?: Record<string, string>, customRoleArn?: string) {
    const answer = await sdk.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins, CustomRoleArn: customRoleArn }))
    const c = answer.Credentials
    if (c?.AccessKeyId === undefined || c.SecretKey === undefined || c.SessionToken === undefined || c.Expiration === undefined) {
      throw toIdentityError(caller, unexpected('GetCredentialsForIdentity answered no complete Credentials'))
    }
    return {
      identityId: answer.IdentityId ?? identityId,
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration
    }
  }

  return {
    async credentialsForUser ({ sub, idToken }, customRoleArn) {
      const logins = { [provider]: idToken }
      const cached = await cache.get(sub)
      const identityId = cached ?? await getId('user', logins)
      if (cached === undefined) await cache.set(sub, identityId)
      try {
        return await credentials('user', identityId, logins, customRoleArn)
      } catch (err) {
        // The cached identity was deleted from the pool: forget it and ask once for the user's identity afresh.
        if (cached === undefined || (err as Error)?.name !== 'ResourceNotFoundException') throw toIdentityError('user', err)
        await cache.forget(sub)
        const fresh = await getId('user', logins)
        await cache.set(sub, fresh)
        return await send('user', async () => await credentials('user', fresh, logins, customRoleArn))
      }
    },
    async guestCredentials () {
      const identityId = await getId('guest')
      return await send('guest', async () => await credentials('guest', identityId))
    },
    close: () => sdk.destroy()
  }
}
