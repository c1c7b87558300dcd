/**
 * The user search filter, checked before it reaches Cognito: one searchable
 * attribute, `=` (exact) or `^=` (starts with), and a double-quoted value
 * (backslash escapes allowed), as ListUsers takes it. Anything else is
 * refused here with INVALID_FILTER naming the filter, rather than as
 * Cognito's less helpful InvalidParameterException.
 */
import { ApiError } from '../../errors/catalog.js'
import { SEARCHABLE_ATTRIBUTES } from '../../schemas/admin.js'

const FILTER = new RegExp(`^\\s*(${SEARCHABLE_ATTRIBUTES.join('|')})\\s*(=|\\^=)\\s*"((?:[^"\\\\]|\\\\.)*)"\\s*$`)

/** The filter as Cognito takes it (`email ^= "ann"`), or INVALID_FILTER. */
export function checkedFilter (filter: string): string {
  const match = FILTER.exec(filter)
  if (match === null) {
    throw new ApiError('INVALID_FILTER', {
      detail: `The filter ${JSON.stringify(filter)} is not valid: write <attribute> = "<value>" or <attribute> ^= "<value>", ` +
        `with one of ${SEARCHABLE_ATTRIBUTES.join(', ')}.`
    })
  }
  return `${match[1]} ${match[2]} "${match[3]}"`
}
