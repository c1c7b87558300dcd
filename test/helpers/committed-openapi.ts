/**
 * The committed contract (openapi/openapi.json) as tests read it: the text,
 * the parsed document as written, and the document with its shared parts
 * (`#/components/responses/...`, `schemas`, `parameters`) put in place, as a
 * client resolves them (header references are left as written: tests check
 * which header component a response names); and the problem codes an
 * operation declares. One reader, whatever the document's layout.
 */
import { readFileSync } from 'node:fs'

export const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')

/** A problem code's schema, resolved: the code and status it narrows Problem to. */
interface CodeSchema { properties?: { code?: { const?: string } } }
export interface DocumentResponse {
  description: string
  content?: Record<string, { schema: CodeSchema & { oneOf?: CodeSchema[] } }>
  headers?: Record<string, { $ref?: string, required?: boolean }>
}
export interface DocumentOperation {
  operationId?: string
  description?: string
  tags?: string[]
  security?: Array<Record<string, string[]>>
  parameters?: Array<{ name: string, in: string }>
  requestBody?: { required?: boolean }
  responses: Record<string, DocumentResponse>
}
export const raw = JSON.parse(committed) as {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string, content?: Record<string, unknown> }> }>>
  components: Record<string, Record<string, unknown> | undefined>
}

const RESOLVED = /^#\/components\/(responses|schemas|parameters)\/(.+)$/
function resolve (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve)
  if (value === null || typeof value !== 'object') return value
  const ref = (value as { $ref?: unknown }).$ref
  const [, section, name] = typeof ref === 'string' ? RESOLVED.exec(ref) ?? [] : []
  if (section !== undefined && name !== undefined) {
    const target = raw.components[section]?.[name]
    if (target === undefined) throw new Error(`openapi/openapi.json references ${String(ref)}, which it does not define`)
    return resolve(target)
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item)]))
}

/** The committed document with its shared responses, schemas and parameters put in place, as a client resolves them. */
export const document = resolve(JSON.parse(committed)) as {
  info: { license?: unknown }
  servers?: Array<{ url: string, variables?: Record<string, { default: string }> }>
  tags?: Array<{ name: string, description?: string }>
  paths: Record<string, Record<string, DocumentOperation>>
  'x-response-headers': Record<string, { $ref?: string }>
  components: {
    headers: Record<string, { required: boolean }>
    securitySchemes: Record<string, { name?: string, description?: string }>
    schemas: Record<string, { properties: Record<string, { enum?: string[] }> }>
  }
}
export const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({
  name: `${method.toUpperCase()} ${path}`,
  ...operation
})))

/** The problem codes of one problem response: its code schema's, or those of each of the union's (`oneOf`). */
export function responseCodes (response: DocumentResponse): string[] {
  return Object.values(response.content ?? {}).flatMap(({ schema }) =>
    (schema.oneOf ?? [schema]).flatMap(one => one.properties?.code?.const ?? []))
}

/** The problem codes an operation declares, over all its statuses. */
export function declaredCodes (operation: DocumentOperation): Set<string> {
  return new Set(Object.values(operation.responses).flatMap(responseCodes))
}
