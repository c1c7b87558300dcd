/**
 * Everything on: choice-based sign-in with passkeys and e-mail codes, threat protection (PLUS), SES, groups with
 * identity-pool roles, Google/OIDC/SAML providers, a custom domain, the four Lambda triggers, and the service on ECS.
 * One synth, shared (the triggers' handlers are tiny stand-ins: fixtures.ts).
 */
import t from 'tap'
import { Match } from 'aws-cdk-lib/assertions'
import { iamPolicy } from '../../src/cognito/iam-policy.ts'
import { checkPool } from '../../src/cognito/pool-checks.ts'
import { loadConfig } from '../../src/config/index.ts'
import type { InfraConfig } from '../src/config.ts'
import { describeTemplate, type TemplateJson } from '../src/describe.ts'
import { DEPLOYED, environmentFromOutputs, resource, synthesize, SYNTH_FILE_TIMEOUT } from './fixtures.ts'

t.setTimeout(SYNTH_FILE_TIMEOUT)

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'
const WEBHOOK_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/webhook-AbCdEf'
const LEGACY_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/legacy-GhIjKl'
const config: Partial<InfraConfig> = {
  name: 'shop',
  publicUrl: 'https://auth.shop.example',
  redirectAllowlist: ['https://shop.example', 'https://cms.shop.example/account/'],
  domain: { customDomain: 'login.shop.example', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
  selfSignUp: false,
  signInAliases: { username: false, email: true },
  loginFlow: 'USER_AUTH',
  firstFactors: ['password', 'emailOtp', 'passkey'],
  passkeys: { relyingPartyId: 'shop.example', userVerification: 'required' },
  mfa: { mode: 'required', factors: ['totp', 'email', 'sms'] },
  ses: { fromEmail: 'no-reply@shop.example', fromName: 'Shop', sesRegion: 'eu-west-1' },
  threatProtection: 'enforced',
  groups: [{ name: 'editors', precedence: 10, identityPoolRole: true }, { name: 'viewers', precedence: 20 }],
  providers: [
    { type: 'google', clientId: 'google-client', clientSecret: { secret: 'shop/google', field: 'clientSecret' } },
    { type: 'oidc', name: 'Corp', issuerUrl: 'https://id.corp.example', clientId: 'corp', clientSecret: { secret: 'shop/corp' } },
    { type: 'saml', name: 'Partner', metadataUrl: 'https://partner.example/saml/metadata' },
    { type: 'facebook', clientId: 'fb-app', clientSecret: { secret: 'shop/facebook' } },
    { type: 'apple', clientId: 'example.shop', teamId: 'TEAM', keyId: 'KEY', privateKey: { secret: 'shop/apple' } }
  ],
  service: { certificateArn: CERT, desiredCount: 2, minTasks: 2, maxTasks: 6, cpu: 512, memoryMiB: 1024 },
  triggers: {
    customMessage: true,
    preSignUp: true,
    postConfirmation: { defaultGroup: 'viewers', webhook: { url: 'https://hooks.shop.example/users', secretArn: WEBHOOK_SECRET } },
    userMigration: { legacyUsersUrl: 'https://legacy.shop.example/auth', secretArn: LEGACY_SECRET }
  }
}

const { template, annotations, nagReport, cleanup } = synthesize(config)
t.teardown(cleanup)

t.test('pool: e-mail sign-in, admin-created users only, required MFA with TOTP, e-mail and SMS, PLUS with enforced threat protection', async t => {
  template.hasResourceProperties('AWS::Cognito::UserPool', {
    UsernameAttributes: ['email'],
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    MfaConfiguration: 'ON',
    EnabledMfas: Match.arrayWith(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']),
    SmsConfiguration: Match.objectLike({ SnsCallerArn: Match.anyValue() }),
    UserPoolTier: 'PLUS',
    UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    WebAuthnRelyingPartyID: 'shop.example',
    WebAuthnUserVerification: 'required',
    Policies: Match.objectLike({ SignInPolicy: { AllowedFirstAuthFactors: Match.arrayEquals(['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN']) } }),
    EmailConfiguration: Match.objectLike({ EmailSendingAccount: 'DEVELOPER', From: 'Shop <no-reply@shop.example>' }),
    DeviceConfiguration: Match.absent()
  })
  t.equal(annotations.findWarning('*', Match.stringLikeRegexp('few dozen messages')).length, 0, 'no quota warning with SES')
})

t.test('service client: ALLOW_USER_AUTH, the providers by name, the callback on PUBLIC_URL, sign-out to the allowlist', async t => {
  const { props } = resource(template, 'AWS::Cognito::UserPoolClient', p => p.ClientName === 'shop-service')
  t.same(props.ExplicitAuthFlows, ['ALLOW_USER_AUTH'])
  t.same(props.CallbackURLs, ['https://auth.shop.example/oauth/callback'])
  t.same(props.LogoutURLs, ['https://shop.example', 'https://cms.shop.example/account/'])
  const described = describeTemplate(template.toJSON() as TemplateJson, { clientName: 'shop-service' })
  t.same(described.client.SupportedIdentityProviders, ['COGNITO', 'Google', 'Corp', 'Partner', 'Facebook', 'SignInWithApple'])
  t.same(described.mfa.WebAuthnConfiguration, { RelyingPartyId: 'shop.example', UserVerification: 'required' })
  t.same(described.mfa.EmailMfaConfiguration, {})
  t.ok(described.mfa.SmsMfaConfiguration, 'SMS MFA on')
  const outputs = Object.values(template.findOutputs('*'))
  // OAUTH_PROVIDERS: COGNITO, then each provider's name (a reference CloudFormation resolves to it).
  const providers = JSON.stringify(outputs.find(o => o.Description === 'OAUTH_PROVIDERS')?.Value)
  t.match(providers, /"COGNITO,"/)
  t.equal(providers.match(/"Ref"/g)?.length, 5)
})

t.test('providers: secrets are Secrets Manager references, never values', async t => {
  const text = JSON.stringify(template.findResources('AWS::Cognito::UserPoolIdentityProvider'))
  t.match(text, /\{\{resolve:secretsmanager:shop\/google:SecretString:clientSecret::\}\}/)
  t.match(text, /\{\{resolve:secretsmanager:shop\/corp:SecretString:::\}\}/)
  t.match(text, /\{\{resolve:secretsmanager:shop\/facebook:SecretString:::\}\}/)
  t.match(text, /\{\{resolve:secretsmanager:shop\/apple:SecretString:::\}\}/)
  template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
    ProviderName: 'Partner',
    ProviderType: 'SAML',
    ProviderDetails: { MetadataURL: 'https://partner.example/saml/metadata' }
  })
})

t.test('groups: admins first, then the configured ones with their precedence; editors get an identity-pool role', async t => {
  template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admins', Precedence: 0, RoleArn: Match.absent() })
  template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'editors', Precedence: 10, RoleArn: { 'Fn::GetAtt': Match.anyValue() } })
  template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'viewers', Precedence: 20, RoleArn: Match.absent() })
})

t.test('identity pool: no guests, the role from the token, an authenticated role that allows nothing', async t => {
  template.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: false, AllowClassicFlow: false })
  template.hasResourceProperties('AWS::Cognito::IdentityPoolRoleAttachment', {
    RoleMappings: { userpool: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } }
  })
  const { props: attachment } = resource(template, 'AWS::Cognito::IdentityPoolRoleAttachment')
  const authenticatedRole = ((attachment.Roles as { authenticated: { 'Fn::GetAtt': string[] } }).authenticated)['Fn::GetAtt'][0]!
  const role = template.toJSON().Resources[authenticatedRole]
  t.notOk(role.Properties.ManagedPolicyArns, 'no managed policy')
  t.notOk(role.Properties.Policies, 'no inline policy')
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter(policy => JSON.stringify(policy.Properties.Roles).includes(authenticatedRole))
  t.same(attached, [], 'no policy attached')
})

t.test('admin API: a resource server with the admin scope and a client-credentials client', async t => {
  template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: 'bff', Scopes: [Match.objectLike({ ScopeName: 'admin' })] })
  template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
    ClientName: 'shop-admin-m2m',
    GenerateSecret: true,
    AllowedOAuthFlows: ['client_credentials']
  })
})

t.test('domain: the custom name with its certificate, on managed login', async t => {
  template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
    Domain: 'login.shop.example',
    CustomDomainConfig: { CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
    ManagedLoginVersion: 2
  })
  t.same(Object.values(template.findOutputs('*')).find(o => o.Description === 'COGNITO_DOMAIN')?.Value, 'https://login.shop.example')
})

t.test('service: the image, its configuration and secrets, /readyz, HTTPS, Valkey over TLS, scaling, logs, the policy hook', async t => {
  const { props: task } = resource(template, 'AWS::ECS::TaskDefinition')
  const [container] = task.ContainerDefinitions as { Environment: { Name: string, Value: unknown }[], Secrets: { Name: string }[] }[]
  const environment = new Map(container!.Environment.map(e => [e.Name, e.Value]))
  for (const name of ['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_DOMAIN', 'PUBLIC_URL', 'REDIRECT_ALLOWLIST', 'ADMIN_SCOPES']) {
    t.ok(environment.has(name), name)
  }
  t.equal(environment.get('LOGIN_FLOW'), 'USER_AUTH')
  t.equal(environment.get('HOST'), '0.0.0.0')
  t.equal(environment.get('REDIS_CLUSTER'), 'true')
  t.match(JSON.stringify(environment.get('REDIS_URL')), /rediss:\/\//)
  t.same(container!.Secrets.map(s => s.Name).sort(), ['COGNITO_CLIENT_SECRET', 'COOKIE_SECRETS'])
  t.notOk(environment.has('COOKIE_SECRETS'), 'secrets are not plain environment')
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/readyz', Matcher: { HttpCode: '200' } })
  template.hasResourceProperties('AWS::ECS::Service', { LoadBalancers: [Match.objectLike({ ContainerPort: 3000 })] })
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: CERT }] })
  template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', { Engine: 'valkey' })
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 })
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }
    })
  })
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({
      PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' })
    })
  })
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 })
  // The task role: the service's own generated policy (npm run iam-policy) for USER_AUTH with the admin API, on this pool only.
  const taskRole = (task.TaskRoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter(p => JSON.stringify(p.Properties.Roles).includes(taskRole))
  t.equal(policies.length, 1)
  const poolArn = { 'Fn::GetAtt': [resource(template, 'AWS::Cognito::UserPool').id, 'Arn'] }
  const target = { region: DEPLOYED.region, userPoolId: DEPLOYED.userPoolId, accountId: DEPLOYED.account }
  const generated = iamPolicy(target, { loginFlow: 'USER_AUTH', adminApi: true })
  t.same(generated.Statement.map(s => s.Sid), ['ReadPoolSettingsAtStart', 'AdminApi'])
  const actions = (value: string | string[]) => typeof value === 'string' ? [value] : value
  t.same(policies[0]!.Properties.PolicyDocument.Statement.map((s: { Sid: string, Effect: string, Action: string | string[], Resource: unknown }) =>
    ({ Sid: s.Sid, Effect: s.Effect, Action: actions(s.Action), Resource: s.Resource })),
  generated.Statement.map(s => ({ Sid: s.Sid, Effect: 'Allow', Action: s.Action, Resource: poolArn })))
  t.equal(environment.get('ADMIN_API'), 'true', 'the admin API the policy allows is mounted')
  t.notOk(JSON.stringify(policies).includes('AdminInitiateAuth'), 'no admin login flow with LOGIN_FLOW=USER_AUTH')
})

t.test('cdk-nag AwsSolutions: no finding left with everything on; each accepted one has its reason', async t => {
  t.equal(nagReport.conclusion, 'success')
  t.same(nagReport.violations, [])
  const accepted = new Set(nagReport.suppressedViolations.map(v => v.ruleName.replace(/\[.*$/, '')))
  t.notOk(accepted.has('AwsSolutions-COG2'), 'required MFA: nothing to accept')
  t.notOk(accepted.has('AwsSolutions-COG8'), 'PLUS: nothing to accept')
  for (const rule of ['ECS2', 'ELB2', 'EC23', 'SMG4', 'IAM5']) t.ok(accepted.has(`AwsSolutions-${rule}`), rule)
  const smsRole = nagReport.suppressedViolations.find(v => v.violatingConstructs.some(c => c.constructPath.endsWith('UserPool/smsRole/Resource')))
  t.match(smsRole?.reason, /sns:Publish on \*/, 'the SMS role\'s wildcard, with its reason')
  for (const suppressed of nagReport.suppressedViolations) t.ok(suppressed.reason.length > 40, `${suppressed.ruleName} says why`)
})

t.test('doctor on the template: with everything on, every one of the service\'s start-up checks is ok', async t => {
  const environment = environmentFromOutputs(template)
  t.equal(environment.OAUTH_PROVIDERS, 'COGNITO,Google,Corp,Partner,Facebook,SignInWithApple')
  t.equal(environment.LOGIN_FLOW, 'USER_AUTH')
  const config = loadConfig(environment)
  if (config.mode !== 'aws') throw new Error('the outputs name a pool: AWS mode')
  const rows = checkPool(config, describeTemplate(template.toJSON() as TemplateJson, { userPoolId: DEPLOYED.userPoolId, clientName: 'shop-service' }))
  t.ok(rows.length >= 12, `${rows.length} rows`)
  for (const row of rows) t.equal(row.status, 'ok', `${row.setting}: ${row.poolValue}: ${row.whatTheServiceDoes}`)
  t.ok(rows.some(row => row.setting === 'mfa.WebAuthnConfiguration.RelyingPartyId' && /Passkeys made on pages under shop.example/.test(row.whatTheServiceDoes)))
})

// No dependency cycle (the pool names the functions; their pool permissions name the pool): Template.fromStack, in
// synthesize(), refuses a template with one; the pool actions on the role's default policy made one (measured).
t.test('triggers: each a Node 24 function on the pool\'s LambdaConfig, with its settings and the least it needs', async t => {
  const { id: poolId, props: pool } = resource(template, 'AWS::Cognito::UserPool')
  const lambdaConfig = pool.LambdaConfig as Record<string, { 'Fn::GetAtt': [string, string] }>
  t.same(Object.keys(lambdaConfig).sort(), ['CustomMessage', 'PostConfirmation', 'PreSignUp', 'UserMigration'])
  const resources = template.toJSON().Resources as Record<string, { Type: string, Properties: Record<string, any> }>
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
  const statementsOf = (roleId: string) => policies
    .filter(policy => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(policy => policy.Properties.PolicyDocument.Statement as { Action: string | string[], Resource: unknown }[])
  const poolArn = { 'Fn::GetAtt': [poolId, 'Arn'] }
  const expected: Record<string, { environment: Record<string, string>, pool: string[], secret?: string }> = {
    CustomMessage: {
      environment: { PUBLIC_URL: 'https://auth.shop.example', REDIRECT_ALLOWLIST: 'https://shop.example,https://cms.shop.example/account/' },
      pool: []
    },
    PreSignUp: { environment: {}, pool: ['cognito-idp:AdminLinkProviderForUser', 'cognito-idp:ListUsers'] },
    PostConfirmation: {
      environment: { DEFAULT_GROUP: 'viewers', WEBHOOK_URL: 'https://hooks.shop.example/users', WEBHOOK_SECRET_ARN: WEBHOOK_SECRET },
      pool: ['cognito-idp:AdminAddUserToGroup'],
      secret: WEBHOOK_SECRET
    },
    UserMigration: {
      environment: { LEGACY_USERS_URL: 'https://legacy.shop.example/auth', LEGACY_USERS_SECRET_ARN: LEGACY_SECRET },
      pool: [],
      secret: LEGACY_SECRET
    }
  }
  for (const [trigger, want] of Object.entries(expected)) {
    const fnId = lambdaConfig[trigger]!['Fn::GetAtt'][0]
    const fn = resources[fnId]!
    t.equal(fn.Type, 'AWS::Lambda::Function', trigger)
    t.equal(fn.Properties.Runtime, 'nodejs24.x', `${trigger}: Node 24`)
    t.equal(fn.Properties.Handler, 'index.handler')
    t.equal(fn.Properties.Timeout, 5, `${trigger}: Cognito's five seconds`)
    // CDK's own: connection reuse, and the secrets extension's settings (its port is the one the handlers ask).
    const variables = Object.fromEntries(Object.entries({ ...fn.Properties.Environment?.Variables } as Record<string, string>)
      .filter(([name]) => name !== 'AWS_NODEJS_CONNECTION_REUSE_ENABLED' && !/^(PARAMETERS_SECRETS_EXTENSION|SECRETS_MANAGER|SSM_PARAMETER_STORE)_/.test(name)))
    if (want.secret) t.equal(fn.Properties.Environment.Variables.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, '2773')
    t.same(variables, want.environment, `${trigger}: its settings, no secret value`)
    t.equal(Boolean(fn.Properties.Layers), want.secret !== undefined, `${trigger}: the secrets extension only with a secret`)
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string
    t.notOk(resources[roleId]!.Properties.ManagedPolicyArns, `${trigger}: no managed policy`)
    const statements = statementsOf(roleId)
    const actions = (s: { Action: string | string[] }) => [s.Action].flat()
    const cognitoStatements = statements.filter(s => actions(s).some(a => a.startsWith('cognito-idp:')))
    t.same(cognitoStatements.flatMap(actions).sort(), want.pool, `${trigger}: its pool actions, no more`)
    for (const s of cognitoStatements) t.same(s.Resource, poolArn, `${trigger}: on this pool only`)
    const secretStatements = statements.filter(s => actions(s).some(a => a.startsWith('secretsmanager:')))
    t.same(secretStatements.map(s => s.Resource), want.secret ? [want.secret] : [], `${trigger}: its own secret only`)
    for (const s of statements) t.notOk(JSON.stringify(s.Resource).includes('"*"'), `${trigger}: no wildcard resource`)
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] }, Principal: 'cognito-idp.amazonaws.com', SourceArn: poolArn
    })
  }
  const suppressed = nagReport.suppressedViolations.filter(v => v.violatingConstructs.some(c => c.constructPath.includes('/Triggers/')))
  t.same([...new Set(suppressed.map(v => v.ruleName))], ['AwsSolutions-L1'], 'the one accepted finding: Node 24, not 26')
})
