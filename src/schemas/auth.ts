import { Type, type Static } from '@sinclair/typebox'
import { DeviceName, TotpSetupSchema } from './mfa.js'
import { PasskeyCredentialSchema } from './passkeys.js'
import { StringEnum } from './string-enum.js'

export const Username = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$',
  description: 'Cognito username (no spaces).'
})
export const Password = Type.String({ minLength: 1, maxLength: 256, description: 'The password; the pool\'s policy decides what is acceptable.' })
const Code = Type.String({ minLength: 1, maxLength: 2048, pattern: '^[\\S]+$', description: 'The code Cognito sent.' })

/** Attributes a user may set on themselves: the OIDC standard ones and `custom:` ones. Verification flags are not among them. */
const STANDARD_ATTRIBUTES = [
  'address',
  'birthdate',
  'email',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo'
]
const AttributeName = Type.String({ pattern: `^(${STANDARD_ATTRIBUTES.join('|')}|custom:[\\w.-]{1,20})$` })
export const Attributes = Type.Record(AttributeName, Type.String({ maxLength: 2048 }), {
  // A Record keyed by a pattern only types matching names; this refuses the rest (email_verified, sub...).
  additionalProperties: false,
  description: 'Attribute name to value: standard OIDC names (given_name, phone_number...) and custom:<name>.',
  maxProperties: 50
})

const TokenDelivery = StringEnum(['cookie', 'body'], {
  description: '"cookie" (the default for login; for refresh, the default follows where the refresh token came from): ' +
    'tokens go into httpOnly cookies. "body": tokens come back in the JSON response and no cookie is set (curl, Postman, mobile apps).'
})

const CodeDeliverySchema = Type.Object({
  medium: Type.Optional(Type.String({ description: 'EMAIL or SMS.' })),
  destination: Type.Optional(Type.String({ description: 'Masked address, e.g. a***@e***.com.' })),
  attribute: Type.Optional(Type.String())
})

/**
 * Where the app wants the e-mail's link to lead, for the pool's Lambda triggers (ClientMetadata `bff_redirect`): on
 * REDIRECT_ALLOWLIST, else REDIRECT_NOT_ALLOWED before Cognito is asked.
 */
export const Redirect = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Optional: where the e-mail\'s link should lead, an absolute URL or a path (resolved against REDIRECT_ALLOWLIST\'s first ' +
    'entry) on REDIRECT_ALLOWLIST; passed to the pool\'s Lambda triggers as ClientMetadata `bff_redirect`. Anything else is ' +
    'refused with REDIRECT_NOT_ALLOWED before Cognito is asked.'
})

export const SignUpBodySchema = Type.Object({
  username: Username,
  password: Password,
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  attributes: Type.Optional(Attributes),
  redirect: Type.Optional(Redirect)
}, { additionalProperties: false })

export const SignUpResponseSchema = Type.Object({
  username: Type.String(),
  userSub: Type.String({ description: 'The new user\'s permanent id (sub).' }),
  confirmed: Type.Boolean({ description: 'False until the code is confirmed (POST /auth/signup/confirm).' }),
  codeDelivery: Type.Optional(CodeDeliverySchema)
})

export const ConfirmBodySchema = Type.Object({ username: Username, code: Code }, { additionalProperties: false })

export const StatusResponseSchema = Type.Object({
  status: StringEnum(['confirmed', 'sent', 'reset'], { description: 'What happened.' }),
  codeDelivery: Type.Optional(CodeDeliverySchema)
}, { title: 'Done' })

/** A request for a code to be sent (resend, forgot). */
export const SendCodeBodySchema = Type.Object({ username: Username, redirect: Type.Optional(Redirect) }, {
  additionalProperties: false,
  title: 'SendCode'
})

export const LoginBodySchema = Type.Object({
  username: Username,
  password: Password,
  tokenDelivery: Type.Optional(TokenDelivery)
}, { additionalProperties: false })

const TokensSchema = Type.Object({
  accessToken: Type.String(),
  idToken: Type.String(),
  refreshToken: Type.Optional(Type.String({ description: 'Absent on refresh: keep using the one you have.' })),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' })
}, { description: 'Only with tokenDelivery "body".' })

export const AuthenticatedSchema = Type.Object({
  status: Type.Literal('authenticated'),
  username: Type.String(),
  expiresAt: Type.String({ format: 'date-time', description: 'When the access token expires; refresh before then.' }),
  tokens: Type.Optional(TokensSchema)
}, { title: 'Authenticated' })

const ChallengeSchema = Type.Object({
  status: Type.Literal('challenge'),
  challenge: Type.String({
    description: 'Cognito challenge name: NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP...'
  }),
  username: Type.String(),
  session: Type.String({
    description: 'Opaque, sealed by this service for this user and challenge; send it back with the answer within the app client\'s ' +
      'AuthSessionValidity (3 minutes by default).'
  }),
  respondWith: Type.Array(Type.String(), {
    description: 'The fields POST /auth/challenge needs, e.g. ["newPassword"] or ["code"]; plus attributes.<name> for required attributes. ' +
      'Empty when this service cannot answer the challenge (MFA_SETUP when the pool cannot set up TOTP).'
  }),
  setup: Type.Optional({
    ...TotpSetupSchema,
    description: 'MFA_SETUP: the authenticator app to enrol before signing in (the pool requires MFA). Show the QR code, then answer ' +
      'with challenge MFA_SETUP and the first code the app shows (optionally deviceName).'
  }),
  parameters: Type.Record(Type.String(), Type.String(), {
    description: 'Non-secret challenge parameters from Cognito, e.g. CODE_DELIVERY_DESTINATION, or (WEB_AUTHN) ' +
      'CREDENTIAL_REQUEST_OPTIONS: the JSON for navigator.credentials.get(), as Cognito sent it.'
  }),
  mfaTypes: Type.Optional(Type.Array(Type.String(), {
    description: 'SELECT_MFA_TYPE: the MFA types Cognito offers this user (its MFAS_CAN_CHOOSE), e.g. ["SMS_MFA","EMAIL_OTP"]; ' +
      'send one as mfaType. Any other answer is refused (400) before Cognito is asked.'
  })),
  availableChallenges: Type.Optional(Type.Array(Type.String(), {
    description: 'SELECT_CHALLENGE (LOGIN_FLOW=USER_AUTH): the first factors this user may choose from ' +
      '(PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN...); send the choice as answer.'
  }))
}, { title: 'Challenge' })

export type Authenticated = Static<typeof AuthenticatedSchema>

export const LoginResponseSchema = Type.Union([AuthenticatedSchema, ChallengeSchema], { title: 'SignInResult' })

export const RefreshBodySchema = Type.Object({
  refreshToken: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 8192,
    description: 'Non-browser clients: the refresh token (answer comes in the body). Browsers omit it: the refresh cookie is used.'
  })),
  username: Type.Optional({ ...Username, description: 'Ignored: refresh no longer needs it (accepted so older clients keep working).' }),
  tokenDelivery: Type.Optional(TokenDelivery)
}, { additionalProperties: false })

export const LogoutBodySchema = Type.Object({
  refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'Non-browser clients: the refresh token to revoke.' }))
}, { additionalProperties: false })

export const ForgotBodySchema = SendCodeBodySchema
export const ResetBodySchema = Type.Object({ username: Username, code: Code, password: Password }, { additionalProperties: false })

export const ConfirmQuerySchema = Type.Object({
  username: Username,
  code: Code,
  redirect: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 2048,
    description: 'Where the app wants the person back after the button (the app sent it as `redirect` when it asked for the code; the ' +
      'custom-message trigger puts it in the link): checked against REDIRECT_ALLOWLIST; a target off the list is dropped, the ' +
      'configured page is used.'
  }))
}, { additionalProperties: false })

/** The confirmation page's form: its username and code, sealed, so the page never shows the code. */
export const ConfirmLinkBodySchema = Type.Object({
  confirmation: Type.String({
    minLength: 1,
    maxLength: 4096,
    pattern: '^[A-Za-z0-9._-]+$',
    description: 'The sealed username and code, as the page GET /auth/signup/confirm put it in its form.'
  })
}, { additionalProperties: false })

export const ChallengeBodySchema = Type.Object({
  username: Username,
  challenge: Type.String({ pattern: '^[A-Z_]{3,40}$', description: 'The challenge name login returned.' }),
  session: Type.String({
    minLength: 1,
    maxLength: 4096,
    description: 'The session login (or the previous challenge) returned, for this username and challenge; any other value is SIGN_IN_RESTART.'
  }),
  newPassword: Type.Optional(Password),
  code: Type.Optional(Type.String({ pattern: '^\\d{6,8}$', description: 'MFA or OTP code.' })),
  mfaType: Type.Optional(StringEnum(['SOFTWARE_TOKEN_MFA', 'SMS_MFA', 'EMAIL_OTP'], {
    description: 'The answer to SELECT_MFA_TYPE: one of the challenge\'s mfaTypes.'
  })),
  answer: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 2048,
    description: 'The answer to a CUSTOM_CHALLENGE, or the factor chosen at SELECT_CHALLENGE (one of availableChallenges).'
  })),
  password: Type.Optional({ ...Password, description: 'With answer PASSWORD to SELECT_CHALLENGE: the password.' }),
  credential: Type.Optional(PasskeyCredentialSchema),
  deviceName: Type.Optional({ ...DeviceName, description: 'With MFA_SETUP: a name for the authenticator, e.g. "Work phone".' }),
  attributes: Type.Optional(Attributes),
  tokenDelivery: Type.Optional(TokenDelivery)
}, { additionalProperties: false, description: 'Send the fields the challenge listed in respondWith.' })
export type ChallengeBody = Static<typeof ChallengeBodySchema>

export const ResetQuerySchema = ConfirmQuerySchema
export const ResetLinkBodySchema = Type.Object({
  reset: Type.String({
    minLength: 1,
    maxLength: 4096,
    pattern: '^[A-Za-z0-9._-]+$',
    description: 'The sealed username and code, as the page GET /auth/password/reset put it in its form.'
  }),
  password: { ...Password, description: 'The new password.' },
  confirm: { ...Password, description: 'The new password again; must equal `password`.' }
}, { additionalProperties: false })
