/**
 * The custom-message trigger's words, per language: English (the default) and French. Each template gets
 * values already made safe (HTML-escaped text, finished links) and Cognito's placeholders, which it must
 * keep verbatim (Cognito substitutes them after the trigger returns).
 */

export type Locale = 'en' | 'fr'

/** What a template may use; `link` and the names are HTML-escaped already. */
export interface MessageParts {
  /** Cognito's code placeholder (`{####}`): the code, or the temporary password of an invitation. */
  code: string
  /** Cognito's username placeholder (`{username}`), invitations only. */
  usernamePlaceholder: string
  /** The account's name, HTML-escaped. */
  name: string
  /** The page to open, HTML-escaped for an attribute and for text. */
  link: string
}

export interface Message { subject: string, html: string, sms: string }

export type Kind = 'confirm' | 'reset' | 'verify' | 'invite' | 'mfa'

type Templates = Record<Kind, (parts: MessageParts) => Message>

const BUTTON_STYLE = 'display:inline-block;padding:10px 18px;background:#1f4fd1;color:#fff;text-decoration:none;border-radius:4px'

const button = (link: string, label: string): string =>
  `<p><a href="${link}" style="${BUTTON_STYLE}">${label}</a></p>` +
  `<p style="font-size:13px;color:#555">${link}</p>`

const page = (lang: Locale, body: string): string =>
  `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5">${body}</body></html>`

const en: Templates = {
  confirm: ({ code, name, link }) => ({
    subject: 'Confirm your account',
    html: page('en', `<p>Hello ${name},</p><p>Confirm your account by opening this link:</p>${button(link, 'Confirm my account')}` +
      `<p>Or enter this code: <strong>${code}</strong></p><p>If you did not sign up, ignore this e-mail.</p>`),
    sms: `Your confirmation code is ${code}`
  }),
  reset: ({ code, name, link }) => ({
    subject: 'Reset your password',
    html: page('en', `<p>Hello ${name},</p><p>Someone asked to reset your password. Choose a new one here:</p>` +
      `${button(link, 'Choose a new password')}` +
      `<p>Or enter this code: <strong>${code}</strong></p><p>If it was not you, ignore this e-mail: your password stays as it is.</p>`),
    sms: `Your password reset code is ${code}`
  }),
  verify: ({ code, name }) => ({
    subject: 'Verify your e-mail address',
    html: page('en', `<p>Hello ${name},</p><p>To verify this e-mail address for your account, enter this code in the app: ` +
      `<strong>${code}</strong></p>`),
    sms: `Your verification code is ${code}`
  }),
  invite: ({ code, usernamePlaceholder, link }) => ({
    subject: 'Your new account',
    html: page('en', `<p>An account was created for you.</p><p>Username: <strong>${usernamePlaceholder}</strong><br>` +
      `Temporary password: <strong>${code}</strong></p><p>Sign in and choose your own password:</p>${button(link, 'Sign in')}`),
    sms: `Username ${usernamePlaceholder}, temporary password ${code}`
  }),
  mfa: ({ code }) => ({
    subject: 'Your sign-in code',
    html: page('en', `<p>Your sign-in code is <strong>${code}</strong>.</p><p>If you are not signing in, change your password.</p>`),
    sms: `Your sign-in code is ${code}`
  })
}

const fr: Templates = {
  confirm: ({ code, name, link }) => ({
    subject: 'Confirmez votre compte',
    html: page('fr', `<p>Bonjour ${name},</p><p>Confirmez votre compte en ouvrant ce lien :</p>${button(link, 'Confirmer mon compte')}` +
      `<p>Ou saisissez ce code : <strong>${code}</strong></p><p>Si vous ne vous êtes pas inscrit, ignorez ce message.</p>`),
    sms: `Votre code de confirmation : ${code}`
  }),
  reset: ({ code, name, link }) => ({
    subject: 'Réinitialisez votre mot de passe',
    html: page('fr', `<p>Bonjour ${name},</p><p>Une réinitialisation de votre mot de passe a été demandée. Choisissez-en un nouveau ici :</p>` +
      `${button(link, 'Choisir un nouveau mot de passe')}<p>Ou saisissez ce code : <strong>${code}</strong></p>` +
      '<p>Si ce n\'était pas vous, ignorez ce message : votre mot de passe ne change pas.</p>'),
    sms: `Votre code de réinitialisation : ${code}`
  }),
  verify: ({ code, name }) => ({
    subject: 'Vérifiez votre adresse e-mail',
    html: page('fr', `<p>Bonjour ${name},</p><p>Pour vérifier cette adresse e-mail, saisissez ce code dans l'application : ` +
      `<strong>${code}</strong></p>`),
    sms: `Votre code de vérification : ${code}`
  }),
  invite: ({ code, usernamePlaceholder, link }) => ({
    subject: 'Votre nouveau compte',
    html: page('fr', `<p>Un compte a été créé pour vous.</p><p>Identifiant : <strong>${usernamePlaceholder}</strong><br>` +
      `Mot de passe temporaire : <strong>${code}</strong></p><p>Connectez-vous et choisissez votre mot de passe :</p>` +
      `${button(link, 'Se connecter')}`),
    sms: `Identifiant ${usernamePlaceholder}, mot de passe temporaire ${code}`
  }),
  mfa: ({ code }) => ({
    subject: 'Votre code de connexion',
    html: page('fr', `<p>Votre code de connexion est <strong>${code}</strong>.</p>` +
      '<p>Si vous n\'êtes pas en train de vous connecter, changez votre mot de passe.</p>'),
    sms: `Votre code de connexion : ${code}`
  })
}

const TEMPLATES: Record<Locale, Templates> = { en, fr }

/** The language of a `bff_locale` tag ("fr", "fr-CA" → French); anything else, or none, is English. */
export function localeOf (tag: string | undefined): Locale {
  return tag !== undefined && /^fr(?:-|$)/i.test(tag) ? 'fr' : 'en'
}

export function render (locale: Locale, kind: Kind, parts: MessageParts): Message {
  return TEMPLATES[locale][kind](parts)
}
