/**
 * The pool's settings, read at start and again on demand: from the local
 * pool as the emulator keeps it, and (mocked Cognito SDK: IAM refusals and a
 * real pool's answers are not reproducible locally) over a denied, then
 * allowed, AWS pool.
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import t from 'tap'
import { createCognitoGateway } from '../../src/cognito/gateway.js'
import { buildAwsApp, buildTestApp } from '../helper.js'
import { COGNITO_TIMEOUT_MS, fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

t.test('local mode: the local pool, its app client and its MFA setting are read before the service answers', async t => {
  const { app, config } = await buildTestApp(t, { env: { LOCAL_MFA: 'required' } })
  t.equal(app.userPool.failure, undefined)
  t.match(app.userPool.description, {
    pool: { Id: config.pool.userPoolId },
    client: { ClientId: config.pool.clientId, UserPoolId: config.pool.userPoolId },
    mfa: { MfaConfiguration: 'ON' }
  })
})

const denied = (action: string) => new CognitoIdentityProviderServiceException({
  name: 'AccessDeniedException',
  $fault: 'client',
  message: `User: arn:aws:sts::123456789012:assumed-role/bff/i-0abc is not authorized to perform: ${action}`,
  $metadata: { httpStatusCode: 400 }
})

t.test('(mocked Cognito SDK: IAM refusal) a pool that cannot be read: the service starts, says so once, and follows when allowed', async t => {
  const client = new CognitoIdentityProviderClient({
    region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1
  })
  const sdk = mockClient(client)
  t.teardown(() => sdk.restore())
  sdk.on(DescribeUserPoolCommand).rejects(denied('cognito-idp:DescribeUserPool'))
  sdk.on(DescribeUserPoolClientCommand).rejects(denied('cognito-idp:DescribeUserPoolClient'))
  sdk.on(GetUserPoolMfaConfigCommand).rejects(denied('cognito-idp:GetUserPoolMfaConfig'))
  const { app, logs } = await buildAwsApp(t, {
    readPool: true,
    env: { POOL_REFRESH_SECONDS: '0' },
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  t.equal(app.userPool.description, undefined, 'nothing read')
  t.type(app.userPool.failure, 'string')
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200, 'the service answers')
  await app.userPool.refresh()
  const warnings = () => logs.filter(line => line.includes('could not read the user pool'))
  t.equal(warnings().length, 1, 'a second refusal is not logged again')
  t.match(warnings()[0], /DescribeUserPool/, 'the warning names what to allow')

  sdk.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_Example', MfaConfiguration: 'OPTIONAL' } })
  sdk.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'client', AuthSessionValidity: 12 } })
  sdk.on(GetUserPoolMfaConfigCommand).resolves({ MfaConfiguration: 'ON', $metadata: {} })
  const seen: unknown[] = []
  app.userPool.onRead(description => seen.push(description))
  await app.userPool.refresh()
  t.equal(app.userPool.failure, undefined)
  t.same(app.userPool.description, {
    pool: { Id: 'us-east-1_Example', MfaConfiguration: 'OPTIONAL' },
    client: { ClientId: 'client', AuthSessionValidity: 12 },
    mfa: { MfaConfiguration: 'ON' }
  }, 'the three answers, without the SDK metadata')
  t.equal(seen.length, 1, 'listeners hear of the read')
  t.ok(logs.some(line => line.includes('read the user pool\'s settings again')), 'the recovery is logged')

  sdk.on(DescribeUserPoolCommand).rejects(denied('cognito-idp:DescribeUserPool'))
  await app.userPool.refresh()
  t.equal(app.userPool.description?.client.AuthSessionValidity, 12, 'a later failure keeps what was read')
})
