/**
 * Local mode's demo page: a person can sign up, confirm, sign in with the
 * form or through the hosted UI, see /me and sign out, all on the BFF's own
 * origin with its httpOnly cookies (the page script never sees a token).
 * After a sign-up it shows the e-mail local mode's custom-message trigger wrote
 * (from /local/messages), with its link to the confirm page.
 * Its script is the typed client's own (packages/client/demo/demo-page.ts,
 * bundled with @cognito-bff/client: src/local/demo-bundle.ts), an inline ES
 * module allowed by its hash in the page's CSP, nothing else.
 */
import { createHash } from 'node:crypto'
import { escapeHtml } from '../html.js'
import { ADMIN_VIEW } from './demo-admin.js'

const hash = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`

/** The page may call the API on its own origin and run its one module script, nothing else. */
export const demoCsp = (script: string): string => `default-src 'none'; script-src ${hash(script)}; connect-src 'self'; ` +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/** `script`: the bundled module (src/local/demo-bundle.ts). */
export function demoPage (line: string, script: string): string {
  return '<!doctype html><html lang="en"><meta charset="utf-8"><title>cognito-bff local</title>' +
    `<body><h1>cognito-bff</h1><p id="status">${escapeHtml(line)}</p><p id="who">…</p>` +
    '<h2>Sign up</h2><form data-action="signup"><input name="username" placeholder="username" required> ' +
    '<input name="email" type="email" placeholder="e-mail" required> <input name="password" type="password" placeholder="password" required> ' +
    '<button>Sign up</button></form><p id="mail"></p>' +
    '<h2>Confirm</h2><form data-action="confirm"><input name="username" placeholder="username" required> ' +
    '<input name="code" placeholder="code from /local/messages" required> <button>Confirm</button></form>' +
    '<h2>Sign in</h2><form data-action="login"><input name="username" placeholder="username" required> ' +
    '<input name="password" type="password" placeholder="password" required> <button>Sign in</button></form>' +
    '<p><a id="hosted-login" href="/oauth/login?redirect=%2Flocal%2Fdemo">Sign in with the hosted UI</a></p>' +
    '<p><button id="me">Show /me</button> <button id="logout">Sign out</button> ' +
    '<a id="hosted-logout" href="/oauth/logout?redirect=%2Flocal%2Fdemo">Sign out here and at the hosted UI</a></p>' +
    '<pre id="out"></pre>' +
    '<p>API reference: <a href="/docs">/docs</a>. Codes Cognito would have sent: <a href="/local/messages">/local/messages</a>.</p>' +
    ADMIN_VIEW +
    `<script type="module">${script}</script></body></html>`
}
