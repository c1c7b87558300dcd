/**
 * The signed-in user's MFA: enrol an authenticator app (a TOTP secret as a
 * QR code, then a first code to prove it works), and choose which factors
 * are on and which one sign-in asks for. Registered inside the /me scope:
 * requireUser and the aws.cognito.signin.user.admin scope have already run.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { MfaPreferences } from '../../cognito/mfa.js'
import type { UserProfile } from '../../cognito/types.js'
import { ApiError, invalidFields } from '../../errors/catalog.js'
import { MfaPreferenceBodySchema, MfaStateSchema, TotpSetupSchema, TotpVerifyBodySchema, type MfaFactor } from '../../schemas/mfa.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, problems } from '../../schemas/problem.js'
import { empty, json } from '../../schemas/responses.js'
import { totpSetup } from '../totp-setup.js'
import { signedIn } from '../../plugins/authenticate.js'

const tags = ['me']

/** Every route here: the guard's refusals, Cognito's failures, and the account's state (Cognito checks it on every call). */
const MFA_ROUTE = [
  ...COGNITO_FAILURES, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'INSUFFICIENT_SCOPE', 'USER_NOT_CONFIRMED', 'PASSWORD_RESET_REQUIRED', 'INVALID_PARAMETER'
] as const
/** A state-changing request with a body. */
const CHANGE = [...BODY_REFUSALS, ...ORIGIN_REFUSALS] as const
const TOKEN_HEADERS = { 401: ['WwwAuthenticate' as const], 403: ['WwwAuthenticate' as const] }
const TOKEN_NOTE = { TOKEN_INVALID: 'Refused by this service (with WWW-Authenticate), or by Cognito (revoked there, or the user is gone).' }

/** Cognito's names for the factors, both ways. */
const COGNITO_NAMES: Record<MfaFactor, string> = { TOTP: 'SOFTWARE_TOKEN_MFA', SMS: 'SMS_MFA', EMAIL: 'EMAIL_OTP' }
const FACTOR_FIELDS: Record<MfaFactor, 'totp' | 'sms' | 'email'> = { TOTP: 'totp', SMS: 'sms', EMAIL: 'email' }
const FACTORS = Object.fromEntries(Object.entries(COGNITO_NAMES).map(([factor, name]) => [name, factor])) as Record<string, MfaFactor>

function mfaState (profile: UserProfile): { enabled: MfaFactor[], preferred?: MfaFactor } {
  const enabled = profile.mfa.enabled.map(name => FACTORS[name]).filter(factor => factor !== undefined)
  const preferred = profile.mfa.preferred === undefined ? undefined : FACTORS[profile.mfa.preferred]
  return preferred === undefined ? { enabled } : { enabled, preferred }
}

const mfa: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, userProfiles } = fastify

  fastify.get('/me/mfa', {
    schema: {
      tags,
      operationId: 'getMfa',
      summary: 'Which MFA factors are on for the signed-in user, and which one is preferred',
      description: 'The signed-in user\'s MFA factors (authenticator app, SMS, e-mail), which are enabled and which one Cognito asks for first; ' +
        'change them with PUT /me/mfa.',
      response: {
        200: json(MfaStateSchema, { description: 'The user\'s MFA factors.' }),
        ...problems(MFA_ROUTE, { notes: TOKEN_NOTE, headers: TOKEN_HEADERS })
      }
    }
  }, async (request) => mfaState(await userProfiles.read(signedIn(request))))

  fastify.put('/me/mfa', {
    schema: {
      tags,
      operationId: 'setMfa',
      summary: 'Turn MFA factors on or off, and choose the preferred one',
      description: 'Factors left out stay as they are. TOTP can be turned on only after an authenticator app was enrolled ' +
        '(POST /me/mfa/totp, then /me/mfa/totp/verify): before that, MFA_NOT_SET_UP. At most one factor may be preferred, ' +
        'and a preferred factor must be enabled. When the pool requires MFA, the last factor on cannot be turned off ' +
        '(MFA_REQUIRED_BY_POOL). Answers the user\'s MFA factors afterwards.',
      body: MfaPreferenceBodySchema,
      response: {
        200: json(MfaStateSchema, { description: 'The user\'s MFA factors afterwards.' }),
        ...problems([...CHANGE, ...MFA_ROUTE, 'MFA_NOT_SET_UP', 'MFA_REQUIRED_BY_POOL'], {
          notes: { ...TOKEN_NOTE, MFA_NOT_SET_UP: 'TOTP before an authenticator app was verified, or a factor the pool or user lacks.' },
          headers: TOKEN_HEADERS
        })
      }
    }
  }, async (request) => {
    const preferences = checkedPreferences(request.body)
    const caller = signedIn(request)
    if (fastify.userPool.settings.mfaRequired && Object.values(preferences).some(setting => setting?.enabled === false)) {
      const { enabled } = mfaState(await userProfiles.read(caller))
      const left = enabled.filter(factor => preferences[FACTOR_FIELDS[factor]]?.enabled !== false)
      const added = Object.values(preferences).some(setting => setting?.enabled === true)
      if (left.length === 0 && !added) {
        throw new ApiError('MFA_REQUIRED_BY_POOL', { detail: 'The user pool requires MFA: turn another factor on before turning this one off.' })
      }
    }
    await userProfiles.changing(caller.user.username, () => cognito.setMfaPreference(caller.accessToken, preferences))
    return mfaState(await userProfiles.read(caller))
  })

  fastify.post('/me/mfa/totp', {
    schema: {
      tags,
      operationId: 'startTotpSetup',
      summary: 'Enrol an authenticator app: a new TOTP secret, as an otpauth URI and a QR code',
      description: 'The secret is not in use until a first code from the app is verified (POST /me/mfa/totp/verify); ' +
        'then turn TOTP on with PUT /me/mfa. The issuer the app shows is MFA_ISSUER.',
      response: {
        200: json(TotpSetupSchema, { description: 'Show the QR code (or the secret) to the user.' }),
        ...problems([...ORIGIN_REFUSALS, ...MFA_ROUTE, 'MFA_NOT_SET_UP'], {
          notes: { ...TOKEN_NOTE, MFA_NOT_SET_UP: 'The pool does not allow TOTP.' },
          headers: TOKEN_HEADERS
        })
      }
    }
  }, async (request) => {
    const { user, accessToken } = signedIn(request)
    const { secret } = await cognito.associateSoftwareToken(accessToken)
    return await totpSetup(fastify.config.mfaIssuer, user.username, secret)
  })

  fastify.post('/me/mfa/totp/verify', {
    schema: {
      tags,
      operationId: 'verifyTotpSetup',
      summary: 'Finish enrolling an authenticator app with the first code it shows',
      description: 'A wrong code is CODE_MISMATCH (counted against the account\'s code budget, ACCOUNT_CODE_FAILURES); the enrolment ' +
        'goes on, so send the next code. Once verified, turn TOTP on ' +
        '(and make it preferred) with PUT /me/mfa.',
      body: TotpVerifyBodySchema,
      response: {
        204: empty({ description: 'The authenticator app is verified.' }),
        ...problems([...CHANGE, ...MFA_ROUTE, 'CODE_MISMATCH', 'MFA_NOT_SET_UP', 'TOO_MANY_ATTEMPTS'], {
          notes: {
            ...TOKEN_NOTE,
            MFA_NOT_SET_UP: 'No enrolment was started (POST /me/mfa/totp).',
            TOO_MANY_ATTEMPTS: 'Too many wrong codes for this account (ACCOUNT_CODE_FAILURES); wait for Retry-After.'
          },
          headers: TOKEN_HEADERS
        })
      }
    }
  }, async (request, reply) => {
    const { code, deviceName } = request.body
    const { user, accessToken } = signedIn(request)
    // Wrong codes count against the account's code budget, like every other code this service takes.
    const who = { username: user.username, address: request.ip }
    await userProfiles.changing(user.username, () =>
      fastify.accountLimits.attempt('code', who, () => cognito.verifySoftwareToken({ accessToken, code, deviceName })))
    return reply.code(204).send(null)
  })
}

/** What Cognito would refuse with a vaguer message: a preferred factor that is off, or two preferred ones. */
function checkedPreferences (body: Partial<Record<'totp' | 'sms' | 'email', { enabled: boolean, preferred?: boolean }>>): MfaPreferences {
  const entries = (['totp', 'sms', 'email'] as const).flatMap(name => body[name] === undefined ? [] : [[name, body[name]] as const])
  const offButPreferred = entries.filter(([, setting]) => setting.preferred === true && !setting.enabled)
  if (offButPreferred.length > 0) {
    throw invalidFields(offButPreferred.map(([name]) => ({ field: `/body/${name}/preferred`, message: 'a preferred factor must be enabled' })))
  }
  if (entries.filter(([, setting]) => setting.preferred === true).length > 1) {
    throw invalidFields([{ field: '/body', message: 'at most one factor may be preferred' }])
  }
  return Object.fromEntries(entries.map(([name, setting]) => [name, { enabled: setting.enabled, preferred: setting.preferred ?? false }]))
}

export default mfa
