/**
 * The pool's Lambda triggers: the handlers of triggers/src (each file exports `handler`), bundled locally by esbuild
 * (no Docker; the AWS SDK left to the runtime's), on Node 24, five seconds at most (Cognito's own limit), each with a
 * role of its own that may write its log group and do the least its handler needs: post-confirmation adds users to
 * the default group, pre-sign-up lists users and links providers, both on this pool only; the legacy service's and
 * the webhook's secrets are read through the Parameters and Secrets extension.
 *
 * The pool names the functions (LambdaConfig) and the functions' permissions name the pool: those statements are an
 * `iam.Policy` of their own, which the functions do not wait for, so CloudFormation sees no cycle.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Duration, RemovalPolicy } from 'aws-cdk-lib'
import * as cognito from 'aws-cdk-lib/aws-cognito'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs'
import * as logs from 'aws-cdk-lib/aws-logs'
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import { Construct } from 'constructs'
import type { TriggersConfig } from './config.ts'

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Where the handlers are: triggers/src. */
export const TRIGGERS_SRC = join(REPO_ROOT, 'triggers', 'src')
export const TRIGGER_RUNTIME = lambda.Runtime.NODEJS_24_X

export interface TriggersProps {
  userPool: cognito.UserPool
  name: string
  /** PUBLIC_URL and REDIRECT_ALLOWLIST: the custom message's links and the targets it accepts. */
  publicUrl: string
  redirectAllowlist: string[]
  triggers: TriggersConfig
  /** The folder of the handlers' entry files (custom-message.ts, …); default triggers/src; inside the repository. */
  entryDir?: string
}

interface TriggerSpec {
  id: string
  file: string
  operation: cognito.UserPoolOperation
  environment: Record<string, string>
  /** Actions on this pool. */
  poolActions?: string[]
  /** Complete ARNs of the secrets it reads. */
  secretArns?: string[]
}

export class Triggers extends Construct {
  /** Each enabled trigger's function, by its id (CustomMessage, PreSignUp, PostConfirmation, UserMigration). */
  readonly functions = new Map<string, NodejsFunction>()

  constructor (scope: Construct, id: string, props: TriggersProps) {
    super(scope, id)
    const { triggers } = props
    const specs: TriggerSpec[] = []
    if (triggers.customMessage) {
      specs.push({
        id: 'CustomMessage',
        file: 'custom-message.ts',
        operation: cognito.UserPoolOperation.CUSTOM_MESSAGE,
        environment: { PUBLIC_URL: props.publicUrl, REDIRECT_ALLOWLIST: props.redirectAllowlist.join(',') }
      })
    }
    if (triggers.preSignUp) {
      specs.push({
        id: 'PreSignUp',
        file: 'pre-sign-up.ts',
        operation: cognito.UserPoolOperation.PRE_SIGN_UP,
        environment: {},
        poolActions: ['cognito-idp:ListUsers', 'cognito-idp:AdminLinkProviderForUser']
      })
    }
    if (triggers.postConfirmation) {
      const { defaultGroup, webhook } = triggers.postConfirmation
      specs.push({
        id: 'PostConfirmation',
        file: 'post-confirmation.ts',
        operation: cognito.UserPoolOperation.POST_CONFIRMATION,
        environment: {
          ...(defaultGroup === undefined ? {} : { DEFAULT_GROUP: defaultGroup }),
          ...(webhook ? { WEBHOOK_URL: webhook.url, WEBHOOK_SECRET_ARN: webhook.secretArn } : {})
        },
        poolActions: defaultGroup === undefined ? [] : ['cognito-idp:AdminAddUserToGroup'],
        secretArns: webhook ? [webhook.secretArn] : []
      })
    }
    if (triggers.userMigration) {
      const { legacyUsersUrl, secretArn } = triggers.userMigration
      specs.push({
        id: 'UserMigration',
        file: 'user-migration.ts',
        operation: cognito.UserPoolOperation.USER_MIGRATION,
        environment: { LEGACY_USERS_URL: legacyUsersUrl, LEGACY_USERS_SECRET_ARN: secretArn },
        secretArns: [secretArn]
      })
    }
    for (const spec of specs) this.add(spec, props)
  }

  private add (spec: TriggerSpec, props: TriggersProps): void {
    const logGroup = new logs.LogGroup(this, `${spec.id}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY })
    // A role of its own: its log group, and no managed policy (AWSLambdaBasicExecutionRole would allow every log group).
    const role = new iam.Role(this, `${spec.id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.name}: the ${spec.id} trigger`
    })
    logGroup.grantWrite(role)
    const secretArns = spec.secretArns ?? []
    secretArns.forEach((arn, index) => {
      secretsmanager.Secret.fromSecretCompleteArn(this, `${spec.id}Secret${index}`, arn).grantRead(role)
    })
    const entryDir = props.entryDir ?? TRIGGERS_SRC
    // The handlers import the service's own modules (src/oauth/redirect.ts): the repository is esbuild's root (and
    // where its esbuild is installed).
    const fn = new NodejsFunction(this, spec.id, {
      entry: join(entryDir, spec.file),
      handler: 'handler',
      runtime: TRIGGER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Cognito waits five seconds for a trigger.
      timeout: Duration.seconds(5),
      role,
      logGroup,
      environment: spec.environment,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        externalModules: ['@aws-sdk/*']
      },
      ...(secretArns.length > 0
        ? { paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103) }
        : {})
    })
    if (spec.poolActions && spec.poolActions.length > 0) {
      // Not the role's default policy, which the function waits for: this one names the pool, which names the function.
      role.attachInlinePolicy(new iam.Policy(this, `${spec.id}PoolAccess`, {
        statements: [new iam.PolicyStatement({ actions: spec.poolActions, resources: [props.userPool.userPoolArn] })]
      }))
    }
    props.userPool.addTrigger(spec.operation, fn)
    this.functions.set(spec.id, fn)
  }
}
