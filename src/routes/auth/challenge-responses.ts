/**
 * From the plain fields of POST /auth/challenge to Cognito's ChallengeResponses,
 * one row per challenge. A missing field is the client's error (400 naming it),
 * not something to send Cognito and see.
 */
import { invalidFields } from '../../errors/catalog.js'
import type { ChallengeBody } from '../../schemas/auth.js'

type Field = 'newPassword' | 'code' | 'mfaType' | 'answer' | 'credential'

/** The first factors a SELECT_CHALLENGE answer may name (USER_AUTH; SRP needs a client that speaks it). */
const CHOICES = ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN']

const ROWS: Record<string, { field: Field, key: string }> = {
  NEW_PASSWORD_REQUIRED: { field: 'newPassword', key: 'NEW_PASSWORD' },
  SOFTWARE_TOKEN_MFA: { field: 'code', key: 'SOFTWARE_TOKEN_MFA_CODE' },
  SMS_MFA: { field: 'code', key: 'SMS_MFA_CODE' },
  EMAIL_OTP: { field: 'code', key: 'EMAIL_OTP_CODE' },
  SMS_OTP: { field: 'code', key: 'SMS_OTP_CODE' },
  SELECT_MFA_TYPE: { field: 'mfaType', key: 'ANSWER' },
  CUSTOM_CHALLENGE: { field: 'answer', key: 'ANSWER' },
  SELECT_CHALLENGE: { field: 'answer', key: 'ANSWER' },
  // The passkey's assertion from navigator.credentials.get(), as the JSON Cognito expects.
  WEB_AUTHN: { field: 'credential', key: 'CREDENTIAL' }
}

/** The fields POST /auth/challenge needs for `challenge`; empty when this BFF cannot answer it. */
export function fieldsFor (challenge: string): string[] {
  const row = ROWS[challenge]
  return row ? [row.field] : []
}

/** The MFA types SELECT_MFA_TYPE offers, from Cognito's MFAS_CAN_CHOOSE (a JSON array, e.g. ["SMS_MFA","EMAIL_OTP"]). */
export function mfaChoices (parameters: Record<string, string>): string[] | undefined {
  const raw = parameters.MFAS_CAN_CHOOSE
  if (raw === undefined || raw.length > 1000) return undefined
  try {
    const list: unknown = JSON.parse(raw)
    return Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string' && /^[A-Z_]{1,40}$/.test(c)).slice(0, 10) : undefined
  } catch {
    return undefined
  }
}

/** `offered`: SELECT_MFA_TYPE's choices as sealed with the session; an answer outside them never reaches Cognito. */
export function challengeResponses (body: ChallengeBody, offered?: readonly string[]): Record<string, string> {
  const row = ROWS[body.challenge]
  if (!row) {
    throw invalidFields(
      [{ field: '/body/challenge', message: `must be one of ${Object.keys(ROWS).join(', ')}` }],
      `Challenge ${body.challenge} cannot be answered here.`
    )
  }
  const value = body[row.field]
  if (value === undefined) {
    throw invalidFields([{ field: `/body/${row.field}`, message: 'is required' }], `${body.challenge} needs ${row.field}.`)
  }
  const responses: Record<string, string> = { [row.key]: typeof value === 'string' ? value : JSON.stringify(value) }
  if (body.challenge === 'SELECT_CHALLENGE') {
    if (!CHOICES.includes(String(value))) {
      throw invalidFields([{ field: '/body/answer', message: `must be one of ${CHOICES.join(', ')}` }], 'SELECT_CHALLENGE needs a factor as answer.')
    }
    if (value === 'PASSWORD') {
      if (body.password === undefined) throw invalidFields([{ field: '/body/password', message: 'is required' }], 'Answer PASSWORD needs password.')
      responses.PASSWORD = body.password
    }
  }
  if (body.challenge === 'SELECT_MFA_TYPE' && offered !== undefined && !offered.includes(String(value))) {
    const field = { field: '/body/mfaType', message: `must be one of ${offered.join(', ')}` }
    throw invalidFields([field], 'Choose one of the MFA types offered (mfaTypes).')
  }
  if (body.challenge === 'NEW_PASSWORD_REQUIRED') {
    for (const [name, attribute] of Object.entries(body.attributes ?? {})) responses[`userAttributes.${name}`] = attribute
  }
  return responses
}
