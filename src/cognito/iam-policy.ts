/**
 * The least-privilege IAM policy for a deployment: the signed operations the
 * gateway can send with its features on (./commands.ts), allowed on the one
 * user pool, one statement per feature. `npm run iam-policy` prints it; the
 * README's IAM section is its output.
 */
import { GATEWAY_COMMANDS, isEnabled, isSigned, type EnabledFeatures, type Feature } from './commands.js'

export interface PolicyTarget {
  region: string
  /** The pool id, or `*` (every pool of the account and region). */
  userPoolId: string
  /** The 12-digit AWS account id, or `*` (any account: the pool id is the region's own). */
  accountId: string
}

export interface PolicyStatement {
  Sid: string
  Effect: 'Allow'
  Action: string[]
  Resource: string
}

export interface IamPolicy {
  Version: '2012-10-17'
  Statement: PolicyStatement[]
}

/** The statements' order and names. */
const STATEMENTS: ReadonlyArray<[Feature, string]> = [
  ['poolSettings', 'ReadPoolSettingsAtStart'],
  ['selfService', 'SelfService'],
  ['adminLoginFlow', 'AdminLoginFlow'],
  ['adminApi', 'AdminApi']
]

/** The signed operations the gateway can send for `feature`, sorted; none when the feature is off. */
export function signedOperations (feature: Feature, enabled: EnabledFeatures): string[] {
  if (!isEnabled(feature, enabled)) return []
  const operations = GATEWAY_COMMANDS.filter(declared => declared.feature === feature).flatMap(declared => declared.operations)
  return [...new Set(operations.filter(isSigned))].sort()
}

export function iamPolicy (target: PolicyTarget, enabled: EnabledFeatures): IamPolicy {
  const resource = `arn:${partition(target.region)}:cognito-idp:${target.region}:${target.accountId}:userpool/${target.userPoolId}`
  const Statement: PolicyStatement[] = []
  for (const [feature, Sid] of STATEMENTS) {
    const operations = signedOperations(feature, enabled)
    if (operations.length > 0) Statement.push({ Sid, Effect: 'Allow', Action: operations.map(op => `cognito-idp:${op}`), Resource: resource })
  }
  return { Version: '2012-10-17', Statement }
}

/** The policy as printed: JSON, two-space indent, one action a line. */
export function formatPolicy (policy: IamPolicy): string {
  return `${JSON.stringify(policy, null, 2)}\n`
}

/** The ARN partition of a region (China, GovCloud and the European Sovereign Cloud have their own). */
function partition (region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('eusc-')) return 'aws-eusc'
  return 'aws'
}
