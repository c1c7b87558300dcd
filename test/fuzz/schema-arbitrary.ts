/**
 * Valid-shaped values from a JSON Schema: what a request schema of the
 * document accepts (types, enums, simple patterns, formats, lengths,
 * required and optional properties), with random contents, so a fuzzed
 * request gets past validation and reaches the handler and Cognito.
 *
 * Hints name real values by property name (a real username, the demo
 * password, a code that was sent): they are offered next to the random ones,
 * so some requests hit existing accounts.
 */
import fc from 'fast-check'
import type { JsonSchema } from './operations.js'

export type Hints = Record<string, fc.Arbitrary<unknown>>

/** JSON text placed as is inside a generated value (deep nesting, numbers JSON.stringify cannot write). */
export class RawJson {
  constructor (readonly text: string, readonly label = text.length > 40 ? `${text.slice(0, 20)}…(${text.length} chars)` : text) {}
  [fc.toStringMethod] (): string {
    return `RawJson(${JSON.stringify(this.label)})`
  }
}

/** JSON text of a generated value: objects keep every own key (`__proto__` too), RawJson is spliced in. */
export function toJson (value: unknown): string {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).map(key => `${JSON.stringify(key)}:${toJson((value as Record<string, unknown>)[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** An object with these entries as own properties, `__proto__` included (a plain assignment would set the prototype). */
export function objectOf (entries: Array<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  return object
}

/** Printable ASCII, the everyday case. */
const ascii = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map(c => String.fromCharCode(c)), minLength: 1, maxLength: 1 })
const mixedUnit = fc.oneof({ arbitrary: ascii, weight: 4 }, { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 1 })
const alnum = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 16 })

/** Names of Object.prototype members (and `then`): a store that looks values up by key in a plain object finds them there. */
const INHERITED_NAMES = [
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'then'
]

function stringFor (schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : 64
  // Ajv counts code points, as the service's validation does.
  const fits = (s: string) => { const length = [...s].length; return length >= minLength && length <= maxLength }
  if (schema.format === 'email') {
    return fc.oneof(
      fc.tuple(alnum, alnum).map(([local, domain]) => `${local}@${domain}.example.com`),
      fc.emailAddress()
    ).filter(fits)
  }
  let plain: fc.Arbitrary<string> = fc.string({ unit: mixedUnit, minLength, maxLength: Math.max(minLength, Math.min(maxLength, 24)) }).filter(fits)
  let accepts = (s: string) => fits(s)
  if (typeof schema.pattern === 'string') {
    try {
      const pattern = new RegExp(schema.pattern, 'u')
      const matching = fc.stringMatching(pattern).filter(s => fits(s) && pattern.test(s))
      // Fails here, not mid-run, if fast-check cannot read the pattern: plain strings then.
      fc.sample(matching, { numRuns: 1, seed: 1 })
      plain = matching
      accepts = s => fits(s) && pattern.test(s)
    } catch {
      // Plain strings: some will not match, and get the validation problem.
    }
  }
  const inherited = INHERITED_NAMES.filter(accepts)
  return inherited.length === 0 ? plain : fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: fc.constantFrom(...inherited) })
}

function numberFor (schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined
  if (integer) return fc.integer({ min: min ?? -1_000_000, max: max ?? 1_000_000 })
  return fc.double({ noNaN: true, noDefaultInfinity: true, min: min ?? -1e9, max: max ?? 1e9 })
}

/** Standard attribute names, then custom ones: what the attributes maps of sign-up and challenge take. */
const ATTRIBUTE_NAMES = fc.oneof(
  fc.constantFrom('given_name', 'family_name', 'name', 'nickname', 'locale', 'zoneinfo', 'website', 'phone_number', 'birthdate', 'gender'),
  alnum.map(name => `custom:${name}`)
)

function objectFor (schema: JsonSchema, hints: Hints): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((schema.required ?? []) as string[])
  const maxProperties = typeof schema.maxProperties === 'number' ? schema.maxProperties : Infinity
  const known = Object.entries(properties).map(([name, property]) => {
    const value = valueFor(property, hints, name)
    return fc.tuple(fc.constant(name), required.has(name) ? fc.constant(true) : fc.boolean(), value)
  })
  const additional = schema.additionalProperties
  const extra = additional !== undefined && additional !== false && Object.keys(properties).length === 0
    ? fc.uniqueArray(fc.tuple(ATTRIBUTE_NAMES, valueFor(additional === true ? {} : additional as JsonSchema, hints)), {
      maxLength: Math.min(3, maxProperties),
      selector: ([name]) => name
    })
    : fc.constant([] as Array<[string, unknown]>)
  const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0
  return fc.tuple(fc.tuple(...known), extra).map(([fields, more]) => objectOf([
    ...fields.filter(([, present]) => present).map(([name, , value]): [string, unknown] => [name, value]),
    ...more
  ])).filter(object => Object.keys(object).length >= minProperties)
}

/** A value the schema accepts; `name` is the property it is for, so a hint of that name is offered too. */
export function valueFor (schema: JsonSchema, hints: Hints = {}, name?: string): fc.Arbitrary<unknown> {
  const generated = fromSchema(schema, hints)
  const hint = name === undefined ? undefined : hints[name]
  return hint === undefined ? generated : fc.oneof(generated, hint)
}

function fromSchema (schema: JsonSchema, hints: Hints): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum as unknown[])
  if ('const' in schema) return fc.constant(schema.const)
  for (const key of ['anyOf', 'oneOf'] as const) {
    const choices = schema[key]
    if (Array.isArray(choices) && choices.length > 0) return fc.oneof(...(choices as JsonSchema[]).map(s => fromSchema(s, hints)))
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    // Enough for the request schemas a route declares: the parts' properties and requirements together.
    const parts = schema.allOf as JsonSchema[]
    const merged: JsonSchema = { ...schema, allOf: undefined, type: parts.find(p => p.type !== undefined)?.type ?? schema.type }
    merged.properties = Object.assign({}, ...parts.map(p => p.properties ?? {}), schema.properties ?? {})
    merged.required = [...new Set(parts.flatMap(p => (p.required ?? []) as string[]))]
    delete merged.allOf
    return fromSchema(merged, hints)
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string': return stringFor(schema)
    case 'integer': return numberFor(schema, true)
    case 'number': return numberFor(schema, false)
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'array': {
      const items = (schema.items ?? {}) as JsonSchema
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0
      const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : minItems + 4
      const lengths = { minLength: minItems, maxLength: Math.min(maxItems, minItems + 4) }
      // uniqueItems compares JSON values: so does the selector.
      return schema.uniqueItems === true
        ? fc.uniqueArray(fromSchema(items, hints), { ...lengths, selector: value => JSON.stringify(value) })
        : fc.array(fromSchema(items, hints), lengths)
    }
    case 'object': return objectFor(schema, hints)
    default: return schema.properties === undefined ? fc.jsonValue({ maxDepth: 2 }) : objectFor(schema, hints)
  }
}
