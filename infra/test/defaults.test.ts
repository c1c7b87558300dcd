/**
 * The app as `npm run synth` builds it with the defaults (no service, Cognito's own e-mail): the settings the service
 * depends on, the SES quota warning, cdk-nag with only its stated suppressions, and the template described as
 * DescribeUserPool / DescribeUserPoolClient / GetUserPoolMfaConfig would answer (the service's PoolDescription).
 */
import t from 'tap'
import { Match } from 'aws-cdk-lib/assertions'
import { checkPool } from '../../src/cognito/pool-checks.ts'
import type { PoolDescription } from '../../src/cognito/pool.ts'
import { loadConfig } from '../../src/config/index.ts'
import { describeTemplate, PLACEHOLDER_SECRET, type TemplateJson } from '../src/describe.ts'
import { SES_QUOTA_WARNING } from '../src/pool.ts'
import { SUPPRESSIONS } from '../src/nag.ts'
import { outputKey } from '../src/stack.ts'
import { DEPLOYED, environmentFromOutputs, resource, synthesize, SYNTH_FILE_TIMEOUT } from './fixtures.ts'

t.setTimeout(SYNTH_FILE_TIMEOUT)

const { template, annotations, nagReport, cleanup } = synthesize({})
t.teardown(cleanup)

t.test('the service client: LOGIN_FLOW\'s flow, a secret, revocation, rotation, no user existence errors, the callback', async t => {
  template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
    ClientName: 'cognito-bff-service',
    GenerateSecret: true,
    // With rotation, refresh is GetTokensFromRefreshToken only: CDK leaves ALLOW_REFRESH_TOKEN_AUTH out (Cognito refuses both).
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
    EnableTokenRevocation: true,
    PreventUserExistenceErrors: 'ENABLED',
    EnablePropagateAdditionalUserContextData: true,
    AuthSessionValidity: 3,
    RefreshTokenValidity: 43200,
    RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 },
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    CallbackURLs: ['https://auth.example.com/oauth/callback'],
    LogoutURLs: ['https://app.example.com'],
    SupportedIdentityProviders: ['COGNITO']
  })
  const { props } = resource(template, 'AWS::Cognito::UserPoolClient', p => p.ClientName === 'cognito-bff-service')
  t.notOk((props.WriteAttributes as string[]).includes('email_verified'), 'users cannot verify their own e-mail')
  t.ok((props.WriteAttributes as string[]).includes('custom:plan'))
  t.ok((props.ReadAttributes as string[]).includes('email_verified'))
})

t.test('the pool: aliases, attributes, policy, MFA, recovery, the updated issuer, device tracking off, deletion protected', async t => {
  template.hasResourceProperties('AWS::Cognito::UserPool', {
    UsernameConfiguration: { CaseSensitive: false },
    AliasAttributes: ['email'],
    AutoVerifiedAttributes: ['email'],
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    Schema: Match.arrayWith([
      Match.objectLike({ Name: 'email', Required: true, Mutable: true }),
      Match.objectLike({ Name: 'plan', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '0', MaxLength: '64' } })
    ]),
    Policies: {
      PasswordPolicy: {
        MinimumLength: 8,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
        TemporaryPasswordValidityDays: 7
      }
    },
    MfaConfiguration: 'OPTIONAL',
    EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    UserPoolTier: 'LITE',
    IssuerConfiguration: { Type: 'UPDATED' },
    DeletionProtection: 'ACTIVE',
    DeviceConfiguration: Match.absent(),
    UserPoolAddOns: Match.absent()
  })
  template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' })
})

t.test('the admin group with precedence 0; the domain on managed login; no trigger, no service', async t => {
  template.resourceCountIs('AWS::Cognito::UserPoolGroup', 1)
  template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admins', Precedence: 0 })
  template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'cognito-bff-example', ManagedLoginVersion: 2 })
  template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', { UseCognitoProvidedValues: true })
  template.resourceCountIs('AWS::Lambda::Function', 0)
  template.hasResourceProperties('AWS::Cognito::UserPool', { LambdaConfig: Match.absent() })
  template.resourceCountIs('AWS::ECS::Service', 0)
  template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 0)
})

t.test('outputs: the service\'s environment variables, each described by its name', async t => {
  const outputs = template.findOutputs('*')
  const byVariable = new Map(Object.values(outputs).map(output => [output.Description as string, output.Value as unknown]))
  for (const name of ['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_DOMAIN', 'PUBLIC_URL', 'REDIRECT_ALLOWLIST', 'LOGIN_FLOW',
    'OAUTH_SCOPES', 'OAUTH_PROVIDERS', 'ADMIN_GROUP', 'ADMIN_API', 'ADMIN_SCOPES', 'ADMIN_CLIENT_IDS']) {
    t.ok(byVariable.has(name), `output ${name}`)
    t.ok(outputs[outputKey(name)], `keyed ${outputKey(name)}`)
  }
  t.equal(outputKey('COGNITO_USER_POOL_ID'), 'CognitoUserPoolId')
  t.equal(outputKey('ADMIN_API'), 'AdminApiVariable', 'not the AdminApi construct\'s id')
  t.same(byVariable.get('COGNITO_USER_POOL_ID'), { Ref: resource(template, 'AWS::Cognito::UserPool').id })
  t.same(byVariable.get('PUBLIC_URL'), 'https://auth.example.com')
  t.same(byVariable.get('ADMIN_SCOPES'), 'bff/admin')
  t.same(byVariable.get('ADMIN_API'), 'true', 'the admin API is mounted where its resource server is deployed')
  t.same(byVariable.get('LOGIN_FLOW'), 'USER_PASSWORD_AUTH')
  t.equal(outputs.IdentityPoolId?.Description, 'IDENTITY_POOL_ID', 'the identity pool, as the service\'s IDENTITY_POOL_ID')
  t.notOk(Object.keys(outputs).some(name => /secret/i.test(name) && name !== 'ClientSecretHint'), 'no secret is an output')
})

t.test('without an SES identity the synth warns about Cognito\'s e-mail quota', async t => {
  annotations.hasWarning('/CognitoBff/Pool', Match.stringLikeRegexp('few dozen messages a day'))
  t.match(SES_QUOTA_WARNING, /verified SES identity/)
})

t.test('cdk-nag AwsSolutions: no finding left; the ones accepted are COG2 and COG8 on the pool, with their reasons', async t => {
  t.equal(nagReport.conclusion, 'success')
  t.same(nagReport.violations, [])
  t.same(nagReport.suppressedViolations.map(v => v.ruleName).sort(), ['AwsSolutions-COG2', 'AwsSolutions-COG8'])
  for (const suppressed of nagReport.suppressedViolations) {
    t.same(suppressed.violatingConstructs.map(c => c.constructPath), ['CognitoBff/Pool/UserPool/Resource'])
    t.equal(suppressed.reason, SUPPRESSIONS.find(s => s.id.endsWith(suppressed.ruleName))?.reason)
  }
  for (const suppression of SUPPRESSIONS) t.ok(suppression.reason.length > 40, `${suppression.id} says why`)
})

t.test('the template described as Cognito would: the shapes the service reads at start', async t => {
  const description: PoolDescription = describeTemplate(template.toJSON() as TemplateJson, { userPoolId: 'eu-west-1_Example', clientId: 'abc' })
  const { pool, client, mfa } = description
  t.equal(pool.Id, 'eu-west-1_Example')
  t.equal(pool.Name, 'cognito-bff-users')
  t.equal(pool.MfaConfiguration, 'OPTIONAL')
  t.equal(pool.DeviceConfiguration, undefined)
  t.same(pool.IssuerConfiguration, { Type: 'UPDATED' })
  t.same(pool.Policies?.PasswordPolicy?.MinimumLength, 8)
  t.ok(pool.SchemaAttributes?.some(a => a.Name === 'custom:plan'), 'custom attributes named as Cognito names them')
  t.ok(pool.SchemaAttributes?.some(a => a.Name === 'email' && a.Required === true))
  t.equal(client.ClientId, 'abc')
  t.equal(client.UserPoolId, 'eu-west-1_Example')
  t.equal(client.ClientSecret, PLACEHOLDER_SECRET)
  t.same(client.ExplicitAuthFlows, ['ALLOW_USER_PASSWORD_AUTH'])
  t.equal(client.EnableTokenRevocation, true)
  t.equal(client.PreventUserExistenceErrors, 'ENABLED')
  t.equal(client.AuthSessionValidity, 3)
  t.same(client.RefreshTokenRotation, { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 })
  t.same(client.SupportedIdentityProviders, ['COGNITO'])
  t.same(mfa.MfaConfiguration, 'OPTIONAL')
  t.same(mfa.SoftwareTokenMfaConfiguration, { Enabled: true })
  t.equal(mfa.WebAuthnConfiguration, undefined)
})

t.test('the description picks the client by name, and says so when there is none', async t => {
  const json = template.toJSON() as TemplateJson
  t.equal(describeTemplate(json, { clientName: 'cognito-bff-admin-m2m' }).client.AllowedOAuthFlows?.[0], 'client_credentials')
  t.throws(() => describeTemplate(json, { clientName: 'nope' }), /expected one app client named nope in the template, found 0/)
  t.throws(() => describeTemplate({ Resources: {} }), /expected one AWS::Cognito::UserPool/)
})

t.test('doctor on the template: the service\'s own start-up checks, configured from the outputs, pass; only the e-mail sender warns', async t => {
  const environment = environmentFromOutputs(template)
  t.equal(environment.COGNITO_USER_POOL_ID, DEPLOYED.userPoolId)
  t.equal(environment.COGNITO_DOMAIN, 'https://cognito-bff-example.auth.eu-west-1.amazoncognito.com')
  const config = loadConfig(environment)
  if (config.mode !== 'aws') throw new Error('the outputs name a pool: AWS mode')
  const rows = checkPool(config, describeTemplate(template.toJSON() as TemplateJson, { userPoolId: DEPLOYED.userPoolId }))
  t.ok(rows.length >= 12, `${rows.length} rows`)
  // Expected: no SES identity in the defaults (the synth's quota warning says the same); nothing else may warn.
  const expectedWarnings = new Set(['pool.EmailConfiguration.EmailSendingAccount'])
  for (const row of rows) {
    t.equal(row.status, expectedWarnings.has(row.setting) ? 'warn' : 'ok', `${row.setting}: ${row.poolValue}: ${row.whatTheServiceDoes}`)
  }
})
