/**
 * The property every fuzzed answer must keep, and the runner that checks it
 * over generated requests with fast-check (seeded: a failure prints the seed,
 * the path to replay it and the shrunk request).
 *
 * For each answer:
 * - no 5xx (in local mode none at all; `allowUpstreamUnavailable` lets a 503
 *   UPSTREAM_UNAVAILABLE through, for a service whose Cognito may be down);
 * - the published contract declares it for the operation (status, media
 *   type, headers, body; per status, which problem codes): the same check
 *   test/helpers/contract.ts runs on every inject;
 * - a 4xx is a problem document (application/problem+json) whose status is
 *   the answer's;
 * - no secret the request sent (a password, a code, a token, a cookie value)
 *   comes back, in the body or in any header;
 * - a state-changing request (not GET, HEAD or OPTIONS) that carries cookies
 *   and an opaque origin (`Origin: null`, or one like `file://` whose origin
 *   is "null") is refused: 403 ORIGIN_NOT_ALLOWED, routed path or not (or,
 *   before any hook runs, 400 for a URL that is not validly percent-encoded).
 */
import fc from 'fast-check'
import { committedContract, type Contract, type ContractResponse } from '../helpers/contract.js'
import type { Operation } from './operations.js'
import { headerValue, MIN_SECRET_LENGTH, requestFor, type FuzzContext, type FuzzRequest } from './requests.js'

export type Send = (request: FuzzRequest) => Promise<ContractResponse>

export interface PropertyOptions {
  /** The contract to hold answers to; default: the committed document. */
  contract?: Contract
  /** Let a 503 UPSTREAM_UNAVAILABLE through (a service whose Cognito may be down). Local mode: false, no 5xx at all. */
  allowUpstreamUnavailable?: boolean
  /**
   * Plain values earlier requests sent (usernames, e-mails): stored by the service, any answer may show
   * them (the local outbox lists usernames), so a secret inside one is not an echo. Shared across runs.
   */
  sentPlain?: Set<string>
}

function mediaType (response: ContractResponse): string | undefined {
  const header = response.headers['content-type']
  return header === undefined ? undefined : String(header).split(';')[0]!.trim().toLowerCase()
}

function parse (body: string): unknown {
  try {
    return JSON.parse(body) as unknown
  } catch {
    return undefined
  }
}

/** Every string of a JSON value, keys included. */
function stringsOf (value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) value.forEach(v => stringsOf(v, out))
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      out.push(key)
      stringsOf(v, out)
    }
  }
  return out
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** The ways a secret could show in an answer: as sent, as a header carries it, URL-encoded, HTML-escaped. */
function appearances (secret: string): string[] {
  const forms = new Set([secret, headerValue(secret), escapeHtml(secret)])
  try {
    forms.add(encodeURIComponent(secret))
  } catch {
    // A lone surrogate cannot be URL-encoded: not in a Location header then.
  }
  return [...forms].filter(form => form.length >= MIN_SECRET_LENGTH)
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The origin a browser would send as `null`: the literal, or a URL whose origin is opaque. */
function opaqueOrigin (origin: string | undefined): boolean {
  if (origin === undefined) return false
  try {
    return new URL(origin).origin === 'null'
  } catch {
    return origin === 'null'
  }
}

/** Whether `request` is a cookie-carrying state change from an opaque origin, which the CSRF check must refuse. */
export function opaqueOriginChange (request: FuzzRequest): boolean {
  return opaqueOrigin(request.headers.origin) && request.headers.cookie !== undefined && !SAFE_METHODS.has(request.method)
}

/** What is wrong with `response` as the answer to `request`; empty when nothing is. */
export function answerViolations (request: FuzzRequest, response: ContractResponse, options: PropertyOptions = {}): string[] {
  const violations: string[] = []
  const status = response.statusCode
  const body = parse(response.body)
  const code = body !== null && typeof body === 'object' ? (body as { code?: unknown }).code : undefined

  // 501 IDENTITY_POOL_NOT_CONFIGURED is the deployment's answer (no identity pool: local mode), not a failure.
  const notConfigured = status === 501 && code === 'IDENTITY_POOL_NOT_CONFIGURED'
  if (status >= 500 && !notConfigured && !(options.allowUpstreamUnavailable === true && status === 503 && code === 'UPSTREAM_UNAVAILABLE')) {
    violations.push(`a server error: ${status}${typeof code === 'string' ? ` ${code}` : ''}`)
  }

  violations.push(...(options.contract ?? committedContract()).check(request, response))

  const badUrl = status === 400 && code === 'VALIDATION_FAILED' && (body as { detail?: unknown }).detail === 'The URL is not valid.'
  if (opaqueOriginChange(request) && !(status === 403 && code === 'ORIGIN_NOT_ALLOWED') && !badUrl) {
    violations.push(`a cookie-carrying ${request.method} from Origin ${request.headers.origin} was not refused with 403 ORIGIN_NOT_ALLOWED`)
  }

  if (status >= 400) {
    const type = mediaType(response)
    if (type !== 'application/problem+json') {
      violations.push(`a ${status} that is not a problem document (content type ${type ?? '(none)'})`)
    } else if (request.method !== 'HEAD') {
      const problem = body as { status?: unknown, code?: unknown } | undefined
      if (problem === undefined || problem === null || typeof problem !== 'object') violations.push('the problem document is not a JSON object')
      else {
        if (problem.status !== status) violations.push(`the problem says status ${String(problem.status)}, the answer is ${status}`)
        if (typeof problem.code !== 'string') violations.push('the problem has no code')
      }
    }
  }

  const texts = body === undefined ? [] : stringsOf(body)
  // A secret inside a plain value sent with it or before it (a password equal to a username) may come back with that value.
  const excused = (secret: string) => [request.plain, options.sentPlain ?? []].some(values => [...values].some(plain => plain.includes(secret)))
  for (const secret of request.secrets) {
    const forms = appearances(secret)
    const echoes: string[] = []
    if (forms.some(form => response.body.includes(form)) || texts.some(text => text.includes(secret))) echoes.push('the body')
    for (const [name, value] of Object.entries(response.headers)) {
      if ([value ?? ''].flat().some(v => forms.some(form => String(v).includes(form)))) echoes.push(`the ${name} header`)
    }
    if (echoes.length > 0 && !excused(secret)) {
      const where = `${echoes.join(' and ')} echo${echoes.length > 1 ? '' : 'es'}`
      violations.push(`${where} a secret the request sent: ${JSON.stringify(secret.slice(0, 80))}`)
    }
  }
  return violations
}

export interface FuzzRunOptions extends PropertyOptions {
  seed: number
  /** Generated requests (fast-check's numRuns); shrinking a failure sends more. */
  runs: number
  context: FuzzContext
  /** Called as each request is sent (shrinking included): a count that survives a failure. */
  onRequest?: () => void
}

export interface FuzzRun {
  /** Requests sent, shrinking included. */
  requests: number
  /** How many answers had each status. */
  statuses: Map<number, number>
}

/** A fuzzed request whose answer broke the property. */
export class FuzzFailure extends Error {
  constructor (request: FuzzRequest, response: ContractResponse, violations: string[]) {
    super(`${request.method} ${request.url} answered ${response.statusCode}:\n${violations.map(v => `  - ${v}`).join('\n')}\n` +
      `  body: ${response.body.length > 500 ? `${response.body.slice(0, 500)}…` : response.body}`)
    this.name = 'FuzzFailure'
  }
}

/**
 * Sends `runs` generated requests for `operation` through `send` and checks
 * each answer. Rejects with fast-check's report (seed, path, the shrunk
 * counterexample and what was wrong) on the first that breaks the property,
 * or whose `send` throws (a contract-checked app's ContractViolation).
 */
export async function fuzzOperation (operation: Operation, send: Send, options: FuzzRunOptions): Promise<FuzzRun> {
  const run: FuzzRun = { requests: 0, statuses: new Map() }
  await fc.assert(fc.asyncProperty(requestFor(operation, options.context), async request => {
    run.requests += 1
    options.onRequest?.()
    for (const plain of request.plain) options.sentPlain?.add(plain)
    const response = await send(request)
    run.statuses.set(response.statusCode, (run.statuses.get(response.statusCode) ?? 0) + 1)
    const violations = answerViolations(request, response, options)
    if (violations.length > 0) throw new FuzzFailure(request, response, violations)
  }), { seed: options.seed, numRuns: options.runs, includeErrorInReport: true })
  return run
}
