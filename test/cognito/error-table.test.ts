import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sdk from '@aws-sdk/client-cognito-identity-provider'
import {
  AdminInitiateAuthCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConcurrentModificationException,
  ExpiredCodeException,
  FeatureUnavailableInTierException,
  InternalErrorException,
  InternalServerException,
  InvalidParameterException,
  InvalidPasswordException,
  LimitExceededException,
  MFAMethodNotFoundException,
  NotAuthorizedException,
  OperationNotEnabledException,
  RefreshTokenReuseException,
  SoftwareTokenMFANotFoundException,
  TooManyRequestsException,
  UnsupportedOperationException,
  UnsupportedTokenTypeException,
  UserNotFoundException
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import { stdSerializers } from 'pino'
import t, { type Test } from 'tap'
import { createCognitoGateway } from '../../src/cognito/gateway.js'
import { isSigned } from '../../src/cognito/commands.js'
import { FALLS_TO_DEFAULT, hasRow, OPERATION_COMMANDS, toApiError, type Operation } from '../../src/cognito/error-table.js'
import { ApiError, type ErrorCode } from '../../src/errors/catalog.js'
import { buildAwsApp, PASSWORD } from '../helper.js'
import { declaredExceptions, SDK_DIR } from '../helpers/sdk-model.js'
import { COGNITO_TIMEOUT_MS } from '../helpers/timeouts.js'

/** What the SDK attaches to an error from a 400 answer. */
const CLIENT_FAULT = { httpStatusCode: 400, requestId: 'f00dcafe-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 }

interface Case {
  operation: Operation
  error: unknown
  code: ErrorCode
  status: number
  retryAfter?: number
  /** The public detail; only a password-policy message is passed on. */
  detail?: string
}

function check (t: Test, cases: Case[]) {
  for (const { operation, error, code, status, retryAfter, detail } of cases) {
    const name = `${operation}: ${(error as Error).name} ${JSON.stringify((error as Error).message)}`
    const mapped = toApiError(operation, error)
    t.ok(mapped instanceof ApiError, `${name} is an ApiError`)
    t.match(mapped, { code, statusCode: status, retryAfter }, `${name} -> ${status} ${code}`)
    t.equal(mapped.cause, error, `${name} keeps the original as cause`)
    t.equal(
      mapped.detail,
      detail,
      detail === undefined ? `${name} sends no detail (the upstream message is not passed on)` : `${name} sends its own public detail`
    )
  }
}

t.test('(mocked Cognito SDK) toApiError: a misconfigured BFF is a 5xx for the operator, not the user\'s mistake', async t => {
  check(t, [
    {
      operation: 'Login',
      error: new NotAuthorizedException({
        message: 'Client 3n4b5urk1ft4fl3mg5e62d9ado is configured with secret but SECRET_HASH was not received',
        $metadata: CLIENT_FAULT
      }),
      code: 'INTERNAL_ERROR',
      status: 500
    },
    {
      operation: 'SignUp',
      error: new NotAuthorizedException({ message: 'Unable to verify secret hash for client 3n4b5urk1ft4fl3mg5e62d9ado', $metadata: CLIENT_FAULT }),
      code: 'INTERNAL_ERROR',
      status: 500
    },
    {
      operation: 'Login',
      error: new InvalidParameterException({ message: 'USER_PASSWORD_AUTH flow not enabled for this client', $metadata: CLIENT_FAULT }),
      code: 'INTERNAL_ERROR',
      status: 500
    }
  ])
})

t.test('(mocked Cognito SDK) toApiError: every known SECRET_HASH wording is the operator\'s, at every operation that sends one', async t => {
  const client = '3n4b5urk1ft4fl3mg5e62d9ado'
  const wordings: Array<[name: 'NotAuthorizedException' | 'InvalidParameterException', message: string]> = [
    ['NotAuthorizedException', `Unable to verify secret hash for client ${client}`],
    ['NotAuthorizedException', `SecretHash does not match for the client: ${client}`],
    ['NotAuthorizedException', `Client ${client} is configured with secret but SECRET_HASH was not received`],
    ['NotAuthorizedException', `Client ${client} is configured for secret but secret was not received`],
    // A hash (or ClientSecret) sent for an app client that has no secret.
    ['InvalidParameterException', `Client ${client} is not configured for secret but secret hash was received`],
    ['NotAuthorizedException', `Client ${client} is not configured with a secret`],
    ['NotAuthorizedException', 'Secret hash is missing.'],
    ['InvalidParameterException', 'Missing required parameter SECRET_HASH'],
    ['NotAuthorizedException', 'Invalid client secret.']
  ]
  const operations: Operation[] = [
    'Login', 'RespondToAuthChallenge', 'Refresh', 'SignUp', 'ConfirmSignUp', 'ResendConfirmationCode', 'ForgotPassword', 'ConfirmForgotPassword'
  ]
  for (const [name, message] of wordings) {
    check(t, operations.map(operation => ({
      operation,
      error: name === 'NotAuthorizedException'
        ? new NotAuthorizedException({ message, $metadata: CLIENT_FAULT })
        : new InvalidParameterException({ message, $metadata: CLIENT_FAULT }),
      code: 'INTERNAL_ERROR',
      status: 500
    })))
  }
})

t.test('(mocked Cognito SDK) toApiError: one exception name, different meanings per operation', async t => {
  const notAuthorized = () => new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: CLIENT_FAULT })
  check(t, [
    { operation: 'Login', error: notAuthorized(), code: 'INVALID_CREDENTIALS', status: 401 },
    {
      operation: 'Login',
      error: new NotAuthorizedException({ message: 'User is disabled.', $metadata: CLIENT_FAULT }),
      code: 'INVALID_CREDENTIALS',
      status: 401
    },
    {
      operation: 'Login',
      error: new UserNotFoundException({ message: 'User does not exist.', $metadata: CLIENT_FAULT }),
      code: 'INVALID_CREDENTIALS',
      status: 401
    },
    {
      operation: 'Login',
      error: new InvalidPasswordException({ message: 'Incorrect username or password.', $metadata: CLIENT_FAULT }),
      code: 'INVALID_CREDENTIALS',
      status: 401
    },
    {
      operation: 'Login',
      error: new NotAuthorizedException({
        message: 'Temporary password has expired and must be reset by an administrator.',
        $metadata: CLIENT_FAULT
      }),
      code: 'TEMPORARY_PASSWORD_EXPIRED',
      status: 403
    },
    {
      operation: 'Refresh',
      error: new NotAuthorizedException({ message: 'Refresh Token has been revoked', $metadata: CLIENT_FAULT }),
      code: 'SESSION_EXPIRED',
      status: 401
    },
    {
      operation: 'Refresh',
      error: new RefreshTokenReuseException({ message: 'Refresh token reused.', $metadata: CLIENT_FAULT }),
      code: 'SESSION_EXPIRED',
      status: 401
    },
    {
      operation: 'ConfirmSignUp',
      error: new NotAuthorizedException({ message: 'User cannot be confirmed. Current status is CONFIRMED', $metadata: CLIENT_FAULT }),
      code: 'ALREADY_CONFIRMED',
      status: 409
    },
    {
      operation: 'ResendConfirmationCode',
      error: new InvalidParameterException({ message: 'User is already confirmed.', $metadata: CLIENT_FAULT }),
      code: 'ALREADY_CONFIRMED',
      status: 409
    },
    {
      operation: 'ResendConfirmationCode',
      error: new InvalidParameterException({ message: 'User has no e-mail address to send a code to.', $metadata: CLIENT_FAULT }),
      code: 'INVALID_PARAMETER',
      status: 400
    },
    {
      operation: 'SignUp',
      error: new NotAuthorizedException({ message: 'SignUp is not permitted for this user pool', $metadata: CLIENT_FAULT }),
      code: 'NOT_PERMITTED',
      status: 403
    },
    {
      operation: 'ForgotPassword',
      error: new NotAuthorizedException({ message: 'User is disabled.', $metadata: CLIENT_FAULT }),
      code: 'NOT_PERMITTED',
      status: 403
    },
    {
      operation: 'RevokeToken',
      error: new UnsupportedTokenTypeException({ message: 'Unsupported token type.', $metadata: CLIENT_FAULT }),
      code: 'TOKEN_INVALID',
      status: 401
    },
    {
      operation: 'RevokeToken',
      error: new UnsupportedOperationException({ message: 'Token revocation is not enabled for this client.', $metadata: CLIENT_FAULT }),
      code: 'INTERNAL_ERROR',
      status: 500
    },
    // The same names fall back to their default rows elsewhere.
    { operation: 'GetUser', error: notAuthorized(), code: 'TOKEN_INVALID', status: 401 },
    {
      operation: 'SignUp',
      error: new InvalidPasswordException({
        message: 'Password did not conform with policy: Password must have uppercase characters',
        $metadata: CLIENT_FAULT
      }),
      code: 'INVALID_PASSWORD',
      status: 400,
      detail: 'Password did not conform with policy: Password must have uppercase characters'
    },
    {
      operation: 'ForgotPassword',
      error: new UserNotFoundException({ message: 'Username/client id combination not found.', $metadata: CLIENT_FAULT }),
      code: 'USER_NOT_FOUND',
      status: 404
    },
    {
      operation: 'ConfirmSignUp',
      error: new CodeMismatchException({ message: 'Invalid verification code provided, please try again.', $metadata: CLIENT_FAULT }),
      code: 'CODE_MISMATCH',
      status: 400
    },
    {
      operation: 'SignUp',
      error: new InvalidParameterException({ message: 'Invalid email address format.', $metadata: CLIENT_FAULT }),
      code: 'INVALID_PARAMETER',
      status: 400
    }
  ])
})

t.test('(mocked Cognito SDK) toApiError: throttling and attempt limits are 429 with a retry hint', async t => {
  check(t, [
    {
      operation: 'Login',
      error: new TooManyRequestsException({ message: 'Rate exceeded', $metadata: CLIENT_FAULT }),
      code: 'UPSTREAM_THROTTLED',
      status: 429,
      retryAfter: 1
    },
    {
      operation: 'SignUp',
      error: new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }),
      code: 'UPSTREAM_THROTTLED',
      status: 429,
      retryAfter: 1
    },
    {
      operation: 'ResendConfirmationCode',
      error: new LimitExceededException({ message: 'Attempt limit exceeded, please try after some time.', $metadata: CLIENT_FAULT }),
      code: 'TOO_MANY_ATTEMPTS',
      status: 429,
      retryAfter: 60
    }
  ])
})

t.test('(mocked Cognito SDK) toApiError: network failures, timeouts and 5xx are 503 UPSTREAM_UNAVAILABLE', async t => {
  // The shapes the SDK really throws (seen against a closed port, a silent server and a failing one).
  const network = (code: string, message: string) => Object.assign(new Error(message), { code, $metadata: { attempts: 3, totalRetryDelay: 250 } })
  const timeout = Object.assign(
    new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 5000 ms requestTimeout.'),
    { name: 'TimeoutError', code: 'ETIMEDOUT' }
  )
  const serverFault = { httpStatusCode: 500, attempts: 3, totalRetryDelay: 250 }
  const htmlGateway = Object.assign(
    new SyntaxError('Unexpected token \'<\', "<html>bad "... is not valid JSON'),
    { $metadata: { httpStatusCode: 502 } }
  )
  const unavailable = new CognitoIdentityProviderServiceException({
    name: 'ServiceUnavailable',
    $fault: 'server',
    message: 'Service Unavailable',
    $metadata: { httpStatusCode: 503 }
  })
  check(t, [
    {
      operation: 'Login',
      error: network('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9229'),
      code: 'UPSTREAM_UNAVAILABLE',
      status: 503,
      retryAfter: 1
    },
    {
      operation: 'SignUp',
      error: network('ENOTFOUND', 'getaddrinfo ENOTFOUND cognito-idp.nowhere.amazonaws.com'),
      code: 'UPSTREAM_UNAVAILABLE',
      status: 503,
      retryAfter: 1
    },
    { operation: 'Refresh', error: network('ECONNRESET', 'socket hang up'), code: 'UPSTREAM_UNAVAILABLE', status: 503, retryAfter: 1 },
    { operation: 'Login', error: timeout, code: 'UPSTREAM_UNAVAILABLE', status: 503, retryAfter: 1 },
    {
      operation: 'Login',
      error: new InternalErrorException({ message: 'Internal server error.', $metadata: serverFault }),
      code: 'UPSTREAM_UNAVAILABLE',
      status: 503,
      retryAfter: 1
    },
    {
      operation: 'GetUser',
      error: new InternalServerException({ message: 'Internal server error.', $metadata: serverFault }),
      code: 'UPSTREAM_UNAVAILABLE',
      status: 503,
      retryAfter: 1
    },
    { operation: 'ForgotPassword', error: unavailable, code: 'UPSTREAM_UNAVAILABLE', status: 503, retryAfter: 1 },
    { operation: 'SignUp', error: htmlGateway, code: 'UPSTREAM_UNAVAILABLE', status: 503, retryAfter: 1 }
  ])
})

t.test('(mocked Cognito SDK) toApiError: anything unknown is 502 UPSTREAM_ERROR', async t => {
  const unknownName = (name: string) => new CognitoIdentityProviderServiceException({
    name,
    $fault: 'client',
    message: `${name} happened`,
    $metadata: CLIENT_FAULT
  })
  check(t, [
    {
      operation: 'Login',
      error: new ConcurrentModificationException({ message: 'concurrent change', $metadata: CLIENT_FAULT }),
      code: 'UPSTREAM_ERROR',
      status: 502
    },
    { operation: 'SignUp', error: unknownName('BrandNewException'), code: 'UPSTREAM_ERROR', status: 502 },
    // Error names come from the wire: one that is also an Object.prototype member must not match a row.
    { operation: 'Login', error: unknownName('constructor'), code: 'UPSTREAM_ERROR', status: 502 },
    { operation: 'Refresh', error: unknownName('toString'), code: 'UPSTREAM_ERROR', status: 502 },
    { operation: 'SignUp', error: unknownName('__proto__'), code: 'UPSTREAM_ERROR', status: 502 },
    { operation: 'GetUser', error: new TypeError('Cannot read properties of undefined (reading \'Username\')'), code: 'UPSTREAM_ERROR', status: 502 }
  ])
  for (const odd of [undefined, null, 'a string', 42]) {
    t.match(toApiError('Login', odd), { code: 'UPSTREAM_ERROR', statusCode: 502 }, `${String(odd)} thrown`)
  }
})

t.test('(mocked Cognito SDK) toApiError: an ApiError passes through unchanged', async t => {
  const original = new ApiError('SESSION_EXPIRED')
  t.equal(toApiError('Login', original), original)
})

t.test('(mocked Cognito SDK) toApiError: Cognito refusing the challenge session means start over; a wrong answer does not', async t => {
  const restart = { code: 'SIGN_IN_RESTART' as const, status: 401, detail: 'The sign-in session is invalid or expired; start the sign-in again.' }
  check(t, [
    {
      operation: 'RespondToAuthChallenge',
      error: new NotAuthorizedException({ message: 'Invalid session for the user, session is expired.', $metadata: CLIENT_FAULT }),
      ...restart
    },
    {
      operation: 'RespondToAuthChallenge',
      error: new NotAuthorizedException({ message: 'Invalid session for the user, session can only be used once.', $metadata: CLIENT_FAULT }),
      ...restart
    },
    {
      operation: 'RespondToAuthChallenge',
      error: new UserNotFoundException({ message: 'User does not exist.', $metadata: CLIENT_FAULT }),
      ...restart
    },
    {
      operation: 'RespondToAuthChallenge',
      error: new CodeMismatchException({ message: 'Invalid code or auth state for the user.', $metadata: CLIENT_FAULT }),
      code: 'CODE_MISMATCH',
      status: 400
    },
    {
      operation: 'RespondToAuthChallenge',
      error: new ExpiredCodeException({ message: 'Your software token has already been used once.', $metadata: CLIENT_FAULT }),
      code: 'CODE_EXPIRED',
      status: 400
    },
    {
      operation: 'RespondToAuthChallenge',
      error: new InvalidPasswordException({ message: 'Password does not conform to policy: Password not long enough', $metadata: CLIENT_FAULT }),
      code: 'INVALID_PASSWORD',
      status: 400,
      detail: 'Password does not conform to policy: Password not long enough'
    },
    {
      operation: 'RespondToAuthChallenge',
      error: new SoftwareTokenMFANotFoundException({ message: 'Software Token MFA has not been enabled by the user.', $metadata: CLIENT_FAULT }),
      code: 'MFA_NOT_SET_UP',
      status: 400
    },
    {
      operation: 'Login',
      error: new MFAMethodNotFoundException({ message: 'No MFA method is set up for the user.', $metadata: CLIENT_FAULT }),
      code: 'MFA_NOT_SET_UP',
      status: 400
    }
  ])
})

/** The AccessDeniedException AWS answers when the BFF's role may not call an action (not in Cognito's model, so no SDK class). */
const accessDenied = (action: string) => new CognitoIdentityProviderServiceException({
  name: 'AccessDeniedException',
  $fault: 'client',
  message: `User: arn:aws:sts::123456789012:assumed-role/bff/i-0abc is not authorized to perform: ${action} ` +
    `on resource: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example because no identity-based policy allows the ${action} action`,
  $metadata: CLIENT_FAULT
})
/** What the SDK throws, before any request, when no credential provider in its chain has credentials. */
const noCredentials = () => Object.assign(
  new Error('Could not load credentials from any providers'),
  { name: 'CredentialsProviderError', tryNextLink: false }
)
/** AWS refusing the request's signature or credentials (not in Cognito's model either). */
const awsAuthError = (name: string, message: string) => new CognitoIdentityProviderServiceException({
  name, $fault: 'client', message, $metadata: CLIENT_FAULT
})

t.test('(mocked Cognito SDK) toApiError: operator errors are 500 and the logged cause names the IAM action', async t => {
  const cases: Array<{ operation: Operation, error: Error, iamAction: string }> = [
    { operation: 'Login', error: accessDenied('cognito-idp:AdminInitiateAuth'), iamAction: 'cognito-idp:AdminInitiateAuth' },
    {
      operation: 'RespondToAuthChallenge',
      error: accessDenied('cognito-idp:AdminRespondToAuthChallenge'),
      iamAction: 'cognito-idp:AdminRespondToAuthChallenge'
    },
    // Only the Admin* calls are signed, so a credential failure names those.
    { operation: 'Login', error: noCredentials(), iamAction: 'cognito-idp:AdminInitiateAuth' },
    {
      operation: 'Login',
      error: awsAuthError('ExpiredTokenException', 'The security token included in the request is expired'),
      iamAction: 'cognito-idp:AdminInitiateAuth'
    },
    {
      operation: 'RespondToAuthChallenge',
      error: awsAuthError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      iamAction: 'cognito-idp:AdminRespondToAuthChallenge'
    },
    {
      operation: 'Login',
      error: awsAuthError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.'),
      iamAction: 'cognito-idp:AdminInitiateAuth'
    },
    {
      operation: 'Refresh',
      error: new OperationNotEnabledException({ message: 'Refresh token rotation is not enabled for this client.', $metadata: CLIENT_FAULT }),
      iamAction: 'cognito-idp:GetTokensFromRefreshToken or cognito-idp:InitiateAuth'
    },
    {
      operation: 'Login',
      error: new FeatureUnavailableInTierException({ message: 'This feature is not available in the current tier.', $metadata: CLIENT_FAULT }),
      iamAction: 'cognito-idp:InitiateAuth or cognito-idp:AdminInitiateAuth'
    },
    {
      operation: 'SignUp',
      error: new OperationNotEnabledException({ message: 'Operation is not enabled.', $metadata: CLIENT_FAULT }),
      iamAction: 'cognito-idp:SignUp'
    },
    {
      operation: 'SignUp',
      error: new NotAuthorizedException({ message: 'Unable to verify secret hash for client 3n4b5urk1ft4fl3mg5e62d9ado', $metadata: CLIENT_FAULT }),
      iamAction: 'cognito-idp:SignUp'
    },
    {
      operation: 'RevokeToken',
      error: new UnsupportedOperationException({ message: 'Token revocation is not enabled for this client.', $metadata: CLIENT_FAULT }),
      iamAction: 'cognito-idp:RevokeToken'
    }
  ]
  check(t, cases.map(({ operation, error }) => ({ operation, error, code: 'INTERNAL_ERROR', status: 500 })))
  for (const { operation, error, iamAction } of cases) {
    const cause = toApiError(operation, error).cause
    t.equal(cause, error, 'the cause is still the SDK\'s error')
    t.match(cause, { iamAction }, `${operation}: ${error.name} names ${iamAction}`)
    // What problem-details logs as `err` for a 5xx, through pino's error serializer.
    t.match(
      stdSerializers.err(cause as Error),
      { type: error.constructor.name, message: error.message, iamAction },
      `${error.name}: logged with its IAM action`
    )
  }
  t.match(
    stdSerializers.err(toApiError('Login', accessDenied('cognito-idp:AdminInitiateAuth')).cause as Error),
    { $metadata: { httpStatusCode: 400 } },
    'the upstream metadata is still on the logged error'
  )
})

t.test('(mocked Cognito SDK) an IAM refusal at login: a generic 500, and the log line names the IAM action', async t => {
  const client = new CognitoIdentityProviderClient({
    region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1
  })
  const cognito = mockClient(client)
  t.teardown(() => cognito.restore())
  const { app, logs } = await buildAwsApp(t, {
    env: { LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH' },
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
  })
  cognito.on(AdminInitiateAuthCommand).rejects(accessDenied('cognito-idp:AdminInitiateAuth'))

  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: PASSWORD } })
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'INTERNAL_ERROR')
  t.notOk(res.body.includes('AdminInitiateAuth'), 'the IAM action stays out of the body')
  const id = String(res.headers['x-request-id'])
  const logged = logs.map(line => JSON.parse(line) as { reqId?: string, err?: { iamAction?: string } })
    .filter(entry => entry.reqId === id && entry.err !== undefined)
  t.equal(logged.length, 1, 'one log line for this request carries the cause')
  t.match(logged[0], {
    level: 50,
    code: 'INTERNAL_ERROR',
    err: { type: 'CognitoIdentityProviderServiceException', iamAction: 'cognito-idp:AdminInitiateAuth' }
  })
})

t.test('every exception the SDK declares for a command the gateway sends has a row, or is on FALLS_TO_DEFAULT', async t => {
  const declared = new Set<string>()
  for (const [operation, commands] of Object.entries(OPERATION_COMMANDS) as Array<[Operation, readonly string[]]>) {
    for (const command of commands) {
      const names = await declaredExceptions(command)
      // A changed JSDoc format must fail here, not pass with nothing to check.
      t.ok(names.length >= 5, `${command}: the SDK declares its exceptions (${names.length} found)`)
      for (const name of names) {
        declared.add(name)
        t.ok(
          hasRow(operation, name) || Object.hasOwn(FALLS_TO_DEFAULT, name),
          `${command} (${operation}): ${name} has a row or is on FALLS_TO_DEFAULT`
        )
      }
    }
  }
  for (const [name, reason] of Object.entries(FALLS_TO_DEFAULT)) {
    t.ok(declared.has(name), `FALLS_TO_DEFAULT: ${name} is declared by a command the gateway sends`)
    t.notOk((Object.keys(OPERATION_COMMANDS) as Operation[]).some(operation => hasRow(operation, name)), `FALLS_TO_DEFAULT: ${name} has no row`)
    t.ok(reason.trim().length > 0, `FALLS_TO_DEFAULT: ${name} says why`)
  }
})

t.test('OPERATION_COMMANDS names every SDK command the gateway sends, and only real ones', async t => {
  const listed = new Set(Object.values(OPERATION_COMMANDS).flat())
  for (const command of listed) {
    t.type((sdk as Record<string, unknown>)[`${command}Command`], 'function', `${command}Command is an SDK command`)
  }
  // The intent modules: every file of src/cognito/ (the local bootstrap lives in packages/local-cognito).
  const dir = fileURLToPath(new URL('../../src/cognito/', import.meta.url))
  const files = (await readdir(dir)).filter(file => file.endsWith('.ts'))
  const sent = new Set<string>()
  // The identity pool's module sends another SDK's commands: test/cognito/identity-errors.test.ts checks those.
  for (const file of files.filter(file => file !== 'identity-pool.ts')) {
    for (const match of (await readFile(join(dir, file), 'utf8')).matchAll(/\bnew (\w+)Command\(/g)) sent.add(match[1] as string)
  }
  t.ok(sent.size >= 10, `the intent modules send SDK commands (${[...sent].join(', ')})`)
  for (const command of sent) t.ok(listed.has(command), `${command}, sent by the gateway, is in OPERATION_COMMANDS`)
})

t.test('isSigned agrees with the SDK\'s own list of unsigned operations, for every command the gateway sends', async t => {
  const provider = await readFile(join(SDK_DIR, 'dist-es', 'auth', 'httpAuthSchemeProvider.js'), 'utf8')
  const unsigned = new Set([...provider.matchAll(/case "(\w+)":\s*\{\s*options\.push\(createSmithyApiNoAuthHttpAuthOption/g)].map(match => match[1]))
  t.ok(unsigned.size >= 10, 'the SDK lists its unsigned operations')
  for (const command of new Set(Object.values(OPERATION_COMMANDS).flat())) {
    t.equal(isSigned(command), !unsigned.has(command), `${command} is ${unsigned.has(command) ? 'unsigned' : 'signed'}`)
  }
})
