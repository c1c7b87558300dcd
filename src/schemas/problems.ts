import { Type } from '@sinclair/typebox'

export const ProblemPageParamsSchema = Type.Object({
  code: Type.String({
    pattern: '^[a-z]+(-[a-z]+)*$',
    maxLength: 64,
    description: 'The code in kebab case, as in a problem\'s type, e.g. token-invalid.'
  })
}, { additionalProperties: false })
