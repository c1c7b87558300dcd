/**
 * Response headers of the API, as OpenAPI header components
 * (components.headers). Routes name the ones their responses carry (see
 * responses.ts); x-request-id and Cache-Control are on every response, so the
 * document adds them everywhere (plugins/openapi.ts).
 */

/** An OpenAPI Header Object, with the header's name (the key it takes in a response's `headers`). */
export interface HeaderComponent {
  name: string
  description: string
  /** Whether every response that declares it carries it. */
  required: boolean
  schema: Record<string, unknown>
}

export const HEADER_COMPONENTS = {
  RequestId: {
    name: 'x-request-id',
    description: 'The request id: the caller\'s own x-request-id when it is a plain token (1-64 of A-Z a-z 0-9 _ . : -), else a new UUID. ' +
      'A problem names it in `instance` (urn:request:<id>); the log lines of the request carry it as reqId.',
    required: true,
    schema: { type: 'string', pattern: '^[\\w.:-]{1,64}$' }
  },
  CacheControl: {
    name: 'Cache-Control',
    description: 'Always no-store: answers carry identities, tokens and codes, and no cache may keep one.',
    required: true,
    schema: { type: 'string', enum: ['no-store'] }
  },
  RetryAfter: {
    name: 'Retry-After',
    description: 'Seconds to wait before trying again.',
    required: true,
    schema: { type: 'integer', minimum: 0 }
  },
  SetSessionCookies: {
    name: 'Set-Cookie',
    description: 'With tokenDelivery "cookie" (browsers): the sealed, httpOnly session cookies, one Set-Cookie each. ' +
      'Over https (as production runs): `__Host-bff_access` and `__Host-bff_id` (Path=/), `__Secure-bff_refresh` (Path=/auth); ' +
      'on a plain-http service (local mode): `bff_access`, `bff_id`, `bff_refresh`. A sealed value over 4,096 bytes (an ID token with many ' +
      'groups) comes as counted chunks `<name>.0`, `<name>.1`, … instead, and chunks of an earlier value are cleared. ' +
      'Absent when the tokens go in the body or a challenge comes next.',
    required: false,
    schema: { type: 'string' }
  },
  ClearSessionCookies: {
    name: 'Set-Cookie',
    description: 'Clears the session cookies (`__Host-bff_access`, `__Host-bff_id`, `__Secure-bff_refresh` over https; ' +
      '`bff_access`, `bff_id`, `bff_refresh` over plain http), and every chunk of them the request carried (`<name>.0`, …): ' +
      'empty values that have already expired.',
    required: true,
    schema: { type: 'string' }
  },
  Location: {
    name: 'Location',
    description: 'Where to go next.',
    required: true,
    schema: { type: 'string', format: 'uri' }
  },
  AuthRequestUser: {
    name: 'X-Auth-Request-User',
    description: 'The verified caller\'s username (forward-auth: pass it on to the upstream); absent for a service\'s ' +
      'client-credentials token, which names no user (X-Auth-Request-Client instead).',
    required: false,
    schema: { type: 'string' }
  },
  AuthRequestClient: {
    name: 'X-Auth-Request-Client',
    description: 'Only for a client-credentials (machine-to-machine) access token: the app client id of the calling service, ' +
      'which is also its sub. Such a caller is no user: there is no X-Auth-Request-User, and it is in no group.',
    required: false,
    schema: { type: 'string' }
  },
  AuthRequestSub: {
    name: 'X-Auth-Request-Sub',
    description: 'The verified caller\'s sub: the user\'s permanent id (for a service\'s token, its client id).',
    required: true,
    schema: { type: 'string' }
  },
  AuthRequestEmail: {
    name: 'X-Auth-Request-Email',
    description: 'The caller\'s e-mail, when an ID token was presented (Bearer, or the session\'s ID cookie).',
    required: false,
    schema: { type: 'string' }
  },
  AuthRequestGroups: {
    name: 'X-Auth-Request-Groups',
    description: 'The caller\'s cognito:groups, comma-separated (empty when none).',
    required: true,
    schema: { type: 'string' }
  },
  WwwAuthenticate: {
    name: 'WWW-Authenticate',
    description: 'The Bearer challenge (RFC 6750) when the sign-in guard refuses the request: `Bearer` (no token), ' +
      '`Bearer error="invalid_request"` (a malformed Authorization header), `Bearer error="invalid_token"` or ' +
      '`Bearer error="insufficient_scope", scope="..."`.',
    required: false,
    schema: { type: 'string' }
  }
} as const satisfies Record<string, HeaderComponent>

export type HeaderName = keyof typeof HEADER_COMPONENTS

/** A header a response carries: a component as it is, or with another `required` or description for this response. */
export type HeaderUse = HeaderName | { header: HeaderName, required?: boolean, description?: string }

/** The components.headers section: the Header Objects, without their names. */
export function headerComponents (): Record<string, Omit<HeaderComponent, 'name'>> {
  return Object.fromEntries(Object.entries(HEADER_COMPONENTS).map(([key, { name: _name, ...header }]) => [key, header]))
}
