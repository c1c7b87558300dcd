import { Type, type Static } from '@sinclair/typebox'
import { StringEnum } from './string-enum.js'

/** MFA factors by this API's names: TOTP (an authenticator app), SMS and EMAIL codes. */
export const MFA_FACTORS = ['TOTP', 'SMS', 'EMAIL'] as const
export type MfaFactor = typeof MFA_FACTORS[number]
const Factor = StringEnum(MFA_FACTORS)

export const TotpSetupSchema = Type.Object({
  secret: Type.String({ description: 'The TOTP secret (base32), for typing into an authenticator app by hand.' }),
  otpauthUri: Type.String({ description: 'otpauth://totp/<issuer>:<username>?secret=...&issuer=<issuer>: what the QR code holds.' }),
  qrCode: Type.String({ description: 'The otpauth URI as a QR code: an SVG data URI (data:image/svg+xml;base64,...) for an <img src>.' })
}, { description: 'Show the QR code (or the secret); the user scans it and sends back the first code the app shows.' })
export type TotpSetup = Static<typeof TotpSetupSchema>

const TotpCode = Type.String({ pattern: '^\\d{6}$', description: 'The 6-digit code the authenticator app shows now.' })
export const DeviceName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[\\p{L}\\p{M}\\p{N}\\p{P}\\p{S} ]+$',
  description: 'A name for the authenticator, e.g. "Work phone".'
})

export const TotpVerifyBodySchema = Type.Object({
  code: TotpCode,
  deviceName: Type.Optional(DeviceName)
}, { additionalProperties: false })

export const MfaStateSchema = Type.Object({
  enabled: Type.Array(Factor, { description: 'The factors turned on for the user.' }),
  preferred: Type.Optional({ ...Factor, description: 'The factor sign-in asks for first; absent when none is preferred.' })
}, { title: 'MfaState' })

const FactorSetting = Type.Object({
  enabled: Type.Boolean(),
  preferred: Type.Optional(Type.Boolean({ description: 'Make this the factor sign-in asks for (it must be enabled). Default false.' }))
}, { additionalProperties: false })

export const MfaPreferenceBodySchema = Type.Object({
  totp: Type.Optional(FactorSetting),
  sms: Type.Optional(FactorSetting),
  email: Type.Optional(FactorSetting)
}, { additionalProperties: false, minProperties: 1, description: 'The factors to change; those left out stay as they are.' })
