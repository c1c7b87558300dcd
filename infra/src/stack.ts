/**
 * The whole deployment from one InfraConfig: the pool and its groups, the identity providers, the service's app
 * client, the domain, the admin API's resource server and client, the identity pool, optionally the service; and
 * as outputs, the service's environment variables (what to put in its configuration when it runs elsewhere).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { AdminApi } from './admin-api.ts'
import { featurePlanFor, type InfraConfig } from './config.ts'
import { Domain } from './domain.ts'
import { IdentityPool } from './identity-pool.ts'
import { Pool } from './pool.ts'
import { Providers } from './providers.ts'
import { Service } from './service.ts'
import { ServiceClient } from './service-client.ts'
import { taskPolicyStatements } from './task-policy.ts'

/** Variables whose key would be a construct's id in the stack (ADMIN_API and the AdminApi construct): `Variable` is appended. */
const CLASHING = new Set(['ADMIN_API'])

/** The output key of an environment variable: COGNITO_USER_POOL_ID → CognitoUserPoolId; ADMIN_API → AdminApiVariable. */
export function outputKey (variable: string): string {
  const key = variable.toLowerCase().split('_').map(word => word.charAt(0).toUpperCase() + word.slice(1)).join('')
  return CLASHING.has(variable) ? `${key}Variable` : key
}

export interface CognitoBffStackProps extends StackProps {
  config: InfraConfig
  /** The folder of the triggers' entry files; default triggers/src. */
  triggersEntryDir?: string
}

export class CognitoBffStack extends Stack {
  readonly config: InfraConfig
  readonly pool: Pool
  readonly serviceClient: ServiceClient
  readonly domain: Domain
  readonly adminApi?: AdminApi
  readonly identityPool?: IdentityPool
  readonly service?: Service
  /** The service's configuration, as environment variables (each is an output too). */
  readonly serviceEnvironment: Record<string, string>

  private output (key: string, value: string, description: string): CfnOutput {
    return new CfnOutput(this, key, { value, description })
  }

  constructor (scope: Construct, id: string, props: CognitoBffStackProps) {
    super(scope, id, props)
    const { config } = props
    this.config = config
    this.pool = new Pool(this, 'Pool', { ...config, triggersEntryDir: props.triggersEntryDir })
    const userPool = this.pool.userPool
    const providers = new Providers(this, 'Providers', { userPool, providers: config.providers })
    this.serviceClient = new ServiceClient(this, 'ServiceClient', {
      ...config,
      userPool,
      identityProviders: providers.clientProviders,
      dependsOn: providers.providers
    })
    const client = this.serviceClient.client
    this.domain = new Domain(this, 'Domain', { userPool, domain: config.domain, clients: [client] })
    if (config.adminApi) this.adminApi = new AdminApi(this, 'AdminApi', { userPool, name: config.name, ...config.adminApi })
    if (config.identityPool) {
      const roleGroups = config.groups.filter(group => group.identityPoolRole).map(group => this.pool.groups.get(group.name)!)
      this.identityPool = new IdentityPool(this, 'IdentityPool', { name: config.name, userPool, client, roleGroups })
    }

    this.serviceEnvironment = {
      COGNITO_USER_POOL_ID: userPool.userPoolId,
      COGNITO_CLIENT_ID: client.userPoolClientId,
      COGNITO_DOMAIN: this.domain.baseUrl,
      PUBLIC_URL: config.publicUrl,
      REDIRECT_ALLOWLIST: config.redirectAllowlist.join(','),
      LOGIN_FLOW: config.loginFlow,
      OAUTH_SCOPES: config.oauthScopes.join(' '),
      OAUTH_PROVIDERS: ['COGNITO', ...providers.providers.map(p => p.providerName)].join(','),
      ADMIN_GROUP: config.adminGroup,
      // The admin API is mounted when its resource server is deployed (ADMIN_SCOPES mean nothing without it).
      ADMIN_API: String(this.adminApi !== undefined),
      ...(this.adminApi ? { ADMIN_SCOPES: this.adminApi.scopeNames.join(' '), ADMIN_CLIENT_IDS: this.adminApi.client.userPoolClientId } : {}),
      // POST /me/aws-credentials: the service hands out the identity pool's credentials (unsigned calls: no IAM action).
      ...(this.identityPool ? { IDENTITY_POOL_ID: this.identityPool.identityPool.identityPoolId } : {})
    }
    // Output keys are alphanumeric (CloudFormation's rule): COGNITO_USER_POOL_ID is CognitoUserPoolId, its description the variable's name.
    for (const [name, value] of Object.entries(this.serviceEnvironment)) this.output(outputKey(name), value, name)
    this.output('FeaturePlan', featurePlanFor(config), 'The user pool\'s feature plan (prices differ)')
    this.output('ClientSecretHint',
      `aws cognito-idp describe-user-pool-client --user-pool-id ${userPool.userPoolId} --client-id ${client.userPoolClientId} ` +
        '--query UserPoolClient.ClientSecret --output text',
      'COGNITO_CLIENT_SECRET: read it with this command (never an output)')

    if (config.service) {
      this.service = new Service(this, 'Service', {
        ...config.service,
        name: config.name,
        client,
        environment: this.serviceEnvironment,
        // The service's own least-privilege policy for the features this environment turns on (`npm run iam-policy`).
        taskPolicyStatements: taskPolicyStatements(userPool, {
          loginFlow: config.loginFlow,
          adminApi: this.serviceEnvironment.ADMIN_API === 'true'
        })
      })
      this.output('LoadBalancerDns', this.service.fargate.loadBalancer.loadBalancerDnsName, 'Point PUBLIC_URL\'s DNS name here (CNAME or alias)')
    }
  }
}
