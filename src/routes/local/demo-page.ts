/**
 * Local mode's demo page: a person can sign up, confirm, sign in with the
 * form or through the hosted UI, see /me and sign out, all on the BFF's own
 * origin with its httpOnly cookies (the page script never sees a token).
 * After a sign-up it shows the e-mail local mode's custom-message trigger wrote
 * (from /local/messages), with its link to the confirm page.
 * The script is inline and allowed by its hash in the page's CSP, nothing else.
 */
import { createHash } from 'node:crypto'
import { escapeHtml } from '../html.js'
import { ADMIN_SCRIPT, ADMIN_VIEW } from './demo-admin.js'

const SCRIPT = `
const out = document.getElementById('out')
const who = document.getElementById('who')
async function call (method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} }
  if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body) }
  const response = await fetch(path, init)
  const text = await response.text()
  return { status: response.status, body: text === '' ? null : JSON.parse(text) }
}
function show (label, result) { out.textContent = label + ': ' + result.status + '\\n' + JSON.stringify(result.body, null, 2) }
async function whoAmI () {
  const me = await call('GET', '/me')
  who.textContent = me.status === 200 ? 'Signed in as ' + me.body.username : 'Not signed in'
  return me
}
function fields (form) { return Object.fromEntries(new FormData(form)) }
async function showMail (username) {
  const mail = document.getElementById('mail')
  const messages = await call('GET', '/local/messages?username=' + encodeURIComponent(username))
  const message = messages.status === 200 ? messages.body[0] : undefined
  // The e-mail's first link, read as text: parsing the e-mail as HTML here would apply its inline styles, which the page's CSP refuses.
  const found = message && message.html ? /href="([^"]*)"/.exec(message.html) : null
  mail.replaceChildren()
  if (!found) return
  const text = found[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  const href = new URL(text, location.href)
  if (href.origin !== location.origin) return
  const link = document.createElement('a')
  link.href = href.href
  link.textContent = 'open its link'
  mail.append('E-mail sent: ' + message.subject + ' (code ' + message.code + '): ', link)
}
const actions = {
  signup: f => call('POST', '/auth/signup', { username: f.username, email: f.email, password: f.password }),
  confirm: f => call('POST', '/auth/signup/confirm', { username: f.username, code: f.code }),
  login: f => call('POST', '/auth/login', { username: f.username, password: f.password })
}
for (const form of document.querySelectorAll('form[data-action]')) {
  form.addEventListener('submit', async event => {
    event.preventDefault()
    const result = await actions[form.dataset.action](fields(form))
    show(form.dataset.action, result)
    if (form.dataset.action === 'signup' && result.status === 201) await showMail(fields(form).username)
    await whoAmI()
  })
}
document.getElementById('me').addEventListener('click', async () => show('GET /me', await whoAmI()))
document.getElementById('logout').addEventListener('click', async () => { show('logout', await call('POST', '/auth/logout')); await whoAmI() })
whoAmI()
`

const hash = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`

/** The page may call the API on its own origin and run its two scripts, nothing else. */
export const DEMO_CSP = `default-src 'none'; script-src ${hash(SCRIPT)} ${hash(ADMIN_SCRIPT)}; connect-src 'self'; ` +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

export function demoPage (line: string): string {
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
    `<script>${SCRIPT}</script><script>${ADMIN_SCRIPT}</script></body></html>`
}
