/**
 * The service itself (optional): the repo's Dockerfile (`runtime` stage) on ECS Fargate behind an HTTPS load
 * balancer, cookie secrets and the app client's secret in Secrets Manager, ElastiCache Serverless (Valkey, TLS) as
 * the shared store, `/readyz` as the health check, scaling on CPU and on requests, logs in CloudWatch.
 *
 * The task role gets `taskPolicyStatements` and nothing else: the least-privilege policy the service generates from
 * its own code (`npm run iam-policy`) goes there. Without it the service runs with no AWS permission (enough for
 * LOGIN_FLOW=USER_PASSWORD_AUTH or USER_AUTH without the admin API; the pool's settings then cannot be read, which
 * it says once).
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Duration, RemovalPolicy } from 'aws-cdk-lib'
import * as acm from 'aws-cdk-lib/aws-certificatemanager'
import * as cognito from 'aws-cdk-lib/aws-cognito'
import * as ec2 from 'aws-cdk-lib/aws-ec2'
import { Platform, DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets'
import * as ecs from 'aws-cdk-lib/aws-ecs'
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns'
import * as elasticache from 'aws-cdk-lib/aws-elasticache'
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import type * as iam from 'aws-cdk-lib/aws-iam'
import * as logs from 'aws-cdk-lib/aws-logs'
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import { Construct } from 'constructs'
import type { ServiceConfig } from './config.ts'

/** The repository's root, where the Dockerfile is. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CONTAINER_PORT = 3000

export interface ServiceProps extends ServiceConfig {
  name: string
  /** The service client, whose secret becomes COGNITO_CLIENT_SECRET. */
  client: cognito.UserPoolClient
  /** The service's configuration (COGNITO_USER_POOL_ID, PUBLIC_URL, …): everything but its secrets and REDIS_URL. */
  environment: Record<string, string>
  /** The task role's permissions: the service's generated least-privilege policy (`npm run iam-policy`). Default none. */
  taskPolicyStatements?: iam.PolicyStatement[]
}

export class Service extends Construct {
  readonly fargate: ecsPatterns.ApplicationLoadBalancedFargateService
  readonly cache: elasticache.CfnServerlessCache
  readonly cookieSecrets: secretsmanager.Secret
  readonly clientSecret: secretsmanager.Secret

  constructor (scope: Construct, id: string, props: ServiceProps) {
    super(scope, id)
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.REJECT } }
    })
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED })

    // COOKIE_SECRETS: one 64-character key without commas (rotate by prepending a new one, comma-separated).
    this.cookieSecrets = new secretsmanager.Secret(this, 'CookieSecrets', {
      description: `${props.name}: COOKIE_SECRETS`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true }
    })
    this.clientSecret = new secretsmanager.Secret(this, 'ClientSecret', {
      description: `${props.name}: COGNITO_CLIENT_SECRET`,
      secretStringValue: props.client.userPoolClientSecret
    })

    const cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSecurityGroup', { vpc, description: 'Valkey: the service tasks only' })
    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: `${props.name}-store`,
      engine: 'valkey',
      majorEngineVersion: '8',
      subnetIds: vpc.privateSubnets.map(subnet => subnet.subnetId),
      securityGroupIds: [cacheSecurityGroup.securityGroupId]
    })

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY })
    const image = new DockerImageAsset(this, 'Image', {
      directory: REPO_ROOT,
      target: 'runtime',
      platform: Platform.LINUX_AMD64,
      exclude: ['infra', '**/cdk.out', 'node_modules', '.git']
    })
    this.fargate = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Fargate', {
      cluster,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      desiredCount: props.desiredCount,
      publicLoadBalancer: true,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      redirectHTTP: true,
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      taskImageOptions: {
        image: ecs.ContainerImage.fromDockerImageAsset(image),
        containerPort: CONTAINER_PORT,
        environment: {
          ...props.environment,
          HOST: '0.0.0.0',
          PORT: String(CONTAINER_PORT),
          // One hop: the load balancer appends the client's address to X-Forwarded-For.
          TRUST_PROXY: '1',
          REDIS_URL: `rediss://${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`,
          REDIS_CLUSTER: 'true'
        },
        secrets: {
          COOKIE_SECRETS: ecs.Secret.fromSecretsManager(this.cookieSecrets),
          COGNITO_CLIENT_SECRET: ecs.Secret.fromSecretsManager(this.clientSecret)
        },
        logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'service' })
      }
    })
    for (const statement of props.taskPolicyStatements ?? []) this.fargate.taskDefinition.addToTaskRolePolicy(statement)
    this.fargate.targetGroup.configureHealthCheck({
      path: '/readyz',
      healthyHttpCodes: '200',
      interval: Duration.seconds(15),
      timeout: Duration.seconds(5)
    })
    cacheSecurityGroup.addIngressRule(this.fargate.service.connections.securityGroups[0]!, ec2.Port.tcpRange(6379, 6380), 'the service tasks')

    const scaling = this.fargate.service.autoScaleTaskCount({ minCapacity: props.minTasks, maxCapacity: props.maxTasks })
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 })
    scaling.scaleOnRequestCount('Requests', { requestsPerTarget: 500, targetGroup: this.fargate.targetGroup })
  }
}
