/**
 * ClientMetadata for Cognito's Lambda triggers (a custom-message trigger
 * builds its link and picks its language from it): a small allowlist of
 * keys, each value checked and bounded, nothing secret. Sent with SignUp,
 * ResendConfirmationCode, ForgotPassword, UpdateUserAttributes,
 * GetUserAttributeVerificationCode and AdminCreateUser; documented in docs/sessions-and-clients.md, since a
 * team's Lambda reads these keys.
 */
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config/index.js'
import { ApiError } from '../errors/catalog.js'
import { checkRedirect } from '../oauth/redirect.js'

/** The keys a trigger may find in `event.request.clientMetadata`; none is always there. */
export const TRIGGER_KEYS = ['bff_locale', 'bff_origin', 'bff_redirect'] as const
export type TriggerContext = Partial<Record<(typeof TRIGGER_KEYS)[number], string>>

/** A language tag as Accept-Language carries it (BCP 47's common shape: "fr", "pt-BR", "zh-Hant-TW"), at most 35 characters. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$/
const MAX_TAG = 35

/** The first language of an Accept-Language header, if it is a plain tag ("*" and anything odd are dropped). */
export function firstLocale (header: string | undefined): string | undefined {
  if (header === undefined || header.length > 1024) return undefined
  const tag = header.split(',')[0]?.split(';')[0]?.trim() ?? ''
  return tag.length <= MAX_TAG && LANGUAGE_TAG.test(tag) ? tag : undefined
}

/**
 * The context of this request: the first Accept-Language tag; the calling
 * site (Origin), only when it is this service's or one of CORS_ORIGINS; and
 * the app's redirect target (the body's `redirect`), as an absolute URL: one
 * not on REDIRECT_ALLOWLIST is REDIRECT_NOT_ALLOWED, before Cognito is asked.
 */
export function triggerContext (
  request: FastifyRequest, config: Pick<Config, 'publicUrl' | 'corsOrigins' | 'oauth'>, redirect?: string
): TriggerContext {
  const context: TriggerContext = {}
  const header = request.headers['accept-language']
  const locale = firstLocale(typeof header === 'string' ? header : undefined)
  if (locale !== undefined) context.bff_locale = locale
  const origin = request.headers.origin
  if (typeof origin === 'string' && allowedOrigin(origin, config)) context.bff_origin = origin
  if (redirect !== undefined) {
    const checked = checkRedirect(redirect, config.oauth.redirects)
    if (!checked.ok) {
      // The reason only: the value itself may carry secrets.
      request.log.warn({ reason: checked.reason, length: redirect.length }, 'redirect target refused')
      throw new ApiError('REDIRECT_NOT_ALLOWED', { detail: `The redirect target is refused (${checked.reason}).` })
    }
    context.bff_redirect = checked.location
  }
  return context
}

function allowedOrigin (origin: string, config: Pick<Config, 'publicUrl' | 'corsOrigins'>): boolean {
  if (origin.length > 200 || !URL.canParse(origin)) return false
  const parsed = new URL(origin).origin
  return parsed === origin && (parsed === config.publicUrl.origin || config.corsOrigins.some(o => URL.canParse(o) && new URL(o).origin === parsed))
}
