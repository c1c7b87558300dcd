/**
 * Shares what the generated document repeats: one pass over the finished
 * document, so a new route is as small as its own content without naming
 * anything. A path parameter declared alike by several operations becomes a
 * `components.parameters` entry; a subschema found more than once (a success
 * answer, the sign-in result, a property's schema) becomes a
 * `components.schemas` entry, the largest saving first, until nothing worth
 * sharing is repeated. Each is referenced with `$ref` where it was.
 *
 * Names are stable, derived from the content, not from where it was met
 * first: a schema's `title`, else the property it describes (the first such
 * name in order), else a digest; a name another component already holds gets
 * the digest appended.
 */
import { createHash } from 'node:crypto'

type Json = Record<string, unknown>
/** A schema as found: the object holding it and its key there, so it can be replaced by a reference. */
interface Place { holder: Json | unknown[], key: string | number, name?: string }

/** A subschema shorter than this (as JSON) is left in place: its reference would save little or nothing. */
const MIN_SHARED = 60

const ONE = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties']
const LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems']
const MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas']

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8)

/** `place`'s schema and every subschema below it. */
function add (place: Place, found: Place[]): void {
  found.push(place)
  subschemas((place.holder as Record<string | number, unknown>)[place.key], found)
}

/** Every subschema below `schema` (not `schema` itself), depth first. */
function subschemas (schema: unknown, found: Place[]): void {
  if (!isObject(schema)) return
  for (const key of ONE) if (isObject(schema[key])) add({ holder: schema, key }, found)
  for (const key of LISTS) {
    const list = schema[key]
    if (Array.isArray(list)) list.forEach((_item, i) => add({ holder: list, key: i }, found))
  }
  for (const key of MAPS) {
    const map = schema[key]
    if (!isObject(map)) continue
    for (const name of Object.keys(map)) add({ holder: map, key: name, ...(key === 'properties' ? { name } : {}) }, found)
  }
}

/** The schemas of a response or request body object, and of its headers. */
function mediaSchemas (owner: unknown, found: Place[]): void {
  if (!isObject(owner)) return
  for (const media of Object.values(isObject(owner.content) ? owner.content : {})) {
    if (isObject(media) && isObject(media.schema)) add({ holder: media, key: 'schema' }, found)
  }
  for (const header of Object.values(isObject(owner.headers) ? owner.headers : {})) {
    if (isObject(header) && isObject(header.schema)) add({ holder: header, key: 'schema' }, found)
  }
}

/** Every schema of the document that a reference may replace. */
function schemaPlaces (document: Json): Place[] {
  const found: Place[] = []
  const components = (document.components ?? {}) as Record<string, Json | undefined>
  for (const item of Object.values((document.paths ?? {}) as Record<string, Json>)) {
    for (const operation of Object.values(item)) {
      if (!isObject(operation)) continue
      for (const parameter of Array.isArray(operation.parameters) ? operation.parameters : []) {
        if (isObject(parameter) && isObject(parameter.schema)) {
          add({ holder: parameter, key: 'schema', ...(typeof parameter.name === 'string' ? { name: parameter.name } : {}) }, found)
        }
      }
      mediaSchemas(operation.requestBody, found)
      for (const response of Object.values(isObject(operation.responses) ? operation.responses : {})) mediaSchemas(response, found)
    }
  }
  for (const response of Object.values(components.responses ?? {})) mediaSchemas(response, found)
  for (const parameter of Object.values(components.parameters ?? {})) {
    if (isObject(parameter) && isObject(parameter.schema)) add({ holder: parameter, key: 'schema' }, found)
  }
  for (const schema of Object.values(components.schemas ?? {})) subschemas(schema, found)
  return found
}

/** Shares the path parameters several operations declare alike. */
function shareParameters (document: Json): void {
  const components = (document.components ??= {}) as Json
  const parameters = (components.parameters ??= {}) as Json
  const uses = new Map<string, Array<{ list: unknown[], index: number }>>()
  for (const item of Object.values((document.paths ?? {}) as Record<string, Json>)) {
    for (const operation of Object.values(item)) {
      if (!isObject(operation) || !Array.isArray(operation.parameters)) continue
      const list = operation.parameters
      list.forEach((parameter, index) => {
        if (!isObject(parameter) || '$ref' in parameter) return
        const text = JSON.stringify(parameter)
        uses.set(text, [...(uses.get(text) ?? []), { list, index }])
      })
    }
  }
  for (const [text, places] of [...uses].sort(([a], [b]) => a < b ? -1 : 1)) {
    if (places.length < 2) continue
    const parameter = JSON.parse(text) as { name: string, in: string }
    const name = freeName(parameters, `${parameter.name}-${parameter.in}`, text)
    parameters[name] = parameter
    for (const { list, index } of places) list[index] = { $ref: `#/components/parameters/${name}` }
  }
  if (Object.keys(parameters).length === 0) delete components.parameters
}

/** `wanted`, or `wanted` and the content's digest where another component holds that name. */
function freeName (section: Json, wanted: string, text: string): string {
  const clean = wanted.replace(/[^\w.-]/g, '')
  return section[clean] === undefined || JSON.stringify(section[clean]) === text ? clean : `${clean}-${digest(text)}`
}

/** The name of the property or parameter a schema describes (the first, by name, where it describes several), capitalized. */
function placeName (places: Place[]): string | undefined {
  const name = places.map(place => place.name).filter(name => name !== undefined).sort()[0]
  return name === undefined ? undefined : name[0]!.toUpperCase() + name.slice(1)
}

/** `Problems-<digest>` for a union of problem codes (`oneOf` of references to the code schemas, plugins/openapi.ts). */
function problemsName (schema: Json, text: string): string | undefined {
  const { oneOf } = schema
  const codes = Array.isArray(oneOf) && oneOf.every(item => isObject(item) && typeof item.$ref === 'string' && /\/[A-Z_]+$/.test(item.$ref))
  return codes ? `Problems-${digest(text)}` : undefined
}

/** Shares every repeated subschema worth a reference, the largest saving first. */
function shareSchemas (document: Json): void {
  const components = (document.components ??= {}) as Json
  const schemas = (components.schemas ??= {}) as Json
  for (;;) {
    const seen = new Map<string, Place[]>()
    for (const place of schemaPlaces(document)) {
      const schema = (place.holder as Record<string | number, unknown>)[place.key]
      if (!isObject(schema) || '$ref' in schema) continue
      const text = JSON.stringify(schema)
      if (text.length < MIN_SHARED) continue
      seen.set(text, [...(seen.get(text) ?? []), place])
    }
    let best: [string, Place[]] | undefined
    for (const entry of seen) {
      if (entry[1].length < 2) continue
      const saving = (entry[0].length - 40) * (entry[1].length - 1)
      const bestSaving = best === undefined ? -1 : (best[0].length - 40) * (best[1].length - 1)
      if (saving > bestSaving || (saving === bestSaving && best !== undefined && entry[0] < best[0])) best = entry
    }
    if (best === undefined) return
    const [text, places] = best
    const schema = JSON.parse(text) as Json
    const wanted = typeof schema.title === 'string' ? schema.title : problemsName(schema, text) ?? placeName(places) ?? `Schema-${digest(text)}`
    const name = freeName(schemas, wanted, text)
    schemas[name] = schema
    for (const { holder, key } of places) (holder as Record<string | number, unknown>)[key] = { $ref: `#/components/schemas/${name}` }
  }
}

/** Shares the repeated parameters and subschemas of `document`, in place. */
export function shareComponents (document: Json): void {
  shareParameters(document)
  shareSchemas(document)
  const schemas = (document.components as Json).schemas as Json
  ;(document.components as Json).schemas = Object.fromEntries(Object.keys(schemas).sort().map(name => [name, schemas[name]]))
}
