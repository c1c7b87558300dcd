/**
 * The config (defaults, merging, the checks made at synth time), the constructs used alone in a stack of their own,
 * the local pool and the deployed one agreeing, and cdk-nag failing a synth whose finding nobody accepted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { App, Stack, Validations } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import * as cognito from 'aws-cdk-lib/aws-cognito'
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import nag from 'cdk-nag'
import { LOCAL_CUSTOM_ATTRIBUTES, LOCAL_PASSWORD_POLICY } from '../../packages/local-cognito/src/local-pool.ts'
import { checkConfig, configFromContext, DEFAULT_CONFIG, featurePlanFor, type InfraConfig, mergeConfig } from '../src/config.ts'
import { AdminApi } from '../src/admin-api.ts'
import { CUSTOM_ATTRIBUTES, PASSWORD_POLICY } from '../src/pool.ts'
import { taskPolicyStatements } from '../src/task-policy.ts'
import { iamPolicy } from '../../src/cognito/iam-policy.ts'
import { callbackUrl, ServiceClient } from '../src/service-client.ts'
import { SYNTH_FILE_TIMEOUT } from './fixtures.ts'

t.setTimeout(SYNTH_FILE_TIMEOUT)

const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] })
const withConfig = (change: Partial<InfraConfig>) => () => checkConfig(mergeConfig(DEFAULT_CONFIG, change))

t.test('the config: defaults, a file, then the cognitoBff object; settings objects merged one level deep', async t => {
  t.same(configFromContext(context({})), DEFAULT_CONFIG)
  const dir = mkdtempSync(join(tmpdir(), 'cognito-bff-config-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify({ name: 'from-file', tokens: { refreshDays: 7 } }))
  const config = configFromContext(context({ cognitoBffFile: file, cognitoBff: JSON.stringify({ publicUrl: 'https://id.example.org' }) }))
  t.equal(config.name, 'from-file')
  t.equal(config.publicUrl, 'https://id.example.org')
  t.same(config.tokens, { ...DEFAULT_CONFIG.tokens, refreshDays: 7 }, 'the other token settings stay')
  const custom = { customDomain: 'login.example.org', certificateArn: 'arn:aws:acm:us-east-1:1:certificate/x' }
  const domain = mergeConfig(DEFAULT_CONFIG, { domain: custom })
  t.notOk('prefix' in domain.domain, 'a custom domain replaces the prefix, it does not sit beside it')
  t.throws(() => configFromContext(context({ cognitoBff: '{not json' })), /cognitoBff: not JSON/)
})

t.test('the checks: what Cognito or CloudFormation would refuse at deploy time stops the synth, naming the setting', async t => {
  t.throws(withConfig({ publicUrl: 'http://auth.example.com' }), /publicUrl: must be https/)
  t.throws(withConfig({ publicUrl: 'https://auth.example.com/bff' }), /publicUrl: an origin, without a path/)
  t.throws(withConfig({ redirectAllowlist: ['javascript:alert(1)'] }), /redirectAllowlist: must be https/)
  t.throws(withConfig({ signInAliases: { username: false, email: false } }), /signInAliases/)
  t.throws(withConfig({ mfa: { mode: 'required', factors: [] } }), /mfa.factors/)
  t.throws(withConfig({ loginFlow: 'USER_AUTH', firstFactors: ['emailOtp'] }), /firstFactors: password stays/)
  t.throws(withConfig({ loginFlow: 'USER_AUTH', firstFactors: ['password', 'passkey'] }), /passkey needs passkeys.relyingPartyId/)
  t.throws(withConfig({ oauthScopes: ['email'] }), /openid is required/)
  t.throws(withConfig({ tokens: { ...DEFAULT_CONFIG.tokens, rotationGraceSeconds: 61 } }), /rotationGraceSeconds/)
  t.throws(withConfig({ tokens: { ...DEFAULT_CONFIG.tokens, authSessionMinutes: 30 } }), /authSessionMinutes: 3 to 15/)
  t.throws(withConfig({ groups: [{ name: 'admins', precedence: 1 }] }), /groups: admins twice/)
  t.throws(withConfig({ domain: { prefix: 'Has_Upper' } }), /domain.prefix/)
  t.throws(withConfig({ ses: { fromEmail: 'a@example.com', sesRegion: '' } }), /ses.sesRegion/)
  t.throws(withConfig({ service: { certificateArn: 'none', desiredCount: 1, minTasks: 1, maxTasks: 1, cpu: 256, memoryMiB: 512 } }), /certificateArn/)
  const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf'
  t.throws(withConfig({ triggers: { postConfirmation: { defaultGroup: 'admins' } } }), /defaultGroup: not the admin group/)
  t.throws(withConfig({ triggers: { postConfirmation: { defaultGroup: 'members' } } }), /defaultGroup: members is not in groups/)
  t.throws(withConfig({ triggers: { userMigration: { legacyUsersUrl: 'http://legacy.example', secretArn: secret } } }), /legacyUsersUrl: must be https/)
  t.throws(withConfig({ triggers: { userMigration: { legacyUsersUrl: 'https://legacy.example', secretArn: 'legacy' } } }), /complete ARN/)
  t.throws(withConfig({ triggers: { postConfirmation: { webhook: { url: 'https://hooks.example', secretArn: `${secret}x` } } } }), /complete ARN/)
  t.doesNotThrow(withConfig({ groups: [{ name: 'members', precedence: 5 }], triggers: { postConfirmation: { defaultGroup: 'members' } } }))
  t.doesNotThrow(withConfig({}))
})

t.test('the feature plan follows the features: PLUS for threat protection, ESSENTIALS for passkeys, e-mail codes, e-mail MFA', async t => {
  t.equal(featurePlanFor(DEFAULT_CONFIG), 'LITE')
  t.equal(featurePlanFor({ ...DEFAULT_CONFIG, threatProtection: 'audit' }), 'PLUS')
  t.equal(featurePlanFor({ ...DEFAULT_CONFIG, passkeys: { relyingPartyId: 'example.com', userVerification: 'preferred' } }), 'ESSENTIALS')
  t.equal(featurePlanFor({ ...DEFAULT_CONFIG, loginFlow: 'USER_AUTH', firstFactors: ['password', 'emailOtp'] }), 'ESSENTIALS')
  t.equal(featurePlanFor({ ...DEFAULT_CONFIG, loginFlow: 'USER_AUTH', firstFactors: ['password'] }), 'LITE')
  t.equal(featurePlanFor({ ...DEFAULT_CONFIG, mfa: { mode: 'optional', factors: ['email'] } }), 'ESSENTIALS')
})

t.test('the deployed pool has the local pool\'s custom attributes and password policy', async t => {
  t.same(Object.entries(CUSTOM_ATTRIBUTES).map(([name, c]) => ({
    Name: name,
    AttributeDataType: 'String',
    Mutable: c.mutable,
    StringAttributeConstraints: { MinLength: String(c.minLen), MaxLength: String(c.maxLen) }
  })), LOCAL_CUSTOM_ATTRIBUTES)
  t.same({
    MinimumLength: PASSWORD_POLICY.minLength,
    RequireUppercase: PASSWORD_POLICY.requireUppercase,
    RequireLowercase: PASSWORD_POLICY.requireLowercase,
    RequireNumbers: PASSWORD_POLICY.requireDigits,
    RequireSymbols: PASSWORD_POLICY.requireSymbols,
    TemporaryPasswordValidityDays: PASSWORD_POLICY.tempDays
  }, LOCAL_PASSWORD_POLICY)
})

t.test('constructs used alone: the service client and the admin API on a pool made elsewhere', async t => {
  const stack = new Stack(new App(), 'Alone')
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Existing', 'eu-west-1_Existing')
  const serviceClient = new ServiceClient(stack, 'Client', {
    ...DEFAULT_CONFIG,
    loginFlow: 'ADMIN_USER_PASSWORD_AUTH',
    tokens: { ...DEFAULT_CONFIG.tokens, rotationGraceSeconds: null },
    userPool
  })
  const adminApi = new AdminApi(stack, 'Admin', { userPool, name: 'alone', identifier: 'ops', scopes: ['read', 'write'] })
  t.same(adminApi.scopeNames, ['ops/read', 'ops/write'], 'ADMIN_SCOPES')
  t.ok(serviceClient.client.userPoolClientId)
  const template = Template.fromStack(stack)
  template.resourceCountIs('AWS::Cognito::UserPool', 0)
  template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
    UserPoolId: 'eu-west-1_Existing',
    ClientName: 'cognito-bff-service',
    // No rotation: refresh by REFRESH_TOKEN_AUTH too, and no RefreshTokenRotation.
    ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    EnableTokenRevocation: true,
    CallbackURLs: [callbackUrl(DEFAULT_CONFIG.publicUrl)]
  })
  const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))
    .find(r => r.Properties.ClientName === 'cognito-bff-service')
  t.equal(client?.Properties.RefreshTokenRotation, undefined)
  template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: 'ops' })
  t.equal(callbackUrl('https://auth.example.com'), 'https://auth.example.com/oauth/callback')
})

t.test('cdk-nag is live: a finding nobody accepted fails the synth, an accepted one does not', async t => {
  const failing = new App()
  const unrotated = new secretsmanager.Secret(new Stack(failing, 'Unrotated'), 'Secret')
  t.ok(unrotated.secretArn)
  Validations.of(failing).addPlugins(new nag.AwsSolutionsChecks(failing))
  t.throws(() => failing.synth(), /Validation failed/)

  const passing = new App()
  const stack = new Stack(passing, 'Accepted')
  const accepted = new secretsmanager.Secret(stack, 'Secret')
  t.ok(accepted.secretArn)
  Validations.of(stack).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason: 'a test of the acknowledgement' })
  Validations.of(passing).addPlugins(new nag.AwsSolutionsChecks(passing))
  t.doesNotThrow(() => passing.synth())
})

t.test('the task role\'s statements: the service\'s generated policy for the features on, each on the pool\'s ARN', async t => {
  const stack = new Stack(new App(), 'Policy')
  const userPool = cognito.UserPool.fromUserPoolArn(stack, 'Existing', 'arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_Existing')
  const features = { loginFlow: 'ADMIN_USER_PASSWORD_AUTH', adminApi: false } as const
  const statements = taskPolicyStatements(userPool, features)
    .map(statement => statement.toStatementJson() as { Sid: string, Action: string[], Resource: string })
  const generated = iamPolicy({ region: 'cn-north-1', userPoolId: 'cn-north-1_Existing', accountId: '123456789012' }, features)
  // Self-service calls are unsigned (no statement); the admin login flow's are.
  t.same(statements.map(s => s.Sid), ['ReadPoolSettingsAtStart', 'AdminLoginFlow'])
  t.same(statements.map(s => [s.Sid, [s.Action].flat(), s.Resource]), generated.Statement.map(s => [s.Sid, s.Action, s.Resource]),
    'the same actions on the same ARN (its partition included)')
  t.notOk(JSON.stringify(statements).includes('AdminCreateUser'), 'no admin API actions with ADMIN_API off')
})
