/**
 * The pool checks as a pure function: a real pool's settings (written as
 * DescribeUserPool, DescribeUserPoolClient and GetUserPoolMfaConfig answer
 * them) against the config. The healthy pool passes every check; each
 * misconfiguration turns exactly its own row to fail or warn, with the fix.
 */
import t from 'tap'
import { checkPool, isRegistrableSuffix, worstStatus, type Check } from '../../src/cognito/pool-checks.js'
import type { PoolDescription } from '../../src/cognito/gateway.js'
import { awsConfig } from '../helper.js'

const HOSTED_UI = {
  PUBLIC_URL: 'https://auth.example.com',
  COGNITO_DOMAIN: 'https://example.auth.us-east-1.amazoncognito.com',
  REDIRECT_ALLOWLIST: 'https://app.example.com/,https://cms.example.com:8443/account/',
  CORS_ORIGINS: 'https://app.example.com'
}
const config = (env: Record<string, string> = {}) => awsConfig({ ...HOSTED_UI, ...env })

/** A pool set up as docs/operations.md asks. */
function healthy (): PoolDescription {
  return {
    pool: {
      Id: 'us-east-1_Mocked01',
      EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com' },
      UserPoolAddOns: { AdvancedSecurityMode: 'OFF' },
      Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] } }
    },
    client: {
      ClientId: '3n4b5urk1ft4fl3mg5e62d9ado',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: ['https://auth.example.com/oauth/callback'],
      LogoutURLs: ['https://app.example.com/', 'https://cms.example.com:8443/account/signed-out']
    },
    mfa: { MfaConfiguration: 'OFF' }
  }
}

/** The rows that are not ok. */
const notOk = (checks: Check[]) => checks.filter(check => check.status !== 'ok')

t.test('a pool set up as documented passes every check, and no row says more than "set" of a client secret', async t => {
  const checks = checkPool(config(), healthy())
  t.same(notOk(checks), [])
  t.equal(worstStatus(checks), 'ok')
  t.ok(checks.every(check => check.fix === ''), 'no fix for an ok row')

  const withSecret = healthy()
  withSecret.client.ClientSecret = 'the-client-secret-value-0123456789'
  const secretChecks = checkPool(config({ COGNITO_CLIENT_SECRET: 'the-client-secret-value-0123456789' }), withSecret)
  t.same(notOk(secretChecks), [])
  t.match(secretChecks.find(check => check.setting === 'client.ClientSecret'), { poolValue: 'set' })
  t.notMatch(JSON.stringify(secretChecks), /the-client-secret-value/)
})

/** One misconfiguration: the config's env and a change to the healthy pool, and the one row it must produce. */
interface Case {
  name: string
  env?: Record<string, string>
  change: (pool: PoolDescription) => void
  expect: { setting: string, status: 'warn' | 'fail', poolValue?: string, whatTheServiceDoes?: string, fix: RegExp | string }
}

const cases: Case[] = [
  {
    name: 'LOGIN_FLOW=USER_PASSWORD_AUTH without ALLOW_USER_PASSWORD_AUTH',
    change: d => { d.client.ExplicitAuthFlows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
    expect: { setting: 'client.ExplicitAuthFlows (sign-in)', status: 'fail', poolValue: 'ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH', fix: /add ALLOW_USER_PASSWORD_AUTH/ }
  },
  {
    name: 'LOGIN_FLOW=ADMIN_USER_PASSWORD_AUTH without ALLOW_ADMIN_USER_PASSWORD_AUTH',
    env: { LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH' },
    change: () => {},
    expect: { setting: 'client.ExplicitAuthFlows (sign-in)', status: 'fail', fix: /add ALLOW_ADMIN_USER_PASSWORD_AUTH/ }
  },
  {
    name: 'LOGIN_FLOW=USER_AUTH without ALLOW_USER_AUTH',
    env: { LOGIN_FLOW: 'USER_AUTH' },
    change: () => {},
    expect: { setting: 'client.ExplicitAuthFlows (sign-in)', status: 'fail', fix: /add ALLOW_USER_AUTH/ }
  },
  {
    name: 'no ALLOW_REFRESH_TOKEN_AUTH',
    change: d => { d.client.ExplicitAuthFlows = ['ALLOW_USER_PASSWORD_AUTH'] },
    expect: { setting: 'client.ExplicitAuthFlows (refresh)', status: 'fail', fix: /add ALLOW_REFRESH_TOKEN_AUTH/ }
  },
  {
    name: 'COGNITO_CLIENT_SECRET set, the client has none',
    env: { COGNITO_CLIENT_SECRET: 'a-secret-the-client-does-not-have' },
    change: () => {},
    expect: { setting: 'client.ClientSecret', status: 'fail', poolValue: 'none', fix: /unset COGNITO_CLIENT_SECRET/ }
  },
  {
    name: 'the client has a secret, COGNITO_CLIENT_SECRET unset',
    change: d => { d.client.ClientSecret = 'the-client-secret-value-0123456789' },
    expect: { setting: 'client.ClientSecret', status: 'fail', poolValue: 'set', fix: /set COGNITO_CLIENT_SECRET/ }
  },
  {
    name: 'devices always remembered',
    change: d => { d.pool.DeviceConfiguration = { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } },
    expect: { setting: 'pool.DeviceConfiguration', status: 'fail', poolValue: 'always', fix: /Don't remember/ }
  },
  {
    name: 'devices remembered on the user\'s opt-in',
    change: d => { d.pool.DeviceConfiguration = { DeviceOnlyRememberedOnUserPrompt: true } },
    expect: { setting: 'pool.DeviceConfiguration', status: 'fail', poolValue: 'user opt-in', fix: /Don't remember/ }
  },
  {
    name: 'the callback URL not registered while /oauth/* is on',
    change: d => { d.client.CallbackURLs = ['https://auth.example.com/callback'] },
    expect: { setting: 'client.CallbackURLs', status: 'fail', fix: 'add https://auth.example.com/oauth/callback to the app client\'s callback URLs (PUBLIC_URL + /oauth/callback).' }
  },
  {
    name: 'no authorization code grant while /oauth/* is on',
    change: d => { d.client.AllowedOAuthFlows = ['implicit'] },
    expect: { setting: 'client.AllowedOAuthFlows', status: 'fail', fix: /Authorization code grant/ }
  },
  {
    name: 'an OAUTH_SCOPES scope the client does not allow',
    change: d => { d.client.AllowedOAuthScopes = ['openid', 'email'] },
    expect: { setting: 'client.AllowedOAuthScopes', status: 'fail', fix: /allow profile, aws\.cognito\.signin\.user\.admin on the app client/ }
  },
  {
    name: 'an OAUTH_PROVIDERS provider the client does not support',
    env: { OAUTH_PROVIDERS: 'COGNITO,Google' },
    change: () => {},
    expect: { setting: 'client.SupportedIdentityProviders', status: 'warn', fix: /enable Google on the app client/ }
  },
  {
    name: 'a REDIRECT_ALLOWLIST target no sign-out URL covers',
    change: d => { d.client.LogoutURLs = ['https://app.example.com/'] },
    expect: { setting: 'client.LogoutURLs', status: 'warn', fix: /under https:\/\/cms\.example\.com:8443\/account\// }
  },
  {
    name: 'token revocation off',
    change: d => { d.client.EnableTokenRevocation = false },
    expect: {
      setting: 'client.EnableTokenRevocation',
      status: 'warn',
      poolValue: 'false',
      whatTheServiceDoes: 'Logout clears the cookies and answers 204, but cannot revoke at Cognito: ' +
        'only the service\'s own sign-out mark refuses the tokens.',
      fix: /EnableTokenRevocation=true/
    }
  },
  {
    name: 'threat protection on, user context not propagated (no client secret)',
    change: d => { d.pool.UserPoolAddOns = { AdvancedSecurityMode: 'ENFORCED' } },
    expect: {
      setting: 'client.EnablePropagateAdditionalUserContextData',
      status: 'warn',
      poolValue: 'false (threat protection ENFORCED)',
      fix: /with a secret, and set COGNITO_CLIENT_SECRET/
    }
  },
  {
    name: 'legacy user-existence errors',
    change: d => { d.client.PreventUserExistenceErrors = 'LEGACY' },
    expect: { setting: 'client.PreventUserExistenceErrors', status: 'warn', poolValue: 'LEGACY', fix: /ENABLED/ }
  },
  {
    name: 'Cognito\'s default e-mail sender',
    change: d => { d.pool.EmailConfiguration = { EmailSendingAccount: 'COGNITO_DEFAULT' } },
    expect: { setting: 'pool.EmailConfiguration.EmailSendingAccount', status: 'warn', poolValue: 'COGNITO_DEFAULT', fix: /Amazon SES/ }
  },
  {
    name: 'passkeys with a relying party that is not PUBLIC_URL\'s host or a parent of it',
    env: { LOGIN_FLOW: 'USER_AUTH' },
    change: d => {
      d.client.ExplicitAuthFlows = ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']
      d.pool.Policies = { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } }
      d.mfa.WebAuthnConfiguration = { RelyingPartyId: 'example.auth.us-east-1.amazoncognito.com' }
    },
    expect: { setting: 'mfa.WebAuthnConfiguration.RelyingPartyId', status: 'warn', fix: /relying party to auth\.example\.com or a parent domain/ }
  }
]

for (const { name, env, change, expect } of cases) {
  t.test(`(a real pool's settings) ${name}: ${expect.status} on ${expect.setting}`, async t => {
    const description = healthy()
    change(description)
    const rows = notOk(checkPool(config(env), description))
    t.equal(rows.length, 1, 'exactly one row is not ok')
    t.match(rows[0], expect)
  })
}

t.test('what each misconfiguration is measured against', async t => {
  t.test('without COGNITO_DOMAIN there are no /oauth/* routes: hosted-UI settings are not checked', async t => {
    const description = healthy()
    description.client.CallbackURLs = []
    description.client.AllowedOAuthScopes = []
    t.same(notOk(checkPool(awsConfig({ PUBLIC_URL: 'https://auth.example.com' }), description)), [])
  })
  t.test('refresh-token rotation on: no ALLOW_REFRESH_TOKEN_AUTH is needed (Cognito refuses it then)', async t => {
    const description = healthy()
    description.client.ExplicitAuthFlows = ['ALLOW_USER_PASSWORD_AUTH']
    description.client.RefreshTokenRotation = { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 }
    t.same(notOk(checkPool(config(), description)), [])
    description.client.RefreshTokenRotation = { Feature: 'DISABLED' }
    t.match(notOk(checkPool(config(), description)), [{ setting: 'client.ExplicitAuthFlows (refresh)', status: 'fail' }])
  })
  t.test('legacy flow names stand for their ALLOW_ twins, and allow refresh', async t => {
    const description = healthy()
    description.client.ExplicitAuthFlows = ['ADMIN_NO_SRP_AUTH']
    t.same(notOk(checkPool(config({ LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH' }), description)), [])
  })
  t.test('threat protection with user context propagated, or threat protection off: no warning', async t => {
    const on = healthy()
    on.pool.UserPoolAddOns = { AdvancedSecurityMode: 'AUDIT' }
    on.client.EnablePropagateAdditionalUserContextData = true
    on.client.ClientSecret = 'x'.repeat(40)
    t.same(notOk(checkPool(config({ COGNITO_CLIENT_SECRET: 'x'.repeat(40) }), on)), [])
  })
  t.test('a passkey relying party that is the host or a parent domain of it is fine', async t => {
    t.ok(isRegistrableSuffix('auth.example.com', 'auth.example.com'))
    t.ok(isRegistrableSuffix('example.com', 'auth.example.com'))
    t.ok(isRegistrableSuffix('Example.COM.', 'auth.example.com'))
    t.notOk(isRegistrableSuffix('ample.com', 'auth.example.com'), 'a label boundary, not a string suffix')
    t.notOk(isRegistrableSuffix('com', 'auth.example.com'), 'a top-level domain is never a relying party')
    t.notOk(isRegistrableSuffix('app.example.com', 'auth.example.com'), 'a sibling')
    const description = healthy()
    description.client.ExplicitAuthFlows = ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']
    description.pool.Policies = { SignInPolicy: { AllowedFirstAuthFactors: ['WEB_AUTHN'] } }
    description.mfa.WebAuthnConfiguration = { RelyingPartyId: 'example.com' }
    t.same(notOk(checkPool(config({ LOGIN_FLOW: 'USER_AUTH' }), description)), [])
    delete description.mfa.WebAuthnConfiguration
    t.match(notOk(checkPool(config({ LOGIN_FLOW: 'USER_AUTH' }), description)), [{ status: 'warn', poolValue: /unset/ }],
      'unset: the pool\'s own domain, never the app\'s')
  })
})
