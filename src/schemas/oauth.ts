import { Type, type Static } from '@sinclair/typebox'
import { MAX_REDIRECT_LENGTH } from '../oauth/redirect.js'

const Redirect = Type.String({
  minLength: 1,
  maxLength: MAX_REDIRECT_LENGTH,
  description: 'Where to send the user afterwards: a URL on the redirect allowlist (REDIRECT_ALLOWLIST), or a path starting with one "/" ' +
    '(resolved against the allowlist\'s first entry). Default: the first entry. Anything else is refused with REDIRECT_NOT_ALLOWED, never followed.'
})

export const OAuthLoginQuerySchema = Type.Object({
  provider: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 32,
    description: 'Identity provider from OAUTH_PROVIDERS (COGNITO, Google, Facebook, LoginWithAmazon, SignInWithApple, or an OIDC/SAML name): ' +
      'the user goes straight there. Omitted: the hosted UI\'s own page, with every provider the app client has.'
  })),
  redirect: Type.Optional(Redirect)
}, { additionalProperties: false })

/** What Cognito sends back: a code and the state, or an OAuth error. Nothing else is read. */
export const OAuthCallbackQuerySchema = Type.Object({
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  state: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: '`<nonce>_<redirect>`, split at the first underscore.' })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
  error_description: Type.Optional(Type.String({ maxLength: 2048 }))
})

export const OAuthLogoutQuerySchema = Type.Object({ redirect: Type.Optional(Redirect) }, { additionalProperties: false })
export type OAuthLogoutQuery = Static<typeof OAuthLogoutQuerySchema>

export const HandoffBodySchema = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 256, description: 'The `handoff` query parameter the user arrived with.' })
}, { additionalProperties: false })
