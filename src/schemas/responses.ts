/**
 * Response declarations for route schemas. Each is what Fastify needs to
 * serialize the answer (a schema per media type) plus what only the OpenAPI
 * document needs, under `x-` keys Fastify ignores: the headers the response
 * carries, and for problems the codes it can carry. plugins/openapi.ts reads
 * those from the routes and writes them into the document.
 */
import { Type, type TSchema } from '@sinclair/typebox'
import type { HeaderUse } from './headers.js'

/** The headers a response carries, beyond those every response carries (x-request-id, Cache-Control). */
export const RESPONSE_HEADERS = 'x-response-headers'
/** The problem codes a problem response can carry. */
export const PROBLEM_CODES = 'x-problem-codes'

export interface ResponseOptions {
  description: string
  headers?: HeaderUse[]
}

/** A JSON answer. */
export function json<T extends TSchema> (schema: T, options: ResponseOptions) {
  return {
    description: options.description,
    content: { 'application/json': { schema } },
    [RESPONSE_HEADERS]: options.headers ?? []
  }
}

/** An HTML page. */
export function html (options: ResponseOptions) {
  return {
    description: options.description,
    content: { 'text/html': { schema: Type.String() } },
    [RESPONSE_HEADERS]: options.headers ?? []
  }
}

/** A plain-text answer (the Prometheus exposition format). */
export function text (options: ResponseOptions) {
  return {
    description: options.description,
    content: { 'text/plain': { schema: Type.String() } },
    [RESPONSE_HEADERS]: options.headers ?? []
  }
}

/** An answer without a body (204, a redirect). */
export function empty (options: ResponseOptions) {
  return Type.Null({ description: options.description, [RESPONSE_HEADERS]: options.headers ?? [] })
}

/** What a response declaration says about headers, for the document. */
export function declaredHeaders (response: unknown): HeaderUse[] {
  const headers = (response as Record<string, unknown> | undefined)?.[RESPONSE_HEADERS]
  return Array.isArray(headers) ? headers as HeaderUse[] : []
}

/** What a problem response declaration says about its codes, for the document. */
export function declaredCodes (response: unknown): string[] | undefined {
  const codes = (response as Record<string, unknown> | undefined)?.[PROBLEM_CODES]
  return Array.isArray(codes) ? codes as string[] : undefined
}
