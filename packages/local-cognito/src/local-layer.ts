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
import { accessTokens } from './guards/access-tokens.js'
import { appClientSettings } from './guards/app-client-settings.js'
import { attributeDeletion } from './guards/attribute-deletion.js'
import { attributeSchema } from './guards/attribute-schema.js'
import { attributeVerification } from './guards/attribute-verification.js'
import { challengeSessions } from './guards/challenge-sessions.js'
import { choiceBasedSignIn } from './guards/choice-based-sign-in.js'
import { confirmationStatus } from './guards/confirmation-status.js'
import { currentPassword } from './guards/current-password.js'
import { disabledUsers } from './guards/disabled-users.js'
import { mfaSetup } from './guards/mfa-setup.js'
import { invitations } from './guards/invitations.js'
import { listPagination } from './guards/list-pagination.js'
import { passwordPolicy } from './guards/password-policy.js'
import { passwordSignIn } from './guards/password-sign-in.js'
import { secretHashCheck } from './guards/secret-hash.js'
import { tokenSessions } from './guards/token-sessions.js'
import { adminResetUserPassword } from './operations/admin-reset-user-password.js'
import { adminUserGlobalSignOut } from './operations/admin-user-global-sign-out.js'
import { getTokensFromRefreshToken } from './operations/get-tokens-from-refresh-token.js'
import { passkeyOperations } from './operations/passkeys.js'
import { globalSignOut } from './operations/global-sign-out.js'
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
  resendConfirmationCode,
  getTokensFromRefreshToken,
  ...passkeyOperations,
  globalSignOut,
  adminResetUserPassword,
  adminUserGlobalSignOut
]

const GUARDS: LocalGuard[] = [
  // Settings cognito-local would drop are kept before anything reads them.
  appClientSettings,
  // The client authenticates first, then the caller's token or session, then the request's content.
  secretHashCheck,
  accessTokens,
  challengeSessions,
  disabledUsers,
  // USER_AUTH's password step goes on through the password guard below.
  choiceBasedSignIn,
  passwordSignIn,
  confirmationStatus,
  currentPassword,
  passwordPolicy,
  attributeSchema,
  attributeDeletion,
  attributeVerification,
  tokenSessions,
  // After token-sessions: tokens it withholds are never kept; those it issues it stamps and keeps itself.
  mfaSetup,
  invitations,
  listPagination
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
