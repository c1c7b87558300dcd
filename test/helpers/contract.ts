/**
 * The published contract, checked on every answer a test gets: a response
 * must be declared by openapi/openapi.json (the committed file, not the one
 * the app would generate) for the operation its request reached: its status,
 * its media type, its body against the schema (Ajv, JSON Schema 2020-12, as
 * OpenAPI 3.1 says), and the headers the document says it carries: those
 * of every response (its `x-response-headers`) and the response's own.
 *
 * `contractChecked(app)` wraps `app.inject`: an answer that breaks the
 * contract rejects the inject with a ContractViolation, so the test that made
 * the request fails, naming the operation and what was wrong. The test
 * helpers (buildTestApp, buildAwsApp) wrap every app they build.
 *
 * Exempt, by rule:
 * - OPTIONS: CORS preflights, answered by @fastify/cors for any path.
 * - The reference itself (/openapi.json, /docs and its assets): served next
 *   to the API, not operations of it.
 * - Requests that reach no route (an unknown path or method, a URL Fastify
 *   cannot route): the document declares no operation for them. Their answer
 *   must still be a problem (404 NOT_FOUND, or a 400 for a URL that is not
 *   valid), with x-request-id, as the document's description says.
 */
import { readFileSync } from 'node:fs'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'

/** The committed document: the one clients read. */
export const COMMITTED_DOCUMENT = new URL('../../openapi/openapi.json', import.meta.url)

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>
  /** The headers every response carries, declared once (plugins/openapi.ts), as a response's own `headers` would. */
  'x-response-headers'?: Record<string, HeaderObject | { $ref: string }>
  components?: { schemas?: Record<string, unknown>, headers?: Record<string, HeaderObject>, responses?: Record<string, ResponseObject> }
}

interface OperationObject {
  operationId?: string
  responses?: Record<string, ResponseObject | { $ref: string }>
}

interface ResponseObject {
  content?: Record<string, { schema?: unknown }>
  headers?: Record<string, HeaderObject | { $ref: string }>
}

interface HeaderObject {
  required?: boolean
  schema?: Record<string, unknown>
}

/** What the check needs of a request. */
export interface ContractRequest {
  method: string
  url: string
}

/** What the check needs of a response (a light-my-request response has it). */
export interface ContractResponse {
  statusCode: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
}

/** An answer the document does not declare. */
export class ContractViolation extends Error {
  constructor (readonly request: ContractRequest, readonly statusCode: number, readonly violations: string[]) {
    super(`${request.method} ${request.url} answered ${statusCode}, which the published contract (openapi/openapi.json) does not allow:\n` +
      violations.map(v => `  - ${v}`).join('\n') +
      '\nFix the route\'s declaration (src/schemas, the route schema) and run `npm run openapi`, or the answer itself.')
    this.name = 'ContractViolation'
  }
}

/** The document and its viewer, served next to the API. */
const REFERENCE = /^\/(?:openapi\.json|docs(?:\/.*)?)$/
/** Where the check keeps the document's component schemas, so `#/components/schemas/X` references resolve. */
const SCHEMAS_ID = 'urn:cognito-bff:openapi:components'

// ajv-formats is CommonJS; its default export is the plugin function itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

export interface Contract {
  /** What is wrong with `response` as the answer to `request`; empty when the document allows it. */
  check (request: ContractRequest, response: ContractResponse): string[]
}

export function createContract (document: OpenApiDocument): Contract {
  const ajv = new Ajv2020({ allErrors: true, strict: true })
  addFormats(ajv)
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(document.components?.schemas ?? {}) })
  const compiled = new Map<string, ValidateFunction>()
  const validator = (key: string, schema: unknown): ValidateFunction => {
    let validate = compiled.get(key)
    if (validate === undefined) {
      validate = ajv.compile(rewriteRefs(schema) as object)
      compiled.set(key, validate)
    }
    return validate
  }

  const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({
    method: method.toUpperCase(),
    path,
    pattern: new RegExp(`^${path.split(/\{[^}]+\}/).map(escapeRegExp).join('[^/]+')}$`),
    operation
  })))

  const headerObject = (header: HeaderObject | { $ref: string }): HeaderObject => {
    if (!('$ref' in header)) return header
    const name = header.$ref.replace('#/components/headers/', '')
    const found = document.components?.headers?.[name]
    if (found === undefined) throw new Error(`the document references a header component it does not define: ${header.$ref}`)
    return found
  }

  /** A response as declared: inline, or a shared component (`#/components/responses/<name>`). */
  const responseObject = (response: ResponseObject | { $ref: string }): ResponseObject => {
    if (!('$ref' in response)) return response
    const found = document.components?.responses?.[response.$ref.replace('#/components/responses/', '')]
    if (found === undefined) throw new Error(`the document references a response component it does not define: ${response.$ref}`)
    return found
  }

  const UNROUTED = new Set([
    '404 NOT_FOUND', '400 VALIDATION_FAILED', '400 MALFORMED_BODY', '413 PAYLOAD_TOO_LARGE', '415 UNSUPPORTED_MEDIA_TYPE', '403 ORIGIN_NOT_ALLOWED'
  ])

  /** An answer from no route: Fastify's not-found handler, a routing failure, or a refusal of what the request carries. */
  function checkUnrouted (request: ContractRequest, response: ContractResponse): string[] {
    const violations: string[] = []
    // What the info description allows before the 404: routing failures, and refusals of what the request carries.
    const code = mediaTypeOf(response) === 'application/problem+json' ? (JSON.parse(response.body) as { code?: unknown }).code : undefined
    if (!UNROUTED.has(`${response.statusCode} ${String(code)}`)) {
      violations.push(`no operation of the document is ${request.method} ${pathOf(request.url)}: an undocumented route? ` +
        `(${response.statusCode} ${String(code)} is not one of the answers the document allows before routing)`)
    }
    if (response.headers['x-request-id'] === undefined) violations.push('no x-request-id header')
    if (mediaTypeOf(response) !== 'application/problem+json') {
      violations.push(`media type ${mediaTypeOf(response) ?? '(none)'}, not application/problem+json`)
      return violations
    }
    violations.push(...validateBody(validator('Problem', { $ref: '#/components/schemas/Problem' }), response.body))
    return violations
  }

  return {
    check (request, response) {
      const method = request.method.toUpperCase()
      const path = pathOf(request.url)
      if (method === 'OPTIONS' || REFERENCE.test(path)) return []
      // Fastify answers HEAD for every GET route, headers only.
      const wanted = method === 'HEAD' ? 'GET' : method
      const found = operations.find(o => o.method === wanted && o.pattern.test(path))
      // NOT_FOUND is Fastify's not-found handler's alone: a path the document has, on an app without that route (local mode's routes in AWS mode).
      if (found === undefined || isNotFoundProblem(response)) return checkUnrouted(request, response)

      const { operation } = found
      const name = `${operation.operationId ?? `${found.method} ${found.path}`}`
      const responses = operation.responses ?? {}
      const status = String(response.statusCode)
      const declaredStatus = [status, `${status[0]}XX`, 'default'].find(key => responses[key] !== undefined)
      if (declaredStatus === undefined) {
        return [`${name} does not declare status ${status} (it declares ${Object.keys(responses).join(', ')})`]
      }
      const declared = responseObject(responses[declaredStatus]!)
      const violations: string[] = []

      for (const [header, reference] of Object.entries({ ...document['x-response-headers'], ...declared.headers })) {
        const { required, schema } = headerObject(reference)
        const raw = response.headers[header.toLowerCase()]
        if (raw === undefined) {
          if (required === true) violations.push(`${name} ${status}: the ${header} header is required and missing`)
          continue
        }
        if (schema === undefined) continue
        const validate = validator(`header ${JSON.stringify(schema)}`, schema)
        for (const value of [raw].flat()) {
          if (!validate(coerce(String(value), schema))) {
            violations.push(`${name} ${status}: the ${header} header ${JSON.stringify(value)} ${describe(validate.errors)}`)
          }
        }
      }

      const content = declared.content ?? {}
      const mediaTypes = Object.keys(content)
      if (mediaTypes.length === 0) {
        if (response.body.length > 0) violations.push(`${name} ${status}: declares no body, but one came (${truncate(response.body)})`)
        return violations
      }
      const mediaType = mediaTypeOf(response)
      const match = mediaTypes.find(declaredType => mediaTypeMatches(declaredType, mediaType))
      if (match === undefined) {
        violations.push(`${name} ${status}: media type ${mediaType ?? '(none)'} is not declared (it declares ${mediaTypes.join(', ')})`)
        return violations
      }
      if (method === 'HEAD') return violations
      if (response.body.length === 0) {
        violations.push(`${name} ${status}: declares a ${match} body, but none came`)
        return violations
      }
      const schema = content[match]?.schema
      if (schema !== undefined) {
        // Keyed by the schema itself: operations sharing a response component share one compiled validator.
        const validate = validator(JSON.stringify(schema), schema)
        violations.push(...validateBody(validate, response.body, isJson(match)).map(v => `${name} ${status} ${match}: ${v}`))
      }
      return violations
    }
  }
}

let committed: Contract | undefined
/** The contract of the committed document, read once per test process. */
export function committedContract (): Contract {
  committed ??= createContract(JSON.parse(readFileSync(COMMITTED_DOCUMENT, 'utf8')) as OpenApiDocument)
  return committed
}

/** Throws a ContractViolation when `response` breaks the contract. */
export function assertContract (request: ContractRequest, response: ContractResponse, contract = committedContract()): void {
  const violations = contract.check(request, response)
  if (violations.length > 0) throw new ContractViolation(request, response.statusCode, violations)
}

type InjectCallback = (err: Error | undefined, response?: LightMyRequestResponse) => void

/**
 * Makes every `app.inject` of `app` check its answer against the contract:
 * the returned promise rejects (the callback gets the error) with a
 * ContractViolation. Requests over a socket (app.listen) are not seen.
 */
export function contractChecked<T extends FastifyInstance> (app: T, contract = committedContract()): T {
  const inject = app.inject.bind(app) as (options: InjectOptions | string, callback?: InjectCallback) => Promise<LightMyRequestResponse> | undefined
  const checked = (options?: InjectOptions | string, callback?: InjectCallback) => {
    if (options === undefined) {
      throw new Error('contract check: call app.inject(options); the chained form (app.inject().get(...)) is not checked')
    }
    const request = requestOf(options)
    if (callback === undefined) {
      return (inject(options) as Promise<LightMyRequestResponse>).then(response => {
        assertContract(request, response, contract)
        return response
      })
    }
    return inject(options, (err, response) => {
      if (err !== undefined && err !== null) return callback(err, response)
      try {
        assertContract(request, response!, contract)
      } catch (violation) {
        return callback(violation as Error, response)
      }
      callback(undefined, response)
    })
  }
  app.inject = checked as T['inject']
  return app
}

function requestOf (options: InjectOptions | string): ContractRequest {
  if (typeof options === 'string') return { method: 'GET', url: options }
  const url = options.url ?? options.path ?? '/'
  return { method: options.method ?? 'GET', url: typeof url === 'string' ? url : url.pathname ?? '/' }
}

function pathOf (url: string): string {
  return url.split(/[?#]/)[0] ?? '/'
}

function mediaTypeOf (response: ContractResponse): string | undefined {
  const header = response.headers['content-type']
  return header === undefined ? undefined : String(header).split(';')[0]!.trim().toLowerCase()
}

function mediaTypeMatches (declared: string, actual: string | undefined): boolean {
  if (actual === undefined) return false
  if (declared === '*/*' || declared === actual) return true
  return declared.endsWith('/*') && actual.startsWith(declared.slice(0, -1))
}

function isJson (mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json')
}

function isNotFoundProblem (response: ContractResponse): boolean {
  if (response.statusCode !== 404 || mediaTypeOf(response) !== 'application/problem+json') return false
  try {
    return (JSON.parse(response.body) as { code?: unknown }).code === 'NOT_FOUND'
  } catch {
    return false
  }
}

function validateBody (validate: ValidateFunction, body: string, json = true): string[] {
  let value: unknown = body
  if (json) {
    try {
      value = JSON.parse(body)
    } catch {
      return [`the body is not JSON (${truncate(body)})`]
    }
  }
  return validate(value) ? [] : [`the body ${describe(validate.errors)}: ${truncate(body)}`]
}

/** A header's text as its schema's type, where that is a number. */
function coerce (value: string, schema: Record<string, unknown>): unknown {
  return (schema.type === 'integer' || schema.type === 'number') && /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : value
}

function describe (errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map(e => {
    const allowed = e.params !== undefined && 'allowedValues' in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ''
    return `${e.instancePath || '(root)'} ${e.message ?? 'is not valid'}${allowed}`
  }).join('; ')
}

function truncate (text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}...` : text
}

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A copy of a document schema whose component references point where the check keeps the components. */
function rewriteRefs (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs)
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [
    key,
    key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')
      ? `${SCHEMAS_ID}#/$defs/${value.slice('#/components/schemas/'.length)}`
      : rewriteRefs(value)
  ]))
}
