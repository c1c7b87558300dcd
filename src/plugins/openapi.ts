/**
 * The OpenAPI document, generated from the route schemas: served at
 * /openapi.json, rendered at /docs, and written to openapi/openapi.json by
 * `npm run openapi` (a test fails when the committed copy drifts).
 *
 * @fastify/swagger writes paths, parameters, bodies and response schemas; what
 * it cannot say is completed here from the routes' own declarations (see
 * schemas/responses.ts): response headers as shared components, the problem
 * codes each response can carry, and whether a body may be left out.
 */
import { createHash } from 'node:crypto'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { ERROR_CATALOG, type ErrorCode } from '../errors/catalog.js'
import { HEADER_COMPONENTS, headerComponents, type HeaderUse } from '../schemas/headers.js'
import { declaredCodes, declaredHeaders } from '../schemas/responses.js'
import { cookieNames } from '../session/cookies.js'
import { shareComponents } from './openapi-components.js'
import { routeSecurity, type SecurityRequirement } from './openapi-security.js'

/**
 * Headers on every response: plugins/request-log.ts and plugins/security-headers.ts set them before any route runs.
 * Declared once, as the document's `x-response-headers` (its description says so; the contract check applies them
 * to every answer), not on each of its ~700 responses: a third of the document's size otherwise.
 */
const EVERY_RESPONSE: HeaderUse[] = ['RequestId', 'CacheControl']
/** The document's extension naming the headers of every response, as a response's `headers` would. */
export const EVERY_RESPONSE_HEADERS = 'x-response-headers'

const DESCRIPTION = [
  'JSON endpoints for every AWS Cognito User Pool flow.',
  '',
  'Every error is an RFC 9457 problem (`application/problem+json`) with a stable `code`; each operation lists, per status, ' +
    'the codes it can answer. Every response carries `x-request-id` (a problem names it in `instance`) and `Cache-Control: no-store`, ' +
    'declared once for all as `x-response-headers`.',
  '',
  'Some answers come before any operation is chosen, so no operation lists them: 404 `NOT_FOUND` (no such path or method), ' +
    '400 `VALIDATION_FAILED` (a URL that is not validly percent-encoded, or bytes that are not HTTP), 408 `REQUEST_TIMEOUT` ' +
    '(the request did not arrive within REQUEST_TIMEOUT_MS) and 431 `HEADERS_TOO_LARGE`. 408, 431 and a request that is not HTTP ' +
    'are answered on the socket, which is then closed. A request to no operation may also be refused for what it carries before ' +
    'the 404: 413 `PAYLOAD_TOO_LARGE`, 415 `UNSUPPORTED_MEDIA_TYPE`, 400 `MALFORMED_BODY`, or 403 `ORIGIN_NOT_ALLOWED` ' +
    '(a cookie-carrying write from a foreign origin).'
].join('\n')

/** Every tag an operation may carry, in the order /docs shows them. A route with a tag not listed here fails the lint and a test. */
export const TAGS = [
  { name: 'sign-up', description: 'Create an account and confirm it with the code (or the link) Cognito sends.' },
  { name: 'session', description: 'Sign in (password, passwordless, passkey, MFA challenges), refresh and sign out; cookies or tokens in the body.' },
  { name: 'password', description: 'Forgotten password: send a code, reset with it (or with the e-mail\'s link).' },
  { name: 'me', description: 'The signed-in user\'s own account: profile, attributes, password, MFA, passkeys, sign-out everywhere, deletion.' },
  { name: 'admin', description: 'User and group administration, for members of ADMIN_GROUP or admin service clients; each call is audited.' },
  { name: 'aws-credentials', description: 'Temporary AWS credentials from the identity pool, for the signed-in user or a guest.' },
  { name: 'token checks', description: 'For other services and proxies: is this access or ID token good?' },
  { name: 'hosted UI', description: 'Sign-in through the Cognito hosted UI or a social provider (OAuth 2.0 code flow, PKCE); hand-off.' },
  { name: 'operations', description: 'Health, readiness, metrics and the problem pages.' },
  { name: 'local mode', description: 'Only when running on the embedded emulator.' }
]

/** The licence, as package.json states it (there is no LICENSE file; a test keeps the two equal). */
export const LICENSE = { name: 'MIT', identifier: 'MIT' }

type Response = { headers?: Record<string, unknown>, content?: Record<string, { schema?: unknown }> }
type Operation = {
  security?: SecurityRequirement[]
  requestBody?: { required?: boolean }
  responses?: Record<string, Response | { $ref: string }>
}

export default fp(async function openapi (fastify: FastifyInstance) {
  const { config } = fastify
  const https = config.publicUrl.protocol === 'https:'
  const secure = cookieNames(true).access
  const plain = cookieNames(false).access

  // The routes as declared, by "METHOD /path" as the document names them, with the scope each was declared on (its guards).
  const routes = new Map<string, { scope: FastifyInstance, route: RouteOptions }>()
  fastify.addHook('onRoute', function (route) {
    for (const method of [route.method].flat()) routes.set(`${method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`, { scope: this, route })
  })
  const { admin } = config
  const tokenUrl = config.hostedUiDomain === undefined ? TOKEN_URL_PLACEHOLDER : new URL('/oauth2/token', config.hostedUiDomain).href

  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'cognito-bff', version: '0.1.0', description: DESCRIPTION, license: LICENSE },
      servers: [{ url: config.publicUrl.origin, description: 'This service, at its PUBLIC_URL.' }],
      tags: TAGS,
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A Cognito access token (login with tokenDelivery "body"), as `Authorization: Bearer <token>`. ' +
              'The /me routes need its `aws.cognito.signin.user.admin` scope; the /admin routes a user in the ' +
              `\`${admin.group}\` group (ADMIN_GROUP, the token's \`cognito:groups\`).`
          },
          adminClient: {
            type: 'oauth2',
            description: `An admin service: a client-credentials token of one of ADMIN_CLIENT_IDS carrying one of ADMIN_SCOPES (${
              admin.scopes.length > 0 ? admin.scopes.map(scope => `\`${scope}\``).join(', ') : 'none set: only group members are admins'
            }), sent as \`Authorization: Bearer <token>\`. The token comes from the user pool domain's /oauth2/token.`,
            flows: {
              clientCredentials: {
                tokenUrl,
                scopes: Object.fromEntries(admin.scopes.map(scope => [scope, 'Call the admin API (one of ADMIN_SCOPES).']))
              }
            }
          },
          handoffSecret: {
            type: 'http',
            scheme: 'bearer',
            description: 'A hand-off site\'s secret (HANDOFF_SITES), sent by that site\'s back end as `Authorization: Bearer <secret>` ' +
              '(POST /oauth/handoff only).'
          },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, as `Authorization: Bearer <token>` (GET /metrics only).' },
          cookie: {
            type: 'apiKey',
            in: 'cookie',
            name: cookieNames(https).access,
            description: `The sealed session cookie set by login. Its name depends on the service's PUBLIC_URL: \`${secure}\` over https ` +
              `(as production runs, and as this document names it), \`${plain}\` on a plain-http service (local mode on localhost). ` +
              'The /me and /admin routes need what `bearer` says of the token inside.'
          }
        },
        headers: headerComponents()
      }
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    },
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject
      const { openapiObject } = document
      // The problem answers, shared: one component per status and set of codes, referenced by every operation that answers them.
      const shared: Record<string, Response> = {}
      const problems: Record<string, unknown> = {}
      for (const [path, item] of Object.entries(openapiObject.paths ?? {})) {
        for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
          const declared = routes.get(`${method} ${path}`)
          if (declared === undefined) continue
          operation.security = routeSecurity(declared.scope, declared.route)
          if (declared.route.schema !== undefined) complete(operation, declared.route.schema, shared, problems)
        }
      }
      openapiObject.components = {
        ...openapiObject.components,
        schemas: { ...openapiObject.components?.schemas, ...problems },
        responses: Object.fromEntries(Object.keys(shared).sort().map(name => [name, shared[name]!]))
      } as typeof openapiObject.components
      shareComponents(openapiObject as unknown as Record<string, unknown>)
      return { ...openapiObject, [EVERY_RESPONSE_HEADERS]: Object.fromEntries(EVERY_RESPONSE.map(header)) }
    }
  })
  await fastify.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Its CSP always asks to upgrade to https, which breaks the page on plain-http local mode; and it refuses the one
    // inline <style> Swagger UI renders (in its top bar's SVG logo, before the plugin swaps in its own): allowed by hash.
    transformStaticCSP: header => (https ? header : header.replace(/\s*upgrade-insecure-requests;?/, ''))
      .replace("style-src 'self' https:", `style-src 'self' https: '${SWAGGER_LOGO_STYLE}'`)
  })

  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
}, { name: 'openapi' })

/**
 * The hash of Swagger UI's logo <style> (`.logo_small_svg__cls-2{fill:#fff}...`): a Swagger UI upgrade that changes it
 * shows as a console error in test/e2e/docs.test.ts, which prints the new hash.
 */
const SWAGGER_LOGO_STYLE = 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='

/** Where an admin client gets its token when no hosted-UI domain is configured: the pool domain's, a placeholder. */
export const TOKEN_URL_PLACEHOLDER = 'https://your-domain.auth.your-region.amazoncognito.com/oauth2/token'

/** Completes one operation from its route's schema. */
function complete (operation: Operation, schema: FastifySchema, shared: Record<string, Response>, problems: Record<string, unknown>): void {
  // app.ts turns a missing body into {}: a body whose every field is optional may be left out.
  if (operation.requestBody !== undefined) operation.requestBody.required = !acceptsEmptyObject(schema.body)

  const responses = (schema.response ?? {}) as Record<string, unknown>
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if ('$ref' in response) continue
    const declared = responses[status]
    const headers = declaredHeaders(declared)
    if (headers.length > 0) response.headers = Object.fromEntries(headers.map(header))
    else delete response.headers

    const codes = declaredCodes(declared)
    const problem = response.content?.['application/problem+json']
    if (codes !== undefined && problem !== undefined) {
      // One of the problems this operation answers with this status: each code's own schema, the shared Problem narrowed to it.
      for (const code of codes) problems[code] ??= problemSchema(code as ErrorCode)
      const refs = codes.map(code => ({ $ref: `#/components/schemas/${code}` }))
      problem.schema = refs.length === 1 ? refs[0] : { oneOf: refs }
      operation.responses![status] = { $ref: `#/components/responses/${share(shared, status, codes, response)}` }
    }
  }
}

/** A problem code's schema: the shared Problem with this code and its status, described by the catalog's title. */
function problemSchema (code: ErrorCode): unknown {
  const { status, title } = ERROR_CATALOG[code]
  return {
    description: title,
    allOf: [{ $ref: '#/components/schemas/Problem' }],
    type: 'object',
    properties: { status: { const: status }, code: { const: code } }
  }
}

/**
 * The name `response` is shared under: its status and code where it has one code, else its status and a digest of it
 * (an operation's line stays short; the component lists the codes). A name another response took gets the digest too.
 */
function share (shared: Record<string, Response>, status: string, codes: string[], response: Response): string {
  const text = JSON.stringify(response)
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 8)
  const name = codes.length === 1 ? `${status}-${codes[0]}` : `${status}-${digest}`
  const taken = shared[name]
  const unique = taken === undefined || JSON.stringify(taken) === text ? name : `${name}-${digest}`
  shared[unique] = response
  return unique
}

/** A header as a response declares it: a reference to its component, or a copy where this response says otherwise. */
function header (use: HeaderUse): [string, unknown] {
  const key = typeof use === 'string' ? use : use.header
  const { name, ...component } = HEADER_COMPONENTS[key]
  if (typeof use === 'string' || (use.required === undefined && use.description === undefined)) {
    return [name, { $ref: `#/components/headers/${key}` }]
  }
  return [name, { ...component, required: use.required ?? component.required, description: use.description ?? component.description }]
}

/** Whether `{}` satisfies a body schema: an object schema that requires nothing (no field, no minimum number of them). */
function acceptsEmptyObject (body: unknown): boolean {
  const schema = body as { type?: unknown, required?: unknown[], minProperties?: unknown } | undefined
  return schema?.type === 'object' && (schema.required === undefined || schema.required.length === 0) &&
    !(typeof schema.minProperties === 'number' && schema.minProperties > 0)
}
