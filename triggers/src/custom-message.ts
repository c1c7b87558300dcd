/**
 * Custom message trigger: Cognito's e-mails and SMS in the service's words, English or French, with links to
 * the service's own pages (PUBLIC_URL). Every user-controlled value is encoded in the URL and escaped in the
 * HTML; Cognito's placeholders (`request.codeParameter`, and `request.usernameParameter` for an invitation)
 * stay verbatim, since Cognito substitutes them after this returns and refuses a message without them.
 * Contract and settings: triggers/README.md.
 */
import type { CustomMessageTriggerEvent } from 'aws-lambda'
import { checkRedirect, parseAllowlist, type Allowlist } from '../../src/oauth/redirect.ts'
import { type Env, endpoint, optional } from './env.ts'
import { escapeHtml } from './html.ts'
import { type Kind, localeOf, render } from './messages.ts'

/** Cognito's limit on `emailMessage` (UTF-16 code units, as the API counts characters). */
export const MAX_EMAIL_MESSAGE = 20_000

const KINDS: Record<CustomMessageTriggerEvent['triggerSource'], Kind> = {
  CustomMessage_SignUp: 'confirm',
  CustomMessage_ResendCode: 'confirm',
  CustomMessage_ForgotPassword: 'reset',
  CustomMessage_UpdateUserAttribute: 'verify',
  CustomMessage_VerifyUserAttribute: 'verify',
  CustomMessage_AdminCreateUser: 'invite',
  CustomMessage_Authentication: 'mfa'
}

interface Settings { publicUrl: URL, allowlist: Allowlist }

export function settings (env: Env): Settings {
  const publicUrl = endpoint(env, 'PUBLIC_URL')
  const { entries, problems } = parseAllowlist(optional(env, 'REDIRECT_ALLOWLIST') ?? '')
  if (problems.length > 0) throw new Error(problems.join('; '))
  return { publicUrl, allowlist: entries }
}

export async function handler (event: CustomMessageTriggerEvent): Promise<CustomMessageTriggerEvent> {
  return customMessage(event, settings(process.env))
}

export function customMessage (event: CustomMessageTriggerEvent, { publicUrl, allowlist }: Settings): CustomMessageTriggerEvent {
  const kind = KINDS[event.triggerSource]
  if (kind === undefined) return event // a source added to Cognito later: its default message stands
  const metadata = event.request.clientMetadata ?? {}
  const locale = localeOf(metadata.bff_locale)
  // A hint from the browser, checked again here by the service's own rules: only an allowlisted target travels on.
  const checked = metadata.bff_redirect === undefined ? undefined : checkRedirect(metadata.bff_redirect, allowlist)
  const redirect = checked?.ok === true ? checked.location : undefined
  const code = event.request.codeParameter
  const build = (withRedirect: string | undefined): ReturnType<typeof render> => render(locale, kind, {
    code,
    usernamePlaceholder: event.request.usernameParameter ?? '',
    name: escapeHtml(event.userName),
    link: escapeHtml(link(kind, publicUrl, event.userName, code, withRedirect))
  })
  let message = build(redirect)
  // A long (allowlisted) target could push the e-mail past Cognito's limit: the link then goes without it.
  if (message.html.length > MAX_EMAIL_MESSAGE) message = build(undefined)
  if (message.html.length > MAX_EMAIL_MESSAGE) throw new Error(`the ${kind} e-mail is over ${MAX_EMAIL_MESSAGE} characters`)
  event.response.emailSubject = message.subject
  event.response.emailMessage = message.html
  event.response.smsMessage = message.sms
  return event
}

/**
 * The page a message opens. The code is Cognito's placeholder, appended verbatim (encoding its braces would hide
 * it from Cognito's substitution); the code it becomes is digits, safe in a query.
 */
export function link (kind: Kind, publicUrl: URL, username: string, code: string, redirect: string | undefined): string {
  const page = (path: string, fields: Record<string, string | undefined>): string => {
    const query = Object.entries(fields)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    return `${new URL(path, publicUrl).href}?${[...query, `code=${code}`].join('&')}`
  }
  switch (kind) {
    case 'confirm': return page('/auth/signup/confirm', { username, redirect })
    case 'reset': return page('/auth/password/reset', { username, redirect })
    // No page of the service verifies an attribute from a link yet (it needs the signed-in session): the code is typed
    // in the app, which sends it to POST /me/attributes/verify.
    case 'verify': return ''
    // The temporary password never goes in a URL: the invitation links to the app (or the service) to sign in.
    case 'invite': return redirect ?? new URL('/', publicUrl).href
    case 'mfa': return ''
  }
}
