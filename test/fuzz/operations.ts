/**
 * The operations of the published contract, as the fuzzer needs them: read
 * from the committed openapi/openapi.json when the test runs, so a route the
 * document gains is fuzzed without editing the fuzzer. Component references
 * in parameter and body schemas are resolved here.
 */
import { readFileSync } from 'node:fs'
import { COMMITTED_DOCUMENT } from '../helpers/contract.js'

export type JsonSchema = Record<string, unknown>

export interface Parameter {
  name: string
  in: 'query' | 'path' | 'header' | 'cookie'
  required: boolean
  schema: JsonSchema
}

export interface Operation {
  /** The operationId, or "METHOD path" when the document gives none. */
  id: string
  method: string
  /** The path template, e.g. /problems/{code}. */
  path: string
  parameters: Parameter[]
  /** The JSON request body, when the operation takes one. */
  body?: { required: boolean, schema: JsonSchema }
  /** The security schemes that may authorize it (empty: none needed). */
  security: string[]
}

interface RawDocument {
  paths: Record<string, Record<string, unknown>>
  components?: Record<string, Record<string, unknown>>
}

interface RawOperation {
  operationId?: string
  parameters?: unknown[]
  requestBody?: unknown
  security?: Array<Record<string, unknown>>
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

export function readCommittedDocument (): RawDocument {
  return JSON.parse(readFileSync(COMMITTED_DOCUMENT, 'utf8')) as RawDocument
}

/** Every operation of the document, in document order. */
export function readOperations (document: RawDocument = readCommittedDocument()): Operation[] {
  const resolve = (value: unknown, seen: string[] = []): unknown => {
    if (Array.isArray(value)) return value.map(v => resolve(v, seen))
    if (value === null || typeof value !== 'object') return value
    const ref = (value as { $ref?: unknown }).$ref
    if (typeof ref === 'string') {
      if (seen.includes(ref)) return {}
      const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? []
      const target = section === undefined || name === undefined ? undefined : document.components?.[section]?.[name]
      if (target === undefined) throw new Error(`the document references ${ref}, which it does not define`)
      return resolve(target, [...seen, ref])
    }
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, resolve(v, seen)]))
  }

  const operations: Operation[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    const shared = (item.parameters ?? []) as unknown[]
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.has(method)) continue
      const operation = resolve(raw) as RawOperation
      const parameters = [...(resolve(shared) as unknown[]), ...(operation.parameters ?? [])].map(p => {
        const parameter = p as { name: string, in: Parameter['in'], required?: boolean, schema?: JsonSchema }
        return { name: parameter.name, in: parameter.in, required: parameter.required === true, schema: parameter.schema ?? {} }
      })
      const requestBody = operation.requestBody as { required?: boolean, content?: Record<string, { schema?: JsonSchema }> } | undefined
      const json = requestBody?.content?.['application/json']
      operations.push({
        id: operation.operationId ?? `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters,
        ...(json === undefined ? {} : { body: { required: requestBody?.required === true, schema: json.schema ?? {} } }),
        security: (operation.security ?? []).flatMap(requirement => Object.keys(requirement))
      })
    }
  }
  return operations
}
