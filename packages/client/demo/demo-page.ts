/**
 * The local demo page's script (src/routes/local/demo-page.ts serves it, bundled with the client, as an inline ES
 * module): every flow it shows goes through @cognito-bff/client, on the service's own origin with its cookies.
 */
import { createClient, hostedLoginUrl, hostedLogoutUrl, signIn, signOut, type SignInStep } from '../src/index.js'

const client = createClient()
const { api } = client
const element = (id: string) => document.getElementById(id) as HTMLElement
const out = element('out')
const who = element('who')

interface Shown { status: number, body: unknown }
const shown = async (call: Promise<{ data?: unknown, error?: unknown, response: Response }>): Promise<Shown> => {
  const { data, error, response } = await call
  return { status: response.status, body: data ?? error ?? null }
}
function show (label: string, result: Shown) { out.textContent = label + ': ' + result.status + '\n' + JSON.stringify(result.body, null, 2) }

async function whoAmI (): Promise<Shown> {
  const me = await shown(api.GET('/me'))
  who.textContent = me.status === 200 ? 'Signed in as ' + (me.body as { username: string }).username : 'Not signed in'
  return me
}

async function showMail (username: string) {
  const mail = element('mail')
  const messages = await api.GET('/local/messages', { params: { query: { username } } })
  const message = messages.data?.[0]
  // The link read from the HTML as text: parsed (DOMParser), the e-mail's inline styles would break the page's CSP.
  const raw = /<a [^>]*href="([^"]+)"/.exec(message?.html ?? '')?.[1]?.replace(/&amp;/g, '&')
  mail.replaceChildren()
  if (!message || !raw || new URL(raw, location.href).origin !== location.origin) return
  const link = document.createElement('a')
  link.href = new URL(raw, location.href).href
  link.textContent = 'open its link'
  mail.append('E-mail sent: ' + message.subject + ' (code ' + message.code + '): ', link)
}

/** A sign-in step as the page shows it: the service's answer, with the step the client made of it. */
async function login (username: string, password: string): Promise<Shown> {
  try {
    const step: SignInStep = await signIn(client, { username, password })
    return { status: 200, body: step }
  } catch (error) {
    const problem = error as { status?: number, problem?: unknown }
    return { status: problem.status ?? 0, body: problem.problem ?? String(error) }
  }
}

type Fields = Record<string, string>
const actions: Record<string, (f: Fields) => Promise<Shown>> = {
  signup: f => shown(api.POST('/auth/signup', { body: { username: f.username!, email: f.email, password: f.password! } })),
  confirm: f => shown(api.POST('/auth/signup/confirm', { body: { username: f.username!, code: f.code! } })),
  login: f => login(f.username!, f.password!)
}
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-action]')) {
  form.addEventListener('submit', async event => {
    event.preventDefault()
    const action = form.dataset.action!
    const fields = Object.fromEntries(new FormData(form)) as Fields
    const result = await actions[action]!(fields)
    show(action, result)
    if (action === 'signup' && result.status === 201) await showMail(fields.username!)
    await whoAmI()
  })
}
element('hosted-login').setAttribute('href', hostedLoginUrl(client, { redirect: '/local/demo' }))
element('hosted-logout').setAttribute('href', hostedLogoutUrl(client, { redirect: '/local/demo' }))
element('me').addEventListener('click', async () => show('GET /me', await whoAmI()))
element('logout').addEventListener('click', async () => {
  const result = await shown(api.POST('/auth/logout', { body: {} }))
  if (result.status < 300) await signOut(client).catch(() => undefined)
  show('logout', result)
  await whoAmI()
})
whoAmI()

// The admin view: signed in as the demo admin, find a user, see their groups and sessions, disable, enable, reset MFA.
const adminOut = element('admin-out')
let chosen = ''
async function showUser (username: string) {
  const user = await api.GET('/admin/users/{username}', { params: { path: { username } } })
  if (!user.data) { adminOut.textContent = 'user: ' + user.response.status + ' ' + (user.error as { code?: string } | undefined)?.code; return }
  chosen = user.data.username
  element('admin-user').textContent = chosen + (user.data.enabled ? ' (enabled)' : ' (disabled)') +
    ', MFA: ' + (user.data.mfa.enabled.join(', ') || 'none')
  element('admin-groups').textContent = 'Groups: ' + (user.data.groups.join(', ') || 'none')
  element('admin-actions').hidden = false
  const sessions = await api.GET('/admin/users/{username}/sessions', { params: { path: { username } } })
  const list = element('admin-sessions')
  list.textContent = sessions.data
    ? 'Sessions: ' + (sessions.data.sessions.map(s => s.sessionId).join(', ') || 'none')
    : 'Sessions: ' + (sessions.error as { code?: string } | undefined)?.code
  list.hidden = false
}
element('admin-find').addEventListener('submit', async event => {
  event.preventDefault()
  const prefix = String(new FormData(event.target as HTMLFormElement).get('username'))
  const found = await api.GET('/admin/users', { params: { query: { filter: 'username ^= "' + prefix + '"' } } })
  adminOut.textContent = 'find: ' + found.response.status
  const list = element('admin-results')
  list.replaceChildren()
  for (const user of found.data?.users ?? []) {
    const button = document.createElement('button')
    button.type = 'button'
    button.textContent = user.username
    button.addEventListener('click', () => showUser(user.username))
    list.append(button)
  }
})
const ADMIN_ACTIONS = {
  disable: '/admin/users/{username}/disable',
  enable: '/admin/users/{username}/enable',
  'mfa/reset': '/admin/users/{username}/mfa/reset'
} as const
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-admin]')) {
  button.addEventListener('click', async () => {
    const action = button.dataset.admin as keyof typeof ADMIN_ACTIONS
    const result = await shown(api.POST(ADMIN_ACTIONS[action], { params: { path: { username: chosen } } }))
    adminOut.textContent = action + ': ' + result.status + ' ' + JSON.stringify(result.body)
    await showUser(chosen)
  })
}
