import { Type } from '@sinclair/typebox'
import { FIRST_FACTORS } from '../cognito/passwordless.js'
import { ConfirmBodySchema, LoginResponseSchema, Password, Username, StatusResponseSchema } from './auth.js'
import { StringEnum } from './string-enum.js'

/**
 * POST /auth/login's body with LOGIN_FLOW=USER_AUTH (choice-based sign-in):
 * the password is optional, and the user may name the first factor they want.
 */
export const ChoiceLoginBodySchema = Type.Object({
  username: Username,
  password: Type.Optional({ ...Password, description: 'Needed for preferredChallenge PASSWORD (the default when a password is sent).' }),
  preferredChallenge: Type.Optional(StringEnum([...FIRST_FACTORS], {
    description: 'The first factor to use: PASSWORD (with password), EMAIL_OTP or SMS_OTP (a code is sent), WEB_AUTHN (a passkey). ' +
      'Omitted without a password: the answer is SELECT_CHALLENGE listing availableChallenges.'
  })),
  tokenDelivery: Type.Optional(StringEnum(['cookie', 'body'], { description: 'As for every login: "cookie" (default) or "body".' }))
}, { additionalProperties: false })

/** POST /auth/signup/confirm's body with SIGN_IN_AFTER_CONFIRM: where the new session's tokens go. */
export const ConfirmSignInBodySchema = Type.Object({
  username: Username,
  code: ConfirmBodySchema.properties.code,
  tokenDelivery: Type.Optional(StringEnum(['cookie', 'body'], { description: 'As for login: "cookie" (default) or "body".' }))
}, { additionalProperties: false })

/** POST /auth/signup/confirm's answer: confirmed, or (SIGN_IN_AFTER_CONFIRM) signed in as by login. */
export const ConfirmedOrSignedInSchema = Type.Union([StatusResponseSchema, ...LoginResponseSchema.anyOf])
