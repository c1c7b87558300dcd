import {
  CognitoIdentityProviderClient, GetUserCommand, InternalErrorException, TooManyRequestsException
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import t from 'tap'
import { createCognitoGateway } from '../../../src/cognito/gateway.js'
import { buildAwsApp, expectProblem } from '../../helper.js'
import { COGNITO_TIMEOUT_MS } from '../../helpers/timeouts.js'

t.test('(mocked Cognito SDK) a token without aws.cognito.signin.user.admin is 403 INSUFFICIENT_SCOPE, and Cognito is not asked', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  cognito.on(GetUserCommand).resolves({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] })
  const { app, jwks } = await buildAwsApp(t, {
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })

  const socialToken = jwks.accessToken('alice', { scope: 'openid email profile' })
  const social = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${socialToken}` } })
  expectProblem(t, social, 'INSUFFICIENT_SCOPE', { detail: 'The access token lacks the aws.cognito.signin.user.admin scope; request it at sign-in.' })
  t.equal(social.headers['www-authenticate'], 'Bearer error="insufficient_scope", scope="aws.cognito.signin.user.admin"')
  t.equal(cognito.commandCalls(GetUserCommand).length, 0, 'refused before Cognito')

  const full = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${jwks.accessToken('alice')}` } })
  t.equal(full.statusCode, 200, 'control: with the scope, /me answers')
  t.match(full.json(), { username: 'alice', attributes: { email: 'alice@example.com' }, scope: ['aws.cognito.signin.user.admin'] })
})

t.test('(mocked Cognito SDK) a throttled GetUser is sent once, never retried: 429 UPSTREAM_THROTTLED with Retry-After', async t => {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  const $metadata = { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 }
  cognito.on(GetUserCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata }))
  const { app, jwks } = await buildAwsApp(t, {
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  const res = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${jwks.accessToken('alice')}` } })
  expectProblem(t, res, 'UPSTREAM_THROTTLED')
  t.equal(res.headers['retry-after'], '1')
  t.equal(cognito.commandCalls(GetUserCommand).length, 1, 'one GetUser: retrying would add load exactly when Cognito pushes back')

  // Control: an outage (not throttling) of the same read is still retried.
  cognito.reset()
  cognito.on(GetUserCommand).rejects(new InternalErrorException({ message: 'boom', $metadata: { ...$metadata, httpStatusCode: 500 } }))
  const outage = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${jwks.accessToken('bob')}` } })
  expectProblem(t, outage, 'UPSTREAM_UNAVAILABLE')
  t.equal(cognito.commandCalls(GetUserCommand).length, 3, 'an internal error is retried, three times in all')
})
