/**
 * The one error handler: every failure becomes an RFC 9457 problem with a
 * catalog code. 4xx bodies say what the client can fix; 5xx bodies are
 * generic and the detail goes to the log only, tied to the request id.
 */
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config/index.js'
import { ApiError, ERROR_CATALOG, invalidFields, problemType, type ErrorCode, type FieldError } from '../errors/catalog.js'
import type { Problem } from '../schemas/problem.js'
import { StoreUnavailableError } from '../store/store.js'

/**
 * Fastify's own errors, for failures before a handler runs, with our wording:
 * Fastify's messages describe its internals, not what the caller should do.
 */
const FASTIFY_ERRORS: Record<string, { code: ErrorCode, detail: (config: Config) => string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: () => 'Send the body as application/json.' },
  FST_ERR_CTP_EMPTY_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: () => 'Send the body as application/json.' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: () => 'Send the body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'VALIDATION_FAILED', detail: () => 'The Content-Length header does not match the body.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', detail: config => `The body is larger than ${config.bodyLimit} bytes.` },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_BODY', detail: () => NOT_JSON },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_BODY', detail: () => NOT_JSON }
}

const NOT_JSON = 'The body is not valid JSON.'

function problemBody (requestId: string, error: ApiError): Problem {
  const { status, title } = ERROR_CATALOG[error.code]
  return {
    type: problemType(error.code),
    title,
    status,
    code: error.code,
    // Only 4xx details leave the process, and our own wording of a 5xx (publicDetail).
    ...((status < 500 || error.publicDetail) && error.detail !== undefined ? { detail: error.detail } : {}),
    instance: `urn:request:${requestId}`,
    ...(error.reason ? { reason: error.reason } : {}),
    ...(error.errors ? { errors: error.errors } : {})
  }
}

function sendProblem (request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  request.problem = { code: error.code, upstream: upstreamOf(error.cause) }
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter))
  for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value)
  // RFC 9110: every 401 names a scheme the client can authenticate with; a refused token says so (RFC 6750).
  if (error.statusCode === 401 && !reply.hasHeader('www-authenticate')) {
    reply.header('www-authenticate', error.code === 'TOKEN_INVALID' ? 'Bearer error="invalid_token"' : 'Bearer')
  }
  return reply.code(error.statusCode).type('application/problem+json').send(problemBody(request.id, error))
}

/**
 * Fastify's `frameworkErrors`: failures found while routing (a URL that is
 * not validly percent-encoded, an over-long path parameter), before any hook
 * of ours runs. Answered as problems like everything else.
 */
export function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? new ApiError('VALIDATION_FAILED', { detail: 'The URL is not valid.', cause: error })
    : new ApiError('INTERNAL_ERROR', { cause: error })
  reply.header('x-request-id', request.id).header('cache-control', 'no-store')
  sendProblem(request, reply, apiError)
}

/** What Node's HTTP parser refuses before Fastify has a request: a body too slow, headers too large, bytes that are not HTTP. */
const CLIENT_ERRORS: Record<string, { code: ErrorCode, detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', detail: 'The request, headers and body, did not arrive in time.' },
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', detail: 'The request headers are too large.' }
}

/**
 * Fastify's `clientErrorHandler`: a problem written straight to the socket,
 * which is then closed (there is no request object to answer through).
 */
export function clientErrorHandler (this: { log: FastifyBaseLogger }, err: NodeJS.ErrnoException, socket: Duplex): void {
  // A connection reset leaves nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const known = CLIENT_ERRORS[err.code ?? '']
  const error = new ApiError(known?.code ?? 'VALIDATION_FAILED', { detail: known?.detail ?? 'The request is not valid HTTP.' })
  const id = randomUUID()
  this.log.info({ reqId: id, code: error.code, reason: err.code }, 'request refused by the HTTP parser')
  if (socket.writable) {
    const body = JSON.stringify(problemBody(id, error))
    const status = `${error.statusCode} ${STATUS_CODES[error.statusCode] ?? ''}`
    socket.write(`HTTP/1.1 ${status}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\nx-request-id: ${id}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy()
}

/** Any thrown value as an ApiError. */
function asApiError (error: unknown, config: Config): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof StoreUnavailableError) return new ApiError('STORE_UNAVAILABLE', { retryAfter: 1, cause: error })
  const e = error as FastifyError & { validation?: ValidationIssue[] }
  if (e?.validation) return invalidFields(e.validation.map(issue => fieldError(e.validationContext ?? 'body', issue)))
  const known = e?.code ? FASTIFY_ERRORS[e.code] : undefined
  if (known) return new ApiError(known.code, { detail: known.detail(config), cause: error })
  // A JSON body that does not parse (or carries __proto__) surfaces as a SyntaxError with status 400.
  if (error instanceof SyntaxError && e.statusCode === 400) return new ApiError('MALFORMED_BODY', { detail: NOT_JSON, cause: error })
  // Any other client error Fastify raised on its own is still the client's to fix.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError('VALIDATION_FAILED', { detail: 'The request could not be read.', cause: error })
  }
  return new ApiError('INTERNAL_ERROR', { cause: error })
}

/** "Name: message" of an error that came from Cognito (the SDK marks those with $metadata). */
function upstreamOf (cause: unknown): string | undefined {
  const e = cause as { name?: string, message?: string, $metadata?: unknown } | undefined
  return e?.$metadata !== undefined ? `${e.name ?? 'Error'}: ${e.message ?? ''}` : undefined
}

interface ValidationIssue {
  instancePath: string
  message?: string
  keyword: string
  params: Record<string, unknown>
}

function fieldError (context: string, issue: ValidationIssue): FieldError {
  let field = `/${context}${issue.instancePath}`
  let message = issue.message ?? 'is not valid'
  if (issue.keyword === 'required') {
    field += `/${String(issue.params.missingProperty)}`
    message = 'is required'
  } else if (issue.keyword === 'additionalProperties') {
    field += `/${String(issue.params.additionalProperty)}`
    message = 'is not a known field'
  } else if (issue.keyword === 'propertyNames') {
    field += `/${String(issue.params.propertyName)}`
    message = 'is not an allowed name'
  }
  return { field, message }
}

function emptyParameters (params: Record<string, unknown>): ApiError {
  const empty = Object.keys(params).filter(name => name !== '*' && params[name] === '')
  return invalidFields(empty.map(name => ({ field: `/params/${name}`, message: 'must NOT have fewer than 1 characters' })))
}

export default fp(async function problemDetails (fastify: FastifyInstance) {
  fastify.setErrorHandler((error, request, reply) => {
    const apiError = asApiError(error, fastify.config)
    // A 5xx gets its own line with the cause; a 4xx is told by the request line's code, and so is shed load
    // (an error line per refused request would add to the load). No identity pool (501) is the deployment's answer, not a failure.
    if (apiError.statusCode >= 500 && apiError.code !== 'OVERLOADED' && apiError.code !== 'IDENTITY_POOL_NOT_CONFIGURED') {
      request.log.error({ err: apiError.cause ?? error, code: apiError.code }, 'request failed')
    }
    return sendProblem(request, reply, apiError)
  })

  fastify.setNotFoundHandler((request, reply) => sendProblem(request, reply, new ApiError('NOT_FOUND', {
    detail: `No route for ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}.`
  })))

  // A route matched with an empty path parameter (`/admin/users//disable`, or `/me/sessions/x/%2e%2e`, which the
  // router resolves to `/me/sessions/` and then matches `:sessionId` with nothing) names no resource: refused as the
  // schema would refuse it, before any hook asks who is calling, on every route alike.
  // A callback hook: every request runs it, and most routes have no parameters at all.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const params = request.params as Record<string, unknown> | undefined
    for (const name in params) {
      if (name !== '*' && params[name] === '') return done(emptyParameters(params))
    }
    done()
  })
}, { name: 'problem-details', dependencies: ['request-log'] })
