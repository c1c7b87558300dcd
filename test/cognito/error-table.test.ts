import {
  CodeMismatchException,
  CognitoIdentityProviderServiceException,
  ConcurrentModificationException,
  InternalErrorException,
  InternalServerException,
  InvalidParameterException,
  InvalidPasswordException,
  LimitExceededException,
  NotAuthorizedException,
  RefreshTokenReuseException,
  TooManyRequestsException,
  UnsupportedOperationException,
  UnsupportedTokenTypeException,
  UserNotFoundException
} from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { toApiError, type Operation } from '../../src/cognito/error-table.js'
import { ApiError, type ErrorCode } from '../../src/errors/catalog.js'

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
      detail === undefined ? `${name} sends no detail (the upstream message is not passed on)` : `${name} tells which password rule failed`
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
