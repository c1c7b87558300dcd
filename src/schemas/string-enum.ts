import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox'

/**
 * A string that must be one of `values`, as a plain JSON Schema `enum`: one
 * clear validation error ("must be equal to one of the allowed values")
 * instead of one per member of an anyOf of literals.
 */
export function StringEnum<const T extends readonly string[]> (values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] })
}
