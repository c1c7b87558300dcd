/**
 * Requests for one operation of the contract: its method (HEAD too, for a
 * GET), its path (path parameters valid or traversal attempts, and
 * near-miss paths), its query (valid-shaped, missing, duplicated and unknown
 * parameters, malformed percent-encoding), its body (valid-shaped from the
 * schema, mutated field by field, not JSON, cut short, nested 1000 deep,
 * too large) and content type, and its headers (Bearer tokens from garbage
 * to a real one with a byte flipped, sealed session cookies from junk to a
 * real one with a character flipped, origins, request ids, padding up to
 * the header limit).
 *
 * Each request names the secrets it sends (passwords, codes, tokens, cookie
 * values) so the property can check none comes back.
 */
import fc from 'fast-check'
import { brokenBody, contentType, edgeString, hostileValue, hugeString, oddJsonBody, wrongType } from './hostile.js'
import type { JsonSchema, Operation } from './operations.js'
import { objectOf, toJson, valueFor, type Hints } from './schema-arbitrary.js'

/** Real values from the service under test, mixed in so some requests reach real accounts and real crypto. */
export interface FuzzContext {
  /** Existing accounts (the demo user, one awaiting confirmation). */
  usernames: string[]
  /** Their passwords. */
  passwords: string[]
  /** Codes that were really sent. */
  codes: string[]
  /** Real access tokens (JWTs). */
  accessTokens: string[]
  /** Real ID tokens. */
  idTokens: string[]
  /** Real refresh tokens. */
  refreshTokens: string[]
  /** Real sealed cookie values by cookie name (bff_access, bff_id, bff_refresh). */
  cookies: Record<string, string[]>
  /**
   * Values that belong together (a username and its password; a username, its challenge and session; a
   * username and the code sent to it): laid over a valid-shaped body or query, where its fields exist, so
   * some requests get past Cognito's checks too.
   */
  records: Array<Record<string, string>>
  /** The service's own origin (allowed for cookie requests). */
  origin: string
}

/** One generated request: what app.inject gets, and the secrets it carries. */
export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string | Buffer
  /** Values sent as secrets (passwords, codes, tokens, cookie values), 8 characters or more: none may come back. */
  secrets: string[]
  /** Non-secret values sent (usernames, e-mails, query values): a secret inside one of these may come back with it. */
  plain: string[]
  /** What was generated, in words. */
  label: string
}

/** Fields whose values are secrets, by name. */
export const SECRET_FIELD = /password|code|token|secret|session|answer|otp/i
/** Secrets shorter than this are not checked: too likely to occur in an answer by chance. */
export const MIN_SECRET_LENGTH = 8
/** Total header bytes kept under Node's 16 KB limit (inject skips the parser; a socket would answer 431). */
const HEADER_BUDGET = 14_000

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const alnum = (maxLength = 16) => fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength })
const b64url = (maxLength: number) => fc.string({ unit: fc.constantFrom(...`${ALNUM}-_`), maxLength })

/** What a header value looks like on the wire: UTF-8 bytes read as latin1, without the bytes HTTP forbids. */
export function headerValue (text: string): string {
  // eslint-disable-next-line no-control-regex
  return Buffer.from(text, 'utf8').toString('latin1').replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
}

/** Percent-encodes the UTF-8 bytes of `text` (a lone surrogate becomes U+FFFD, as a client would send it). */
function encode (text: string): string {
  return [...Buffer.from(text, 'utf8')].map(byte => /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
    ? String.fromCharCode(byte)
    : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}

/** Shrinking may move to a choice's first option (no header, no mutation, the exact path): counterexamples come out minimal. */
const CROSS = { withCrossShrink: true }

const pick = <T>(values: T[], fallback: fc.Arbitrary<T>): fc.Arbitrary<T> => values.length > 0 ? fc.constantFrom(...values) : fallback

/** `text` with the character at `at` (mod length, past `from`) changed to another of the same alphabet. */
function flip (text: string, at: number, from = 0): string {
  const positions = [...text].map((c, i) => i).filter(i => i >= from && text[i] !== '.')
  if (positions.length === 0) return `${text}A`
  const i = positions[at % positions.length]!
  const replacement = text[i] === 'A' ? 'B' : 'A'
  return text.slice(0, i) + replacement + text.slice(i + 1)
}

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url')

function decodePart (token: string, index: number): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
}

/** Forgeries of a real JWT: alg none, another alg, claims changed under the old signature. */
function forged (token: string, how: string): string {
  const [header = '', payload = '', signature = ''] = token.split('.')
  const claims = decodePart(token, 1)
  switch (how) {
    case 'alg none': return `${base64url(JSON.stringify({ ...decodePart(token, 0), alg: 'none' }))}.${payload}.`
    case 'alg None, no signature': return `${base64url(JSON.stringify({ alg: 'None', typ: 'JWT' }))}.${payload}`
    case 'alg HS256': return `${base64url(JSON.stringify({ ...decodePart(token, 0), alg: 'HS256' }))}.${payload}.${signature}`
    case 'exp extended': return `${header}.${base64url(JSON.stringify({ ...claims, exp: 4102444800 }))}.${signature}`
    case 'sub changed': return `${header}.${base64url(JSON.stringify({ ...claims, sub: '00000000-0000-0000-0000-000000000000' }))}.${signature}`
    case 'token_use id': return `${header}.${base64url(JSON.stringify({ ...claims, token_use: 'id' }))}.${signature}`
    case 'crit header': return `${base64url(JSON.stringify({ ...decodePart(token, 0), crit: ['exp'] }))}.${payload}.${signature}`
    case 'no signature': return `${header}.${payload}.`
    case 'kid unknown': return `${base64url(JSON.stringify({ ...decodePart(token, 0), kid: '../../../etc/passwd' }))}.${payload}.${signature}`
    default: return `${header}.${payload}.${signature}.extra`
  }
}

const FORGERIES = ['alg none', 'alg None, no signature', 'alg HS256', 'exp extended', 'sub changed', 'token_use id', 'crit header', 'no signature',
  'kid unknown', 'four parts']

/** A bearer token: garbage, half-valid, forged, a real one with a byte flipped, or a real one. */
function bearerToken (context: FuzzContext): fc.Arbitrary<{ label: string, token: string }> {
  const real = pick(context.accessTokens, fc.constant('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'))
  return fc.oneof(
    fc.constantFrom('a.b.c', 'x', '.', '..', 'a.b.c.d', 'eyJ', 'null', 'undefined', '0').map(token => ({ label: 'bearer: junk', token })),
    fc.tuple(b64url(40), b64url(80), b64url(40)).map(([a, b, c]) => ({ label: 'bearer: random JWT-shaped', token: `${a}.${b}.${c}` })),
    edgeString.map(token => ({ label: 'bearer: edge string', token })),
    fc.tuple(real, fc.nat()).map(([token, at]) => ({ label: 'bearer: real JWT with a byte flipped', token: flip(token, at) })),
    fc.tuple(real, fc.constantFrom(...FORGERIES)).map(([token, how]) => ({ label: `bearer: forged (${how})`, token: forged(token, how) })),
    pick(context.idTokens, real).map(token => ({ label: 'bearer: an ID token', token })),
    pick(context.refreshTokens, real).map(token => ({ label: 'bearer: a refresh token', token })),
    real.map(token => ({ label: 'bearer: a real access token', token })),
    fc.constantFrom(4000, 9000).map(size => ({ label: `bearer: ${size} characters`, token: `${'eyJ'.padEnd(size, 'A')}.e30.sig` }))
  )
}

function authorization (operation: Operation, context: FuzzContext): fc.Arbitrary<{ label: string, value?: string, secret?: string }> {
  const scheme = fc.constantFrom('Bearer ', 'Bearer ', 'Bearer ', 'bearer ', 'BEARER ', 'Bearer  ', 'Bearer\t', 'Basic ', 'Token ', '')
  const present = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(scheme, bearerToken(context)).map(([prefix, { label, token }]) => ({ label, value: prefix + token, secret: token }))
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Basic cHJvYmU6c2VjcmV0', 'Bearer a.b.c, Bearer d.e.f', 'Negotiate abc').map(value => ({
        label: 'authorization: odd',
        value
      }))
    }
  )
  const none = fc.constant({ label: '' })
  return operation.security.length > 0
    ? fc.oneof(CROSS, { weight: 1, arbitrary: none }, { weight: 3, arbitrary: present })
    : fc.oneof(CROSS, { weight: 5, arbitrary: none }, { weight: 1, arbitrary: present })
}

/** A sealed-cookie value: v1. with junk, a real one with a character flipped or cut, a real one (perhaps of another cookie). */
function cookieValue (context: FuzzContext, name: string): fc.Arbitrary<string> {
  const plainName = name.replace(/^__(Host|Secure)-/, '')
  const own = Object.hasOwn(context.cookies, plainName) ? context.cookies[plainName]! : []
  const any = Object.values(context.cookies).flat()
  const real = pick(own, pick(any, fc.constant('v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')))
  return fc.oneof(
    b64url(120).map(junk => `v1.${junk}`),
    fc.constantFrom('v1.', 'v1..', 'v2.AAAA', 'v0.AAAAAAAAAAAA', 'v1.====', 'v1.%00', '"v1.abc"', '', 'deleted', `v1.${'A'.repeat(46)}`),
    fc.tuple(real, fc.nat()).map(([value, at]) => flip(value, at, 3)),
    fc.tuple(real, fc.nat()).map(([value, at]) => value.slice(0, 3 + (at % Math.max(1, value.length - 3)))),
    real,
    pick(any, real),
    edgeString.map(headerValue),
    fc.constantFrom(3000, 6000).map(size => `v1.${'A'.repeat(size)}`)
  )
}

const COOKIE_NAMES = ['bff_access', 'bff_refresh', 'bff_id', '__Host-bff_access', '__Secure-bff_refresh', 'bff_access ', 'BFF_ACCESS']

interface CookieCase { label: string, value?: string, secrets: string[] }

function cookies (context: FuzzContext): fc.Arbitrary<CookieCase> {
  const pair = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...COOKIE_NAMES) }, { weight: 1, arbitrary: alnum(12) })
    .chain(name => cookieValue(context, name).map(value => ({ name, value })))
  return fc.oneof(
    CROSS,
    { weight: 3, arbitrary: fc.constant<CookieCase>({ label: '', secrets: [] }) },
    {
      weight: 2,
      arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs): CookieCase => ({
        label: `cookies: ${pairs.map(p => p.name).join(', ')}`,
        value: pairs.map(p => `${p.name}=${p.value}`).join('; '),
        secrets: pairs.map(p => p.value)
      }))
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(';;;', '=', 'bff_access', '=v1.abc', 'bff_access=a=b=c', 'bff_access="x', '\t')
        .map((value): CookieCase => ({ label: 'cookie: odd', value, secrets: [] }))
    }
  )
}

function otherHeaders (context: FuzzContext): fc.Arbitrary<{ label: string, headers: Record<string, string> }> {
  const origin = fc.oneof(
    CROSS,
    { weight: 8, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(context.origin, 'https://evil.example', 'null', 'file://', `${context.origin}.evil.example`, 'http://localhost', 'not a url', '')
    }
  )
  const requestId = fc.oneof(
    CROSS,
    { weight: 8, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(alnum(64), fc.constantFrom('a'.repeat(65), '', 'id with spaces', '../x', 'x\u00e9'), edgeString.map(headerValue))
    }
  )
  const accept = fc.oneof(
    CROSS,
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('application/xml', 'text/html', '*/*', 'application/problem+json', 'image/png;q=0', '', ';;') }
  )
  const padding = fc.oneof(
    CROSS,
    { weight: 10, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(1000, 8000, 13_000) }
  )
  const many = fc.oneof(CROSS, { weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(50, 200) })
  return fc.tuple(origin, requestId, accept, padding, many).map(([o, id, a, pad, count]) => {
    const headers: Record<string, string> = {}
    const label: string[] = []
    if (o !== undefined) { headers.origin = o; label.push(`origin ${o}`) }
    if (id !== undefined) { headers['x-request-id'] = id; label.push('x-request-id') }
    if (a !== undefined) { headers.accept = a; label.push(`accept ${a}`) }
    if (pad !== undefined) { headers['x-fuzz-padding'] = 'p'.repeat(pad); label.push(`${pad}-byte header`) }
    for (let i = 0; i < count; i += 1) headers[`x-fuzz-${i}`] = String(i)
    if (count > 0) label.push(`${count} extra headers`)
    return { label: label.join(', '), headers }
  })
}

/**
 * Path parameter values that try to climb out of the route. No segment is a bare `..` or `%2e%2e`: inject
 * resolves those as a URL parser does (a socket would not), and the request would reach another path.
 */
const TRAVERSAL = ['%2e%2e%2f%2e%2e', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%2f..%2f..%2fetc%2fpasswd', '%2e%2e%5c%2e%2e%5cwin.ini',
  '%252e%252e%252f', '%00', 'x%00.json', '%2f', '%2F%2F', 'a%2fb', '%c0%ae%c0%ae%2f', '%ed%a0%80', '%ff', '%', '%zz', '....%2f%2f', '~', '*', '%20',
  'x'.repeat(2000)]

/** A generated segment that would be a dot segment (`.`, `..`, `%2E`...) gets a prefix, for the same reason. */
function segment (text: string): string {
  return /^(?:\.|%2e){1,2}$/i.test(text) ? `x${text}` : text
}

/** Paths a route almost has: each is unrouted, and must get the not-found problem. */
const NEAR_MISSES: Array<[string, (path: string) => string]> = [
  ['trailing slash', p => `${p}/`],
  ['double slash', p => `/${p}`],
  ['upper case', p => p.toUpperCase()],
  ['NUL suffix', p => `${p}%00`],
  ['encoded slash suffix', p => `${p}%2f`],
  ['semicolon suffix', p => `${p};jsessionid=x`],
  // Resolved by inject to the parent path with a trailing slash, which no route has.
  ['encoded dot segment', p => `${p}/%2e%2e`]
]

function pathFor (operation: Operation, hints: Hints): fc.Arbitrary<{ label: string, path: string, odd: boolean }> {
  const parameters = operation.parameters.filter(p => p.in === 'path')
  const exact = parameters.length === 0
    ? fc.constant({ label: '', path: operation.path, odd: false })
    : fc.tuple(...parameters.map(p => fc.oneof(
      CROSS,
      { weight: 3, arbitrary: valueFor(p.schema, hints, p.name).map(v => ({ label: '', text: segment(encode(String(v))) })) },
      { weight: 1, arbitrary: edgeString.map(v => ({ label: `path ${p.name}: edge`, text: segment(encode(v)) })) },
      { weight: 2, arbitrary: fc.constantFrom(...TRAVERSAL).map(text => ({ label: `path ${p.name}: traversal`, text })) }
    ))).map(values => ({
      label: values.map(v => v.label).filter(Boolean).join(', '),
      path: parameters.reduce((path, p, i) => path.replace(`{${p.name}}`, values[i]!.text), operation.path),
      odd: values.some(v => v.label !== '')
    }))
  const nearMiss = fc.constantFrom(...NEAR_MISSES)
  return fc.oneof(
    CROSS,
    { weight: 20, arbitrary: exact },
    {
      weight: 1,
      arbitrary: fc.tuple(exact, nearMiss).map(([{ label, path }, [how, change]]) => ({
        label: [label, `near-miss path: ${how}`].filter(Boolean).join(', '),
        path: change(path),
        odd: true
      }))
    }
  )
}

type QueryEntry = { name: string, value: string } | { raw: string }

/** The query: valid-shaped from the parameters, then mutated (dropped, duplicated, unknown, edge values, bad encoding). */
interface QueryCase { label: string, query: string, secrets: string[], plain: string[] }

function queryFor (operation: Operation, hints: Hints, records: FuzzContext['records']): fc.Arbitrary<QueryCase> {
  const parameters = operation.parameters.filter(p => p.in === 'query')
  const valid = withRecord(
    fc.tuple(...parameters.map(p => fc.tuple(fc.constant(p), p.required ? fc.constant(true) : fc.boolean(), valueFor(p.schema, hints, p.name))))
      .map(values => objectOf(values.filter(([, present]) => present).map(([p, , value]) => [p.name, String(value)]))),
    records,
    parameters.map(p => p.name)
  ).map(values => Object.entries(values).map(([name, value]): QueryEntry => ({ name, value: String(value) })))
  const names = [...parameters.map(p => p.name), 'redirect', 'password', 'isAdmin', '__proto__', 'constructor']
  const mutation: fc.Arbitrary<{ label: string, apply: (entries: QueryEntry[]) => QueryEntry[] }> = fc.oneof(
    fc.constantFrom(...names).map(name => ({ label: `drop ${name}`, apply: (e: QueryEntry[]) => e.filter(x => !('name' in x) || x.name !== name) })),
    fc.tuple(fc.constantFrom(...names), fc.oneof(edgeString, alnum())).map(([name, value]) => ({
      label: `${name} twice`,
      apply: (e: QueryEntry[]) => [...e, { name, value }, { name, value: `${value}2` }]
    })),
    fc.tuple(fc.constantFrom(...names), fc.oneof(edgeString, hugeString.map(s => s.slice(0, 1000)), wrongType.map(toJson))).map(([name, value]) => ({
      label: `${name}: edge value`,
      apply: (e: QueryEntry[]) => [...e.filter(x => !('name' in x) || x.name !== name), { name, value }]
    })),
    fc.tuple(fc.oneof(fc.constantFrom(...names), edgeString), alnum()).map(([name, value]) => ({
      label: 'unknown or odd parameter',
      apply: (e: QueryEntry[]) => [...e, { name, value }]
    })),
    fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AE', '%FF%FE', '%00=%00', 'username[]=a', 'username[0]=a&username[1]=b', 'username[a]=b',
      '==', '&&&', '=x', 'username', 'code=', '%26=%3D', '+=+', 'a=%E2%80%AE')
      .map(raw => ({ label: `raw query ${raw}`, apply: (e: QueryEntry[]) => [...e, { raw }] }))
  )
  const serialize = (entries: QueryEntry[]) => entries.map(e => 'raw' in e ? e.raw : `${encode(e.name)}=${encode(e.value)}`).join('&')
  const describe = (entries: QueryEntry[], label: string) => {
    const named = entries.filter((e): e is { name: string, value: string } => 'name' in e)
    return {
      label,
      query: serialize(entries),
      secrets: named.filter(e => SECRET_FIELD.test(e.name)).map(e => e.value),
      plain: named.filter(e => !SECRET_FIELD.test(e.name)).flatMap(e => [e.name, e.value])
    }
  }
  if (parameters.length === 0) {
    return fc.oneof(
      CROSS,
      { weight: 8, arbitrary: fc.constant(describe([], '')) },
      {
        weight: 1,
        arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 })
          .map(ms => describe(ms.reduce<QueryEntry[]>((e, m) => m.apply(e), []), `query: ${ms.map(m => m.label).join(', ')}`))
      }
    )
  }
  return fc.oneof(
    CROSS,
    { weight: 3, arbitrary: valid.map(entries => describe(entries, 'valid-shaped query')) },
    {
      weight: 3,
      arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([entries, ms]) =>
        describe(ms.reduce((e, m) => m.apply(e), entries), `query: ${ms.map(m => m.label).join(', ')}`))
    }
  )
}

interface BodyCase { label: string, value?: unknown, payload?: string | Buffer }

/** Mutations of one property of a body object: drop it, or set it to a hostile value or a length just past its schema's. */
interface FieldMutation { label: string, name: string, drop?: true, value?: unknown }

function fieldMutation (name: string, schema: JsonSchema | undefined): fc.Arbitrary<FieldMutation> {
  const lengths = schema?.type === 'string'
    ? [schema.maxLength, typeof schema.maxLength === 'number' ? schema.maxLength + 1 : undefined, 0].filter((n): n is number => typeof n === 'number')
    : []
  const choices: Array<{ weight: number, arbitrary: fc.Arbitrary<FieldMutation> }> = [
    { weight: 1, arbitrary: fc.constant({ label: `drop ${name}`, name, drop: true as const }) },
    { weight: 5, arbitrary: hostileValue.map(value => ({ label: `${name}: hostile value`, name, value })) }
  ]
  if (lengths.length > 0) {
    choices.push({ weight: 1, arbitrary: fc.constantFrom(...lengths).map(n => ({ label: `${name}: ${n} characters`, name, value: 'a'.repeat(n) })) })
  }
  return fc.oneof(...choices)
}

/** Valid-shaped values, and now and then the same with a record's fields laid over them (those of `fields` only). */
function withRecord (
  valid: fc.Arbitrary<Record<string, unknown>>,
  records: FuzzContext['records'],
  fields: string[]
): fc.Arbitrary<Record<string, unknown>> {
  const fitting = records.filter(record => Object.keys(record).some(key => fields.includes(key)))
  if (fitting.length === 0) return valid
  return fc.oneof(
    CROSS,
    { weight: 3, arbitrary: valid },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.constantFrom(...fitting)).map(([value, record]) => objectOf([
        ...Object.entries(value).filter(([key]) => !(key in record)),
        ...Object.entries(record).filter(([key]) => fields.includes(key))
      ]))
    }
  )
}

function bodyFor (operation: Operation, hints: Hints, records: FuzzContext['records']): fc.Arbitrary<BodyCase> {
  if (operation.body === undefined) {
    return fc.oneof(
      CROSS,
      { weight: 14, arbitrary: fc.constant({ label: '' }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map(value => ({ label: 'a JSON body it does not take', value })) },
      { weight: 1, arbitrary: brokenBody(fc.constant({})) }
    )
  }
  const { schema, required } = operation.body
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const generated = valueFor(schema, hints)
  const valid = schema.type === 'object' || schema.properties !== undefined
    ? withRecord(generated as fc.Arbitrary<Record<string, unknown>>, records, Object.keys(properties))
    : generated
  const fields = [...Object.keys(properties), 'isAdmin', '__proto__', 'constructor']
  const mutation = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...fields).chain(name => fieldMutation(name, properties[name])) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.oneof(alnum(), edgeString), hostileValue)
        .map(([name, value]): FieldMutation => ({ label: 'unknown field', name, value }))
    }
  )
  const mutated = fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([base, mutations]): BodyCase => {
    let entries: Array<[string, unknown]> = base !== null && typeof base === 'object' && !Array.isArray(base) ? Object.entries(base) : []
    for (const m of mutations) {
      entries = entries.filter(([key]) => key !== m.name)
      if (m.drop !== true) entries.push([m.name, m.value])
    }
    return { label: `mutated body: ${mutations.map(m => m.label).join(', ')}`, value: objectOf(entries) }
  })
  return fc.oneof(
    CROSS,
    { weight: 5, arbitrary: valid.map(value => ({ label: 'valid-shaped body', value })) },
    { weight: 5, arbitrary: mutated },
    { weight: 1, arbitrary: oddJsonBody.map(payload => ({ label: 'JSON that is not an object', payload })) },
    { weight: 3, arbitrary: brokenBody(valid) },
    { weight: required ? 1 : 2, arbitrary: fc.constant({ label: 'no body' }) }
  )
}

/** Strings in a body value: those under a secret-named key are secrets, the rest plain. */
function strings (value: unknown, secret = false, out: { secrets: string[], plain: string[] } = { secrets: [], plain: [] }) {
  if (typeof value === 'string') (secret ? out.secrets : out.plain).push(value)
  else if (Array.isArray(value)) value.forEach(v => strings(v, secret, out))
  else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.plain.push(key)
      strings((value as Record<string, unknown>)[key], secret || SECRET_FIELD.test(key), out)
    }
  }
  return out
}

/** Hints from the context, by field name. */
export function hintsFrom (context: FuzzContext): Hints {
  const policyPassword = alnum(12).map(s => `Fz9!${s}x`)
  const hints: Hints = {
    password: fc.oneof(pick(context.passwords, policyPassword), policyPassword),
    newPassword: policyPassword,
    code: fc.oneof(pick(context.codes, fc.constant('123456')), fc.stringMatching(/^\d{6}$/))
  }
  if (context.usernames.length > 0) hints.username = fc.constantFrom(...context.usernames)
  if (context.refreshTokens.length > 0) {
    const real = fc.constantFrom(...context.refreshTokens)
    hints.refreshToken = fc.oneof(real, fc.tuple(real, fc.nat()).map(([token, at]) => flip(token, at)))
  }
  return hints
}

/** Shrinks the largest header values until the headers fit the budget. */
function fit (headers: Record<string, string>, url: string): void {
  const size = () => url.length + Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0)
  while (size() > HEADER_BUDGET) {
    const [largest, value] = Object.entries(headers).sort(([, a], [, b]) => b.length - a.length)[0] ?? ['', '']
    if (value.length === 0) return
    headers[largest] = value.slice(0, Math.max(0, value.length - (size() - HEADER_BUDGET)))
  }
}

/** How a counterexample prints: a request to paste into app.inject. */
function render (this: FuzzRequest): string {
  const payload = this.payload === undefined
    ? ''
    : Buffer.isBuffer(this.payload)
      ? `, payload: Buffer.from(${JSON.stringify(this.payload.toString('base64'))}, 'base64')`
      : `, payload: ${this.payload.length > 4000
        ? `${JSON.stringify(this.payload.slice(0, 4000))} /* …${this.payload.length} characters */`
        : JSON.stringify(this.payload)}`
  const headers = Object.fromEntries(Object.entries(this.headers)
    .map(([name, value]) => [name, value.length > 300 ? `${value.slice(0, 300)}…(${value.length} characters)` : value]))
  const { method, url, label } = this
  return `{ method: ${JSON.stringify(method)}, url: ${JSON.stringify(url)}, headers: ${JSON.stringify(headers)}${payload} } /* ${label} */`
}

/** Requests for `operation`, valid-shaped and hostile. */
export function requestFor (operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const hints = hintsFrom(context)
  const method = operation.method === 'GET'
    ? fc.oneof(CROSS, { weight: 9, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constant('HEAD') })
    : fc.constant(operation.method)
  return fc.record({
    method,
    path: pathFor(operation, hints),
    query: queryFor(operation, hints, context.records),
    body: bodyFor(operation, hints, context.records),
    type: contentType,
    auth: authorization(operation, context),
    cookie: cookies(context),
    other: otherHeaders(context)
  }).map(({ method, path, query, body, type, auth, cookie, other }) => {
    // HEAD only where a route answers: test/helpers/contract.ts wants a problem body from an unrouted answer, which HEAD cannot carry.
    const verb = method === 'HEAD' && path.odd ? operation.method : method
    const url = query.query === '' ? path.path : `${path.path}?${query.query}`
    const headers: Record<string, string> = { ...other.headers }
    const payload = body.payload ?? (body.label === '' || body.label === 'no body' ? undefined : toJson(body.value))
    if (payload !== undefined && type !== undefined) headers['content-type'] = headerValue(type)
    if (auth.value !== undefined) headers.authorization = headerValue(auth.value)
    if (cookie.value !== undefined) headers.cookie = headerValue(cookie.value)
    fit(headers, url)
    const fromBody = body.value === undefined ? { secrets: [], plain: [] } : strings(body.value)
    const secrets = [...fromBody.secrets, ...query.secrets, ...(auth.secret === undefined ? [] : [auth.secret]), ...cookie.secrets]
      .filter(s => s.length >= MIN_SECRET_LENGTH)
    const typeLabel = payload !== undefined ? `content-type ${type ?? '(none)'}` : ''
    const label = [path.label, query.label, body.label, typeLabel, auth.label, cookie.label, other.label].filter(Boolean).join('; ')
    const request: FuzzRequest = {
      method: verb,
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
      secrets: [...new Set(secrets)],
      plain: [...fromBody.plain, ...query.plain, path.path],
      label
    }
    Object.defineProperty(request, fc.toStringMethod, { value: render, enumerable: false })
    return request
  })
}
