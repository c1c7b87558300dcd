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
import { accessTokens } from './guards/access-tokens.ts'
import { appClientSettings } from './guards/app-client-settings.ts'
import { attributeDeletion } from './guards/attribute-deletion.ts'
import { attributeSchema } from './guards/attribute-schema.ts'
import { attributeVerification } from './guards/attribute-verification.ts'
import { challengeSessions } from './guards/challenge-sessions.ts'
import { choiceBasedSignIn } from './guards/choice-based-sign-in.ts'
import { confirmationStatus } from './guards/confirmation-status.ts'
import { currentPassword } from './guards/current-password.ts'
import { disabledUsers } from './guards/disabled-users.ts'
import { groupExists } from './guards/group-exists.ts'
import { groupUpdates } from './guards/group-updates.ts'
import { mfaSetup } from './guards/mfa-setup.ts'
import { invitations } from './guards/invitations.ts'
import { listPagination } from './guards/list-pagination.ts'
import { passwordPolicy } from './guards/password-policy.ts'
import { passwordSignIn } from './guards/password-sign-in.ts'
import { secretHashCheck } from './guards/secret-hash.ts'
import { tokenSessions } from './guards/token-sessions.ts'
import { adminResetUserPassword } from './operations/admin-reset-user-password.ts'
import { adminUserGlobalSignOut } from './operations/admin-user-global-sign-out.ts'
import { getTokensFromRefreshToken } from './operations/get-tokens-from-refresh-token.ts'
import { helpdeskOperations } from './operations/helpdesk.ts'
import { passkeyOperations } from './operations/passkeys.ts'
import { globalSignOut } from './operations/global-sign-out.ts'
import { resendConfirmationCode } from './operations/resend-confirmation-code.ts'
import { userSessionOperations } from './operations/user-sessions.ts'

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
  adminUserGlobalSignOut,
  ...userSessionOperations,
  ...helpdeskOperations
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
  listPagination,
  groupExists,
  groupUpdates
]

/**
 * cognito-local's router with the local layer in front. `triggered`: guards that run a trigger where Cognito would
 * (the user migration, guards/user-migration.ts), placed once the client is authenticated, before any password check.
 */
export function localRouter (services: Services, emulator: Router, triggered: readonly LocalGuard[] = []): Router {
  const at = GUARDS.indexOf(secretHashCheck) + 1
  const guards = [...GUARDS.slice(0, at), ...triggered, ...GUARDS.slice(at)]
  return target => {
    const operation = OPERATIONS.find(o => o.target === target)
    let route = operation ? operation.route(services) : emulator(target)
    // The first guard listed runs first.
    for (const guard of [...guards].reverse()) {
      if (guard.targets.includes(target)) route = guard.wrap(target, route, services)
    }
    return route
  }
}
