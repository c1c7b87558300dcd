/**
 * cdk-nag's AwsSolutions findings this app accepts: each with its reason and the construct it is narrowed to, all here.
 * A scope that answers undefined leaves the rule on (the construct is absent, or the configuration already satisfies it).
 */
import { Validations } from 'aws-cdk-lib'
import type { IConstruct } from 'constructs'
import type { CognitoBffStack } from './stack.ts'

export interface Suppression {
  id: string
  reason: string
  scope: (stack: CognitoBffStack) => IConstruct | undefined
}

/** The singleton function of aws-cdk-lib's AwsCustomResource (custom-resources), a child of the stack. */
const AWS_CUSTOM_RESOURCE_ID = 'AWS679f53fac002430cb0da5b7982bd2287'

const id = (rule: string): string => `AwsSolutions::AwsSolutions-${rule}`

export const SUPPRESSIONS: Suppression[] = [
  {
    id: id('COG2'),
    reason: 'MFA is the deployment\'s choice (mfa.mode: off, optional or required): optional lets users enrol TOTP through /me/mfa; ' +
      'required makes every user enrol at first sign-in (MFA_SETUP), which the service supports too.',
    scope: stack => stack.config.mfa.mode === 'required' ? undefined : stack.pool.userPool
  },
  {
    id: id('COG8'),
    reason: 'The PLUS feature plan (threat protection) is priced per monthly active user; it follows threatProtection: set it to audit ' +
      'or enforced to get PLUS. The service forwards the user context threat protection needs either way.',
    scope: stack => stack.config.threatProtection === 'off' ? stack.pool.userPool : undefined
  },
  {
    id: `${id('IAM5')}[Resource::*]`,
    reason: 'Cognito\'s SMS role (SMS MFA and codes) publishes to any phone number: sns:Publish on *, as Cognito requires; ' +
      'only Cognito may assume it, with the pool\'s external id.',
    scope: stack => stack.pool.userPool.node.tryFindChild('smsRole')
  },
  {
    id: id('ECS2'),
    reason: 'The environment holds the service\'s plain configuration (pool and client ids, URLs, flow names); its secrets ' +
      '(COOKIE_SECRETS, COGNITO_CLIENT_SECRET) come from Secrets Manager through the task definition\'s secrets.',
    scope: stack => stack.service?.fargate.taskDefinition
  },
  {
    id: id('ELB2'),
    reason: 'The service logs every request itself (pino to CloudWatch, client address from X-Forwarded-For with TRUST_PROXY=1); ' +
      'add an S3 bucket for load balancer access logs if an audit needs the balancer\'s own view.',
    scope: stack => stack.service?.fargate.loadBalancer
  },
  {
    id: id('EC23'),
    reason: 'The load balancer is the public entry: HTTPS on 443 and a redirect to it on 80, open to everyone by design.',
    scope: stack => stack.service?.fargate.loadBalancer
  },
  {
    id: `${id('IAM5')}[Resource::*]`,
    reason: 'The task execution role\'s ecr:GetAuthorizationToken, which AWS defines on no resource (CDK\'s grant for pulling the image).',
    scope: stack => stack.service?.fargate.taskDefinition.executionRole
  },
  {
    id: id('SMG4'),
    reason: 'COOKIE_SECRETS rotates by prepending a new key (both unseal until the old one is dropped), which Secrets Manager\'s ' +
      'rotation cannot do without signing everyone out; the client secret is Cognito\'s, copied at deploy time, and rotates with the client.',
    scope: stack => stack.service
  },
  {
    id: `${id('IAM4')}[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]`,
    reason: 'CDK\'s own custom-resource function (AwsCustomResource), which reads the app client\'s secret into Secrets Manager: ' +
      'logging through the managed basic-execution policy is CDK\'s choice.',
    scope: stack => stack.service && stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_ID)
  },
  {
    id: id('L1'),
    reason: 'The triggers run on Node 24 (nodejs24.x), the Node the service and the triggers are built and tested on; aws-cdk-lib ' +
      'also knows nodejs26.x: move the triggers with the service, not ahead of their tests.',
    scope: stack => stack.pool.triggers
  },
  {
    id: id('L1'),
    reason: 'CDK\'s own custom-resource function (AwsCustomResource): its runtime is the one aws-cdk-lib ships it with.',
    scope: stack => stack.service && stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_ID)
  }
]

export function suppressFindings (stack: CognitoBffStack): void {
  for (const suppression of SUPPRESSIONS) {
    const construct = suppression.scope(stack)
    if (construct) Validations.of(construct).acknowledge({ id: suppression.id, reason: suppression.reason })
  }
}
