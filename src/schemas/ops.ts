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
    }),
    pool: StringEnum(['ok', 'warn', 'fail', 'unread'], {
      description: 'The user pool\'s settings against what the service does (`npm run doctor` prints each): ok, warn (logged at start), ' +
        'fail (a setting changed since the start that breaks a flow: logged at error level; the instance stays ready), or unread ' +
        '(the Describe calls were refused: the service runs on its configured values). Does not change readiness.'
    })
  })
}, { title: 'Readiness' })
