/**
 * The service task role's permissions: the least-privilege policy the service generates from its own code
 * (src/cognito/iam-policy.ts, what `npm run iam-policy` prints), consumed, not copied: its statements and actions for
 * the features the deployment turns on (LOGIN_FLOW, ADMIN_API), on the stack's own pool (its ARN, a reference).
 */
import * as iam from 'aws-cdk-lib/aws-iam'
import type * as cognito from 'aws-cdk-lib/aws-cognito'
import type { EnabledFeatures } from '../../src/cognito/commands.ts'
import { iamPolicy } from '../../src/cognito/iam-policy.ts'

/** The policy's statements (Sid and actions as the service generates them), each on `userPool`'s ARN. */
export function taskPolicyStatements (userPool: cognito.IUserPool, features: EnabledFeatures): iam.PolicyStatement[] {
  // The generated resource names the pool by region and id; here the pool's own ARN stands for it (partition included).
  const generated = iamPolicy({ region: 'us-east-1', userPoolId: '*', accountId: '*' }, features)
  return generated.Statement.map(statement => new iam.PolicyStatement({
    sid: statement.Sid,
    effect: iam.Effect.ALLOW,
    actions: statement.Action,
    resources: [userPool.userPoolArn]
  }))
}
