/**
 * The Postman collection and environment, generated from the contract (openapi/openapi.json) by
 * openapi-to-postmanv2, then made usable and deterministic: the converter's random ids dropped and its
 * faked bodies seeded, its folders and requests sorted, its saved example answers left out (the reference
 * is /docs), Bearer {{accessToken}} at the collection level (anonymous operations `noauth`), the
 * variables the scripts fill, and one folder per README walkthrough (./walkthroughs.ts).
 */
import { createRequire } from 'node:module'
import { lines, storeTokens } from './scripts.js'
import { walkthroughs, type Step } from './walkthroughs.js'

interface Converter {
  convertV2: (input: { type: 'string', data: string }, options: Record<string, unknown>,
    callback: (error: Error | null, result: { result: boolean, reason?: string, output: Array<{ data: Collection }> }) => void) => void
}

type Json = Record<string, unknown>
interface Event { listen: 'prerequest' | 'test', script: { type: 'text/javascript', exec: string[] } }
export interface Request {
  method: string
  url: {
    raw?: string
    host: string[]
    path: string[]
    query: Array<{ key: string, value: string, disabled?: boolean, description?: unknown }>
    variable: Array<{ key: string, value: string, description?: unknown }>
  }
  header: Array<{ key: string, value: string }>
  body?: { mode: string, raw?: string, options?: unknown }
  auth?: Json | null
  description?: unknown
}
export interface Item { name: string, description?: unknown, item?: Item[], request?: Request, response?: unknown[], event?: Event[] }
export interface Collection { info: Json, item: Item[], auth?: Json, event?: Event[], variable: Array<{ key: string, value: string }> }

const load = createRequire(import.meta.url)
const converter = load('openapi-to-postmanv2') as Converter
/** The converter's json-schema-faker (the same module instance), whose `random` option was Math.random when it loaded. */
const faker = load('openapi-to-postmanv2/assets/json-schema-faker.js') as { option: (options: { random: () => number }) => void }

/** Where the local service listens, and local mode's admin (docs/admin.md: the demo password). */
export const LOCAL_BASE_URL = 'http://localhost:3000'
const ENVIRONMENT = { baseUrl: LOCAL_BASE_URL, adminUsername: 'admin', adminPassword: 'Passw0rd!demo' }
/** What the scripts carry from one request to the next. */
const VARIABLES = ['accessToken', 'idToken', 'refreshToken', 'username', 'password', 'newPassword', 'code', 'session', 'totpSecret', 'totpCode']

/** `METHOD /path/{param}`, from a request's method and its URL path (`:param` segments). */
export function operationKey (request: Request): string {
  return `${request.method} /${request.url.path.map(segment => segment.replace(/^:(.+)$/, '{$1}')).join('/')}`
}

/** mulberry32: a small seeded generator. */
function seeded (start: number): () => number {
  let seed = start
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** The converter, with Math.random seeded while it fakes bodies from the schemas (the same output every run). */
async function convert (document: string): Promise<Collection> {
  const random = Math.random
  Math.random = seeded(0x2f6b3a1d)
  faker.option({ random: seeded(0x5eed) })
  try {
    return await new Promise((resolve, reject) => {
      converter.convertV2({ type: 'string', data: document }, {
        folderStrategy: 'Tags',
        parametersResolution: 'Example',
        requestNameSource: 'Fallback',
        includeAuthInfoInExample: false,
        enableOptionalParameters: false
      }, (error, result) => {
        if (error !== null) reject(error)
        else if (!result.result) reject(new Error(`openapi-to-postmanv2: ${result.reason ?? 'no result'}`))
        else if (result.output[0] === undefined) reject(new Error('openapi-to-postmanv2: no collection'))
        else resolve(result.output[0].data)
      })
    })
  } finally {
    Math.random = random
    faker.option({ random })
  }
}

/** Drops the converter's random ids, recursively. */
function withoutIds (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value)
    .filter(([key]) => key !== 'id' && key !== '_postman_id')
    .map(([key, inner]) => [key, withoutIds(inner)]))
}

/** Every request of a folder tree. */
export function requests (items: Item[]): Item[] {
  return items.flatMap(item => item.item === undefined ? [item] : requests(item.item))
}

const bearer = (token: string): Json => ({ type: 'bearer', bearer: [{ key: 'token', value: `{{${token}}}`, type: 'string' }] })

/** Which auth each operation takes, from its `security`: the user's token inherited from the collection, a named secret, or none. */
function authOf (security: Array<Record<string, unknown>> | undefined): Json | undefined {
  const schemes = new Set((security ?? []).flatMap(requirement => Object.keys(requirement)))
  if (schemes.has('bearer')) return undefined
  if (schemes.has('metricsToken')) return bearer('metricsToken')
  if (schemes.has('handoffSecret')) return bearer('handoffSecret')
  return { type: 'noauth' }
}

/** Request bodies and parameters that name what the scripts store read it from the variables. */
const FROM_VARIABLES = new Map(['username', 'password', 'code', 'refreshToken', 'session'].map(name => [name, `{{${name}}}`]))

function useVariables (request: Request): void {
  for (const parameter of [...request.url.variable, ...request.url.query]) parameter.value = FROM_VARIABLES.get(parameter.key) ?? parameter.value
  if (request.body?.mode === 'raw' && request.body.raw !== undefined && request.body.raw.startsWith('{')) {
    const body = JSON.parse(request.body.raw) as Json
    for (const key of Object.keys(body)) body[key] = FROM_VARIABLES.get(key) ?? body[key]
    if ('tokenDelivery' in body) body.tokenDelivery = 'body'
    request.body.raw = JSON.stringify(body, null, 2)
  }
}

const event = (listen: Event['listen'], source: string): Event => ({ listen, script: { type: 'text/javascript', exec: lines(source) } })

/** A walkthrough step: the operation's request as converted, with the step's body, query, auth and scripts. */
function stepItem (step: Step, byOperation: Map<string, Item>): Item {
  const reference = byOperation.get(step.operation)
  if (reference?.request === undefined) throw new Error(`walkthrough step "${step.name}": no operation ${step.operation} in the contract`)
  const request = structuredClone(reference.request)
  request.url.query = Object.entries(step.query ?? {}).map(([key, value]) => ({ key, value }))
  request.url.variable = request.url.variable.map(variable => ({ ...variable, value: step.path?.[variable.key] ?? variable.value }))
  if (step.body !== undefined) {
    request.body = { mode: 'raw', raw: JSON.stringify(step.body, null, 2), options: { raw: { language: 'json' } } }
  } else {
    delete request.body
    request.header = request.header.filter(header => header.key.toLowerCase() !== 'content-type')
  }
  if (step.authenticated === true) delete request.auth
  else request.auth = { type: 'noauth' }
  const events = [...(step.prerequest === undefined ? [] : [event('prerequest', step.prerequest)]), event('test', step.test)]
  return { name: step.name, event: events, request }
}

const byName = (a: { name: string }, b: { name: string }): number => a.name < b.name ? -1 : a.name > b.name ? 1 : 0

/** The collection and the environment, as the files' text. */
export async function postmanFiles (document: string): Promise<{ collection: string, environment: string }> {
  const contract = JSON.parse(document) as {
    info: { title: string }
    security?: Array<Record<string, unknown>>
    paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>
  }
  const converted = withoutIds(await convert(document)) as Collection

  const byOperation = new Map<string, Item>()
  for (const item of requests(converted.item)) {
    if (item.request === undefined) continue
    const key = operationKey(item.request)
    const operation = contract.paths[key.slice(key.indexOf(' ') + 1)]?.[item.request.method.toLowerCase()]
    if (operation === undefined) throw new Error(`the converter made ${key}, which the contract does not have`)
    delete item.response
    delete item.request.auth
    const auth = authOf(operation.security ?? contract.security)
    if (auth !== undefined) item.request.auth = auth
    useVariables(item.request)
    if (key === 'POST /auth/login' || key === 'POST /auth/refresh' || key === 'POST /auth/challenge') item.event = [event('test', storeTokens)]
    byOperation.set(key, item)
  }
  const sortTree = (items: Item[]): Item[] => items
    .map(item => item.item === undefined ? item : { ...item, item: sortTree(item.item) })
    .sort((a, b) => a.request !== undefined && b.request !== undefined
      ? (operationKey(a.request) < operationKey(b.request) ? -1 : 1)
      : byName(a, b))

  const walkthroughFolders: Item[] = walkthroughs.map(walkthrough => ({
    name: walkthrough.name,
    description: walkthrough.description,
    item: walkthrough.steps.map(step => stepItem(step, byOperation))
  }))

  const collection: Collection = {
    info: { ...converted.info, name: contract.info.title, schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: [...walkthroughFolders, ...sortTree(converted.item)],
    auth: bearer('accessToken'),
    variable: [
      { key: 'baseUrl', value: LOCAL_BASE_URL },
      ...VARIABLES.map(key => ({ key, value: '' }))
    ]
  }
  const environment = {
    name: `${contract.info.title} (local mode)`,
    values: Object.entries(ENVIRONMENT)
      .map(([key, value]) => ({ key, value, type: key.includes('Password') ? 'secret' : 'default', enabled: true })),
    _postman_variable_scope: 'environment'
  }
  return {
    collection: JSON.stringify(collection, null, 2) + '\n',
    environment: JSON.stringify(environment, null, 2) + '\n'
  }
}
