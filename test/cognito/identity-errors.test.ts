/**
 * The identity pool's error table is complete: every exception the Cognito
 * Identity SDK's model declares for GetId and GetCredentialsForIdentity has a
 * row, becomes the catalog problem the table below expects through the route
 * (mocked SDK: the identity pool cannot be emulated), and is declared by the
 * routes in openapi/openapi.json.
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as identitySdk from '@aws-sdk/client-cognito-identity'
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity'
import { mockClient } from 'aws-sdk-client-mock'
import t from 'tap'
import { hasIdentityRow, IDENTITY_COMMANDS, possibleIdentityCodes } from '../../src/cognito/identity-errors.js'
import { iamPolicy } from '../../src/cognito/iam-policy.js'
import { providerName } from '../../src/cognito/identity-pool.js'
import type { ErrorCode } from '../../src/errors/catalog.js'
import { buildAwsApp, expectProblem } from '../helper.js'
import { declaredCodes, document } from '../helpers/committed-openapi.js'
import { CLIENT_ID } from '../helpers/jwks-server.js'
import { declaredExceptions, IDENTITY_SDK_DIR } from '../helpers/sdk-model.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const IDENTITY_POOL_ID = 'us-east-1:4f7c2a1e-9b3d-4c8e-a6f0-1d2e3f4a5b6c'

/** What each declared exception becomes for a signed-in user, and for a guest, with a message of Cognito's usual kind. */
const EXPECTED: Record<string, { message: string, user: ErrorCode, guest: ErrorCode, detail?: string }> = {
  NotAuthorizedException: { message: 'Access to Identity is forbidden.', user: 'NOT_PERMITTED', guest: 'IDENTITY_POOL_MISCONFIGURED' },
  InvalidParameterException: { message: '1 validation error detected', user: 'INVALID_PARAMETER', guest: 'INVALID_PARAMETER' },
  ResourceNotFoundException: {
    message: 'IdentityPool not found',
    user: 'IDENTITY_POOL_MISCONFIGURED',
    guest: 'IDENTITY_POOL_MISCONFIGURED',
    detail: 'No such identity pool in its region: check IDENTITY_POOL_ID.'
  },
  InvalidIdentityPoolConfigurationException: {
    message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
    user: 'IDENTITY_POOL_MISCONFIGURED',
    guest: 'IDENTITY_POOL_MISCONFIGURED',
    detail: 'The identity pool\'s roles cannot be assumed for it: each role\'s trust policy must allow sts:AssumeRoleWithWebIdentity by ' +
      'cognito-identity.amazonaws.com for this pool (aud) and amr.'
  },
  ResourceConflictException: { message: 'Identity is linked to another login', user: 'UPSTREAM_ERROR', guest: 'UPSTREAM_ERROR' },
  ExternalServiceException: { message: 'Error from the provider', user: 'UPSTREAM_ERROR', guest: 'UPSTREAM_ERROR' },
  InternalErrorException: { message: 'Internal error', user: 'UPSTREAM_UNAVAILABLE', guest: 'UPSTREAM_UNAVAILABLE' },
  TooManyRequestsException: { message: 'Rate exceeded', user: 'UPSTREAM_THROTTLED', guest: 'UPSTREAM_THROTTLED' },
  LimitExceededException: { message: 'Limit exceeded', user: 'UPSTREAM_THROTTLED', guest: 'UPSTREAM_THROTTLED' }
}
const GUEST_DETAIL = 'The identity pool does not allow guest access: turn on guest (unauthenticated) access, or unset IDENTITY_POOL_GUEST.'

const declared = new Map<string, string[]>()
for (const command of IDENTITY_COMMANDS) declared.set(command, await declaredExceptions(command, IDENTITY_SDK_DIR))

t.test('the SDK model declares exceptions for both commands, and each has a row and an expected answer', async t => {
  for (const [command, names] of declared) {
    t.ok(names.length >= 8, `${command}: ${names.join(', ')}`)
    for (const name of names) {
      t.ok(hasIdentityRow(name), `${command}: ${name} has a row`)
      t.ok(EXPECTED[name], `${command}: ${name} has an expected answer here`)
    }
  }
})

t.test('mocked SDK: every declared exception, at either call, becomes its catalog problem for a user and a guest', async t => {
  const identity = mockClient(CognitoIdentityClient)
  t.teardown(() => identity.restore())
  const { app, jwks } = await buildAwsApp(t, { env: { IDENTITY_POOL_ID, IDENTITY_POOL_GUEST: 'true' } })
  for (const [command, names] of declared) {
    for (const name of names) {
      const expected = EXPECTED[name]!
      const Exception = (identitySdk as unknown as Record<string, new (o: object) => Error>)[name]!
      const error = new Exception({ message: expected.message, $metadata: { httpStatusCode: 400 } })
      identity.reset()
      if (command === 'GetId') identity.on(GetIdCommand).rejects(error)
      else {
        identity.on(GetIdCommand).resolves({ IdentityId: `us-east-1:${randomUUID()}` })
        identity.on(GetCredentialsForIdentityCommand).rejects(error)
      }
      const sub = randomUUID()
      const now = Math.floor(Date.now() / 1000)
      const idToken = jwks.sign({ sub, aud: CLIENT_ID, token_use: 'id', iat: now, exp: now + 3600, jti: randomUUID(), iss: jwks.issuer })
      const user = await app.inject({
        method: 'POST', url: '/me/aws-credentials', headers: { authorization: `Bearer ${jwks.accessToken('alice', { sub })}` }, payload: { idToken }
      })
      expectProblem(t, user, expected.user, expected.detail === undefined ? {} : { detail: expected.detail })
      const guest = await app.inject({ method: 'POST', url: '/aws-credentials/guest' })
      const guestDetail = name === 'NotAuthorizedException' ? GUEST_DETAIL : expected.detail
      expectProblem(t, guest, expected.guest, guestDetail === undefined ? {} : { detail: guestDetail })
    }
  }
})

t.test('mocked SDK: a refused ID token at the identity pool is TOKEN_INVALID; a pool not trusting this user pool is the operator\'s', async t => {
  const identity = mockClient(CognitoIdentityClient)
  t.teardown(() => identity.restore())
  const { app, jwks } = await buildAwsApp(t, { env: { IDENTITY_POOL_ID } })
  const ask = async (message: string) => {
    identity.reset()
    identity.on(GetIdCommand).rejects(new identitySdk.NotAuthorizedException({ message, $metadata: {} }))
    const sub = randomUUID()
    const now = Math.floor(Date.now() / 1000)
    const idToken = jwks.sign({ sub, aud: CLIENT_ID, token_use: 'id', iat: now, exp: now + 3600, jti: randomUUID(), iss: jwks.issuer })
    return await app.inject({
      method: 'POST', url: '/me/aws-credentials', headers: { authorization: `Bearer ${jwks.accessToken('alice', { sub })}` }, payload: { idToken }
    })
  }
  expectProblem(t, await ask('Invalid login token. Token expired: 1765000000 >= 1764990000'), 'TOKEN_INVALID', {
    detail: 'The identity pool refused the ID token; sign in again.'
  })
  expectProblem(t, await ask('Token is not from a supported provider of this identity pool.'), 'IDENTITY_POOL_MISCONFIGURED', {
    detail: 'The identity pool does not accept this user pool\'s tokens: add the user pool and app client as its Cognito identity provider ' +
      '(IDENTITY_POOL_ID must name that pool).'
  })
})

t.test('the routes declare every code the identity pool\'s exceptions can become (openapi/openapi.json)', async t => {
  for (const path of ['/me/aws-credentials', '/aws-credentials/guest']) {
    const codes = declaredCodes(document.paths[path]!.post!)
    for (const names of declared.values()) {
      for (const name of names) {
        for (const code of possibleIdentityCodes(name, path.includes('guest') ? 'guest' : 'user')) {
          t.ok(codes.has(code), `${path} declares ${code} (${name})`)
        }
      }
    }
  }
})

t.test('the provider name is the user pool\'s, whichever issuer format the tokens name', async t => {
  const pool = { region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123' }
  t.equal(providerName({ ...pool, issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123' }),
    'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123')
  t.equal(providerName({ ...pool, issuer: 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123' }),
    'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123', 'the updated format names the same provider')
  t.equal(providerName({ ...pool, issuer: 'http://127.0.0.1:9229/eu-west-1_AbC123' }), '127.0.0.1:9229/eu-west-1_AbC123',
    'an overridden issuer (COGNITO_ISSUER) is named as it is')
})

t.test('the identity pool module sends only IDENTITY_COMMANDS, all unsigned in their SDK\'s model: no IAM action to allow', async t => {
  const module = await readFile(new URL('../../src/cognito/identity-pool.ts', import.meta.url), 'utf8')
  const sent = new Set([...module.matchAll(/\bnew (\w+)Command\(/g)].map(match => match[1] as string))
  t.same([...sent].sort(), [...IDENTITY_COMMANDS].sort())
  const provider = await readFile(join(IDENTITY_SDK_DIR, 'dist-es', 'auth', 'httpAuthSchemeProvider.js'), 'utf8')
  const unsigned = new Set([...provider.matchAll(/case "(\w+)":\s*\{\s*options\.push\(createSmithyApiNoAuthHttpAuthOption/g)].map(match => match[1]))
  for (const command of IDENTITY_COMMANDS) t.ok(unsigned.has(command), `${command} is unsigned (smithy.api#noAuth)`)
  const policy = JSON.stringify(iamPolicy({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', accountId: '*' }, {
    loginFlow: 'ADMIN_USER_PASSWORD_AUTH', adminApi: true
  }))
  t.notMatch(policy, /cognito-identity|GetId|GetCredentialsForIdentity/, 'the IAM policy names no identity pool action')
})
