/**
 * The pool's password policy, wherever a password is set: cognito-local
 * stores any password at all. Cognito refuses one that breaks the pool's
 * Policies.PasswordPolicy with InvalidPasswordException, naming the first
 * rule it breaks.
 */
import type { Services } from 'cognito-local/lib/services/index.js'
import type { LocalGuard } from '../local-layer.ts'
import { PasswordPolicyError } from './errors.ts'
import { poolOf } from './lookup.ts'

export interface PasswordPolicy {
  MinimumLength?: number
  RequireUppercase?: boolean
  RequireLowercase?: boolean
  RequireNumbers?: boolean
  RequireSymbols?: boolean
}

/** Cognito's default policy, for a pool that has none stored. */
export const DEFAULT_PASSWORD_POLICY: Required<PasswordPolicy> = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true
}

/** The characters Cognito counts as symbols; a space counts too when it is not first or last. */
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+-]|(?<=.) (?=.)/

/** The first rule `password` breaks, in Cognito's words, or undefined when it complies. */
export function policyViolation (password: string, policy: PasswordPolicy): string | undefined {
  if ([...password].length < (policy.MinimumLength ?? DEFAULT_PASSWORD_POLICY.MinimumLength)) return 'Password not long enough'
  if (policy.RequireUppercase === true && !/[A-Z]/.test(password)) return 'Password must have uppercase characters'
  if (policy.RequireLowercase === true && !/[a-z]/.test(password)) return 'Password must have lowercase characters'
  if (policy.RequireNumbers === true && !/[0-9]/.test(password)) return 'Password must have numeric characters'
  if (policy.RequireSymbols === true && !SYMBOL.test(password)) return 'Password must have symbol characters'
  return undefined
}

/** The password a request sets, if it sets one. */
function passwordIn (target: string, req: Record<string, unknown>): unknown {
  switch (target) {
    case 'SignUp':
    case 'ConfirmForgotPassword':
    case 'AdminSetUserPassword':
      return req.Password
    case 'ChangePassword':
      return req.ProposedPassword
    case 'AdminCreateUser':
      // Absent: Cognito (and cognito-local) generate one.
      return req.TemporaryPassword
    case 'RespondToAuthChallenge':
    case 'AdminRespondToAuthChallenge':
      return req.ChallengeName === 'NEW_PASSWORD_REQUIRED' ? (req.ChallengeResponses as Record<string, unknown> | undefined)?.NEW_PASSWORD : undefined
  }
  return undefined
}

async function poolPolicy (services: Services, ctx: Parameters<typeof poolOf>[1], req: Record<string, unknown>): Promise<PasswordPolicy | undefined> {
  const pool = await poolOf(services, ctx, req)
  if (pool === undefined) return undefined
  return pool.options.Policies?.PasswordPolicy ?? DEFAULT_PASSWORD_POLICY
}

export const passwordPolicy: LocalGuard = {
  name: 'password policy',
  targets: [
    'SignUp', 'ConfirmForgotPassword', 'ChangePassword', 'AdminSetUserPassword', 'AdminCreateUser',
    'RespondToAuthChallenge', 'AdminRespondToAuthChallenge'
  ],
  wrap: (target, next, services) => async (ctx, req: Record<string, unknown>) => {
    const password = passwordIn(target, req)
    if (typeof password === 'string') {
      const policy = await poolPolicy(services, ctx, req)
      const violation = policy && policyViolation(password, policy)
      if (violation !== undefined) throw new PasswordPolicyError(violation)
    }
    return await next(ctx, req)
  }
}
