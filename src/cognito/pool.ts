/**
 * The pool as Cognito describes it: the user pool, the service's app client
 * and the pool's MFA settings, read with the service's own credentials. The
 * service derives from it what it used to assume (challenge and refresh
 * lifetimes, revocation, MFA, attribute permissions) and checks it for
 * settings that break a flow (see docs/operations.md, "Before you deploy").
 */
import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  type GetUserPoolMfaConfigCommandOutput,
  type UserPoolClientType,
  type UserPoolType
} from '@aws-sdk/client-cognito-identity-provider'
import { call, type CognitoContext } from './client.js'

/** What Cognito answered, as its SDK types it (every field optional, as in the API). */
export interface PoolDescription {
  pool: UserPoolType
  client: UserPoolClientType
  mfa: Omit<GetUserPoolMfaConfigCommandOutput, '$metadata'>
}

export interface PoolIntents {
  /** The three Describe calls, at once; throws an ApiError (INTERNAL_ERROR names the IAM action in the log) when one fails. */
  describePool (): Promise<PoolDescription>
}

export function poolIntents ({ sdk, pool }: CognitoContext): PoolIntents {
  const UserPoolId = pool.userPoolId
  return {
    async describePool () {
      const [described, client, mfa] = await Promise.all([
        call('DescribePool', () => sdk.send(new DescribeUserPoolCommand({ UserPoolId }))),
        call('DescribePool', () => sdk.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId: pool.clientId }))),
        call('DescribePool', () => sdk.send(new GetUserPoolMfaConfigCommand({ UserPoolId })))
      ])
      const { $metadata: _, ...mfaSettings } = mfa
      return { pool: described.UserPool ?? {}, client: client.UserPoolClient ?? {}, mfa: mfaSettings }
    }
  }
}
