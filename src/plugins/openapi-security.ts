/**
 * Which credentials an operation takes, as the OpenAPI document says it
 * (`security`): derived from how its route authenticates, so a new route is
 * declared right without repeating it.
 *
 * - A route that checks credentials itself says so in `schema.security`
 *   (GET /metrics, POST /oauth/handoff): that wins.
 * - Otherwise the guards that run before its handler decide: a guard is a hook
 *   marked with `guard(hook, security)` (requireUser, requireAdmin),
 *   registered on the route's scope (`addHook`) or on the route
 *   itself (onRequest, preParsing, preValidation, preHandler). Hooks run in
 *   that order, the scope's before the route's; the last marked guard to run
 *   decides (requireAdmin after requireUser).
 * - No guard: `[]`, anonymous.
 */
import type { FastifyInstance, RouteOptions } from 'fastify'

/** One way to be let in: scheme name to the scopes (oauth2) or roles (the others, OpenAPI 3.1) it needs. */
export type SecurityRequirement = Record<string, string[]>

const SECURITY = Symbol('cognito-bff.openapi.security')
/** The lifecycle hooks before a handler, in the order they run. */
const BEFORE_HANDLER = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const

type Marked = { [SECURITY]?: SecurityRequirement[] }

/** Marks a hook as a guard that lets in exactly the callers `security` describes. */
export function guard<T extends (...args: never[]) => unknown> (hook: T, security: SecurityRequirement[]): T {
  Object.defineProperty(hook, SECURITY, { value: security, enumerable: false })
  return hook
}

/**
 * The security of a route: its schema's, else its last guard's, else `[]`.
 * `scope` is the instance the route was declared on (`this` in an onRoute
 * hook); read once the app is ready, when its scope's hooks are all added.
 */
export function routeSecurity (scope: FastifyInstance, route: Pick<RouteOptions, 'schema' | typeof BEFORE_HANDLER[number]>): SecurityRequirement[] {
  const declared = (route.schema as { security?: SecurityRequirement[] } | undefined)?.security
  if (declared !== undefined) return declared
  const hooks = scopeHooks(scope)
  let security: SecurityRequirement[] = []
  for (const stage of BEFORE_HANDLER) {
    for (const hook of [...hooks[stage] ?? [], ...[route[stage] ?? []].flat()]) {
      const marked = (hook as Marked)[SECURITY]
      if (marked !== undefined) security = marked
    }
  }
  return security
}

/**
 * The hooks added to a scope. Fastify lists them under its own symbol
 * (lib/symbols.js `kHooks`) and nothing public lists a route's hooks; when
 * that changes this throws, so the document is not silently left anonymous.
 */
function scopeHooks (scope: FastifyInstance): Partial<Record<string, unknown[]>> {
  const key = Object.getOwnPropertySymbols(scope).find(symbol => symbol.description === 'fastify.hooks')
  const hooks = key === undefined ? undefined : (scope as unknown as Record<symbol, unknown>)[key]
  if (hooks === undefined || hooks === null || typeof hooks !== 'object' || !Array.isArray((hooks as { onRequest?: unknown }).onRequest)) {
    throw new Error('openapi: cannot read a route scope\'s hooks (Fastify\'s kHooks); the operations\' security cannot be derived')
  }
  return hooks as Partial<Record<string, unknown[]>>
}
