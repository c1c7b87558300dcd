/**
 * TOTP and MFA preferences. With the signed-in user's access token: enrol an
 * authenticator app (associate, then verify a first code) and choose which
 * factors are on. With a sign-in's session: the same enrolment as the
 * MFA_SETUP challenge of a pool that requires MFA, each step answering the
 * session the next one needs.
 */
import {
  AssociateSoftwareTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { call, type CognitoContext } from './client.js'
import { errorFor } from './error-table.js'

/** One factor's setting for SetUserMFAPreference; an absent factor is left as it is. */
export interface FactorPreference {
  enabled: boolean
  preferred: boolean
}

export interface MfaPreferences {
  totp?: FactorPreference
  sms?: FactorPreference
  email?: FactorPreference
}

export interface MfaIntents {
  /** A new TOTP secret for the user (not in use until verified). */
  associateSoftwareToken (accessToken: string): Promise<{ secret: string }>
  /** Checks a first code from the authenticator; the token is verified, to be turned on with setMfaPreference. */
  verifySoftwareToken (input: { accessToken: string, code: string, deviceName?: string }): Promise<void>
  setMfaPreference (accessToken: string, preferences: MfaPreferences): Promise<void>
  /** MFA_SETUP: a TOTP secret for the signing-in user, and the session to verify it with. */
  startMfaSetup (session: string): Promise<{ secret: string, session: string }>
  /** MFA_SETUP: checks the first code; answers the session RespondToAuthChallenge(MFA_SETUP) needs. */
  verifyMfaSetup (input: { session: string, code: string, deviceName?: string }): Promise<{ session: string }>
}

const setting = (factor: FactorPreference | undefined) =>
  factor === undefined ? undefined : { Enabled: factor.enabled, PreferredMfa: factor.preferred }

export function mfaIntents ({ sdk }: CognitoContext): MfaIntents {
  return {
    async associateSoftwareToken (accessToken) {
      const out = await call('AssociateSoftwareToken', () => sdk.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken })))
      if (!out.SecretCode) throw errorFor('AssociateSoftwareToken', 'EmptyResult')
      return { secret: out.SecretCode }
    },

    async verifySoftwareToken ({ accessToken, code, deviceName }) {
      const out = await call('VerifySoftwareToken', () => sdk.send(new VerifySoftwareTokenCommand({
        AccessToken: accessToken, UserCode: code, FriendlyDeviceName: deviceName
      })))
      // ERROR is a wrong code, said without an exception.
      if (out.Status !== 'SUCCESS') throw errorFor('VerifySoftwareToken', 'EnableSoftwareTokenMFAException')
    },

    async setMfaPreference (accessToken, preferences) {
      await call('SetUserMFAPreference', () => sdk.send(new SetUserMFAPreferenceCommand({
        AccessToken: accessToken,
        SoftwareTokenMfaSettings: setting(preferences.totp),
        SMSMfaSettings: setting(preferences.sms),
        EmailMfaSettings: setting(preferences.email)
      })))
    },

    async startMfaSetup (session) {
      const out = await call('MfaSetupAssociate', () => sdk.send(new AssociateSoftwareTokenCommand({ Session: session })))
      if (!out.SecretCode || !out.Session) throw errorFor('MfaSetupAssociate', 'EmptyResult')
      return { secret: out.SecretCode, session: out.Session }
    },

    async verifyMfaSetup ({ session, code, deviceName }) {
      const out = await call('MfaSetupVerify', () => sdk.send(new VerifySoftwareTokenCommand({
        Session: session, UserCode: code, FriendlyDeviceName: deviceName
      })))
      if (out.Status !== 'SUCCESS') throw errorFor('MfaSetupVerify', 'EnableSoftwareTokenMFAException')
      if (!out.Session) throw errorFor('MfaSetupVerify', 'EmptyResult')
      return { session: out.Session }
    }
  }
}
