/**
 * The environment as the schema's types: only the schema's own keys, an empty
 * string counted as unset (as in most .env tooling), and each text coerced by
 * what its schema accepts, found by walking the schema (not by a list of names,
 * which drifts): a boolean takes the boolean words, a number or integer takes
 * decimal digits, anything else stays text for the schema to judge.
 */
import { KindGuard, type TObject, type TSchema } from '@sinclair/typebox'
import { notesOf } from './environment.js'

/** The words a boolean variable takes, in any case. */
export const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, false: false, 1: true, 0: false, yes: true, no: false }

type Scalar = 'boolean' | 'integer' | 'number' | 'string'

const INTEGER = /^[+-]?\d+$/
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/** The scalar types a schema accepts; a union accepts what any of its members does. */
export function scalarsOf (schema: TSchema): Set<Scalar> {
  if (KindGuard.IsUnion(schema)) return new Set(schema.anyOf.flatMap(member => [...scalarsOf(member)]))
  if (KindGuard.IsBoolean(schema) || KindGuard.IsLiteralBoolean(schema)) return new Set(['boolean'])
  if (KindGuard.IsInteger(schema)) return new Set(['integer'])
  if (KindGuard.IsNumber(schema) || KindGuard.IsLiteralNumber(schema)) return new Set(['number'])
  // Strings, string literals, and whatever else: the text itself, judged by the schema.
  return new Set(['string'])
}

/** Reads `schema`'s keys from `source`; a text no accepted type can take is a problem naming the variable. */
export function readEnvironment (schema: TObject, source: NodeJS.ProcessEnv): { values: Record<string, unknown>, problems: string[] } {
  const values: Record<string, unknown> = {}
  const problems: string[] = []
  for (const [name, property] of Object.entries(schema.properties)) {
    const text = source[name]
    if (text === undefined || text === '') continue
    const scalars = scalarsOf(property)
    const coerced = coerce(text, scalars)
    if (coerced !== undefined) {
      values[name] = coerced.value
      continue
    }
    const shown = notesOf(property).secret === true ? '' : ` (got ${JSON.stringify(text)})`
    problems.push(`${name}: must be ${expected(scalars)}${shown}`)
  }
  return { values, problems }
}

function coerce (text: string, scalars: Set<Scalar>): { value: unknown } | undefined {
  const word = BOOLEAN_WORDS[text.toLowerCase()]
  if (scalars.has('boolean') && word !== undefined) return { value: word }
  if ((scalars.has('number') && NUMBER.test(text)) || (scalars.has('integer') && INTEGER.test(text))) return { value: Number(text) }
  if (scalars.has('string')) return { value: text }
  return undefined
}

function expected (scalars: Set<Scalar>): string {
  const kinds: string[] = []
  if (scalars.has('boolean')) kinds.push('true or false (or 1/0, yes/no, in any case)')
  if (scalars.has('number')) kinds.push('a number')
  else if (scalars.has('integer')) kinds.push('an integer')
  return kinds.join(', or ')
}
