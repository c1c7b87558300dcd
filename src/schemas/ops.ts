import { Type } from '@sinclair/typebox'
import { StringEnum } from './string-enum.js'

export const HealthSchema = Type.Object({ status: Type.Literal('ok') })

export const ReadySchema = Type.Object({
  status: StringEnum(['ready', 'not ready']),
  checks: Type.Object({ jwks: Type.Boolean({ description: 'The pool\'s signing keys are loaded.' }) })
})
