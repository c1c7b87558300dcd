/**
 * The admin API's paged lists, one way: the query's `limit` (a string in the
 * URL, 60 when absent) and `cursor` become the gateway's page request, and a
 * page becomes `{ <name>: items, cursor? }` with the cursor only when there
 * is a next page (so "no cursor" is how a client knows it has them all).
 */
import type { Page, PageRequest } from '../../cognito/admin.js'

const DEFAULT_LIMIT = 60

export function pageRequest (query: { limit?: string, cursor?: string }): PageRequest {
  return { limit: Number(query.limit ?? DEFAULT_LIMIT), cursor: query.cursor }
}

export function pageAnswer<Name extends string, T> (name: Name, page: Page<T>): Record<Name, T[]> & { cursor?: string } {
  const items = { [name]: page.items } as Record<Name, T[]>
  return page.cursor === undefined ? items : { ...items, cursor: page.cursor }
}
