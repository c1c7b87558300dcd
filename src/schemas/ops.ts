import { Type } from '@sinclair/typebox'
import { StringEnum } from './string-enum.js'

export const HealthSchema = Type.Object({ status: Type.Literal('ok') })

export const ReadySchema = Type.Object({
  status: StringEnum(['ready', 'degraded', 'not ready']),
  checks: Type.Object({
    jwks: StringEnum(['ok', 'degraded', 'missing'], {
      description: 'The pool\'s signing keys: ok, degraded (cached and in use, but the JWKS endpoint failed the last refresh) or missing.'
    }),
    store: StringEnum(['memory', 'ok', 'unavailable'], {
      description: 'Shared state: memory (one instance), ok (Redis answers) or unavailable (Redis does not: not ready).'
    })
  })
})
