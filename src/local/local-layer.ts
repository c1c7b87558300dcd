/**
 * The local layer: what makes the embedded emulator answer like AWS where the
 * service depends on it. cognito-local accepts almost anything and lacks some
 * operations, so requests pass through this layer first:
 *  - operations: targets cognito-local lacks, answered here as Cognito does;
 *  - guards: checks Cognito makes and cognito-local does not, each refusing
 *    with Cognito's own exception name and message before (or after) the
 *    emulator's handler runs.
 * Each guard and operation is one small module under guards/ and operations/,
 * listed here; the README's "local mode versus AWS" table names them.
 */
import type { Route, Router } from 'cognito-local/lib/server/Router.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import { resendConfirmationCode } from './operations/resend-confirmation-code.js'

export type { Route }

/** An operation cognito-local does not have. */
export interface LocalOperation {
  target: string
  route (services: Services): Route
}

/** A check wrapped around the emulator's handler for some targets. */
export interface LocalGuard {
  /** What it enforces, for logs and the README table. */
  name: string
  targets: readonly string[]
  wrap (target: string, next: Route, services: Services): Route
}

const OPERATIONS: LocalOperation[] = [
  resendConfirmationCode
]

const GUARDS: LocalGuard[] = [
]

/** cognito-local's router with the local layer in front. */
export function localRouter (services: Services, emulator: Router): Router {
  return target => {
    const operation = OPERATIONS.find(o => o.target === target)
    let route = operation ? operation.route(services) : emulator(target)
    // The first guard listed runs first.
    for (const guard of [...GUARDS].reverse()) {
      if (guard.targets.includes(target)) route = guard.wrap(target, route, services)
    }
    return route
  }
}
