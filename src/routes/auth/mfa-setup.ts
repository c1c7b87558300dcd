/**
 * The MFA_SETUP challenge (a pool that requires MFA, a user without it): the
 * challenge is answered with the enrolment the user needs, and the answer is
 * the first code of the new authenticator. Cognito's steps, each taking the
 * session the previous one gave: AssociateSoftwareToken (secret), then
 * VerifySoftwareToken (the code), then RespondToAuthChallenge MFA_SETUP.
 */
import type { FastifyInstance } from 'fastify'
import type { AuthResult, UserContext } from '../../cognito/gateway.js'
import { invalidFields } from '../../errors/catalog.js'
import type { ChallengeBody } from '../../schemas/auth.js'
import type { TotpSetup } from '../../schemas/mfa.js'
import { totpSetup } from '../totp-setup.js'

/**
 * A sign-in step's result, with the enrolment when it is MFA_SETUP and the
 * pool lets users set up TOTP: the secret is made now, with the challenge's
 * session, and the result carries the session that comes back.
 */
export async function withMfaSetup (
  fastify: FastifyInstance, result: AuthResult, username: string
): Promise<{ result: AuthResult, setup?: TotpSetup }> {
  if (result.kind !== 'challenge' || result.name !== 'MFA_SETUP' || result.session === undefined || !canSetUpTotp(result.parameters)) {
    return { result }
  }
  const started = await fastify.cognito.startMfaSetup(result.session)
  return {
    result: { ...result, session: started.session },
    setup: await totpSetup(fastify.config.mfaIssuer, username, started.secret)
  }
}

/** MFAS_CAN_SETUP: ["SMS_MFA","SOFTWARE_TOKEN_MFA"] and the like; absent means TOTP (Cognito always lists it). */
function canSetUpTotp (parameters: Record<string, string>): boolean {
  const listed = parameters.MFAS_CAN_SETUP
  if (listed === undefined) return true
  try {
    return (JSON.parse(listed) as unknown[]).includes('SOFTWARE_TOKEN_MFA')
  } catch {
    return false
  }
}

/** What an MFA_SETUP answer needs: the first code (before anything is asked of Cognito). */
export function mfaSetupAnswer (body: ChallengeBody): { code: string, deviceName?: string } {
  if (body.code === undefined) throw invalidFields([{ field: '/body/code', message: 'is required' }], 'MFA_SETUP needs code.')
  return { code: body.code, ...(body.deviceName === undefined ? {} : { deviceName: body.deviceName }) }
}

/** Verifies the first code with the set-up session, then answers MFA_SETUP with the session that gives. */
export async function completeMfaSetup (
  fastify: FastifyInstance,
  input: { username: string, session: string, code: string, deviceName?: string, context?: UserContext }
): Promise<AuthResult> {
  const { session } = await fastify.cognito.verifyMfaSetup({ session: input.session, code: input.code, deviceName: input.deviceName })
  return await fastify.cognito.respondToChallenge({
    username: input.username, challenge: 'MFA_SETUP', session, responses: {}, context: input.context
  })
}
