/**
 * Pagination of the list operations. cognito-local ignores Limit and the
 * pagination token and answers every item at once; Cognito answers at most
 * Limit items (60 by default and at most) with a token for the rest. This
 * guard asks the emulator for the whole list and answers one page of it, with
 * an opaque token (the offset, tied to the operation) that Cognito would
 * refuse when tampered with, as here: InvalidParameterException.
 */
import { InvalidParameterError } from 'cognito-local/lib/errors.js'
import type { LocalGuard } from '../local-layer.ts'

/** Per operation: the request's token field, the answer's token field, and the list in the answer. */
const LISTS: Record<string, { tokenIn: string, tokenOut: string, items: string }> = {
  ListUsers: { tokenIn: 'PaginationToken', tokenOut: 'PaginationToken', items: 'Users' },
  ListGroups: { tokenIn: 'NextToken', tokenOut: 'NextToken', items: 'Groups' },
  ListUsersInGroup: { tokenIn: 'NextToken', tokenOut: 'NextToken', items: 'Users' },
  AdminListGroupsForUser: { tokenIn: 'NextToken', tokenOut: 'NextToken', items: 'Groups' }
}

const MAX_LIMIT = 60

export const listPagination: LocalGuard = {
  name: 'list pagination',
  targets: Object.keys(LISTS),
  wrap: (target, next) => async (ctx, req: Record<string, unknown>) => {
    const list = LISTS[target]!
    const limit = req.Limit ?? MAX_LIMIT
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
      throw new InvalidParameterError(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: ` +
        `Member must have value less than or equal to ${MAX_LIMIT}`)
    }
    const offset = req[list.tokenIn] === undefined ? 0 : offsetOf(target, req[list.tokenIn])
    const { [list.tokenIn]: _token, Limit: _limit, ...rest } = req
    const out = await next(ctx, rest) as Record<string, unknown>
    const items = Array.isArray(out[list.items]) ? out[list.items] as unknown[] : []
    // Cognito's ListUsers with Limit 0 answers the first 60 (0 means "the default" there).
    const size = limit === 0 ? MAX_LIMIT : limit
    const end = offset + size
    return {
      ...out,
      [list.items]: items.slice(offset, end),
      ...(end < items.length ? { [list.tokenOut]: tokenOf(target, end) } : {})
    }
  }
}

function tokenOf (target: string, offset: number): string {
  return Buffer.from(JSON.stringify({ t: target, o: offset }), 'utf8').toString('base64')
}

function offsetOf (target: string, token: unknown): number {
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as { t?: unknown, o?: unknown }
    if (parsed.t === target && typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o
  } catch {
    // Not a token of ours: refused below.
  }
  throw new InvalidParameterError('Invalid pagination token.')
}
