/**
 * The committed contract (openapi/openapi.json) as tests read it: the text,
 * the parsed document as written, and the document with its shared answers
 * (`#/components/responses/...`) put in place, as a client resolves them; and
 * the problem codes an operation declares. One reader, whatever the
 * document's layout.
 */
import { readFileSync } from 'node:fs'

export const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')

export interface DocumentResponse {
  description: string
  content?: Record<string, { schema: { allOf?: Array<{ properties?: { code?: { enum?: string[] } } }> } }>
  headers?: Record<string, { $ref?: string, required?: boolean }>
}
export interface DocumentOperation {
  operationId?: string
  description?: string
  tags?: string[]
  security?: Array<Record<string, string[]>>
  requestBody?: { required?: boolean }
  responses: Record<string, DocumentResponse>
}
export const raw = JSON.parse(committed) as {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string, content?: Record<string, unknown> }> }>>
  components: { responses?: Record<string, DocumentResponse> }
}
/** The committed document with its shared responses (`#/components/responses/...`) put in place, as a client resolves them. */
export const document = JSON.parse(committed, (_key, value: unknown) => {
  const ref = (value as { $ref?: unknown } | null)?.$ref
  return typeof ref === 'string' && ref.startsWith('#/components/responses/') ? raw.components.responses?.[ref.slice(23)] : value
}) as {
  info: { license?: unknown }
  servers?: Array<{ url: string, variables?: Record<string, { default: string }> }>
  tags?: Array<{ name: string, description?: string }>
  paths: Record<string, Record<string, DocumentOperation>>
  components: { headers: Record<string, { required: boolean }>, securitySchemes: Record<string, { name?: string, description?: string }> }
}
export const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({
  name: `${method.toUpperCase()} ${path}`,
  ...operation
})))

/** The problem codes an operation declares, over all its statuses. */
export function declaredCodes (operation: DocumentOperation): Set<string> {
  return new Set(Object.values(operation.responses).flatMap(response =>
    Object.values(response.content ?? {}).flatMap(media => media.schema.allOf?.[1]?.properties?.code?.enum ?? [])))
}
