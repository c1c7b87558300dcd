import { Type, type SchemaOptions, type TLiteral } from '@sinclair/typebox'

/** A union of literals: TypeBox's Value functions (which read the environment) check these natively. */
export function Literals<const T extends readonly string[]> (values: T, options: SchemaOptions) {
  return Type.Union(values.map(value => Type.Literal(value)) as Array<TLiteral<T[number]>>, options)
}
