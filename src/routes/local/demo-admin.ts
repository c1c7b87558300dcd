/**
 * The demo page's admin view: signed in as the demo admin (local mode seeds
 * one, in ADMIN_GROUP), find a user, see their groups and status, disable or
 * enable them, reset their MFA. Real forms over the same /admin API, with the
 * page's own cookies. The sessions a user has would show in #admin-sessions
 * once /admin/users/{username}/sessions exists (issue 22, item 2).
 */
export const ADMIN_SCRIPT = `
const adminOut = document.getElementById('admin-out')
async function adminCall (method, path) {
  const response = await fetch(path, { method, credentials: 'same-origin' })
  const text = await response.text()
  return { status: response.status, body: text === '' ? null : JSON.parse(text) }
}
let chosen = null
async function showUser (username) {
  const user = await adminCall('GET', '/admin/users/' + encodeURIComponent(username))
  if (user.status !== 200) { adminOut.textContent = 'user: ' + user.status + ' ' + (user.body && user.body.code); return }
  chosen = user.body.username
  document.getElementById('admin-user').textContent = chosen + (user.body.enabled ? ' (enabled)' : ' (disabled)') +
    ', MFA: ' + (user.body.mfa.enabled.join(', ') || 'none')
  document.getElementById('admin-groups').textContent = 'Groups: ' + (user.body.groups.join(', ') || 'none')
  document.getElementById('admin-actions').hidden = false
}
document.getElementById('admin-find').addEventListener('submit', async event => {
  event.preventDefault()
  const prefix = new FormData(event.target).get('username')
  const found = await adminCall('GET', '/admin/users?filter=' + encodeURIComponent('username ^= "' + prefix + '"'))
  adminOut.textContent = 'find: ' + found.status
  const list = document.getElementById('admin-results')
  list.replaceChildren()
  for (const user of (found.status === 200 ? found.body.users : [])) {
    const button = document.createElement('button')
    button.type = 'button'
    button.textContent = user.username
    button.addEventListener('click', () => showUser(user.username))
    list.append(button)
  }
})
for (const button of document.querySelectorAll('button[data-admin]')) {
  button.addEventListener('click', async () => {
    const result = await adminCall('POST', '/admin/users/' + encodeURIComponent(chosen) + '/' + button.dataset.admin)
    adminOut.textContent = button.dataset.admin + ': ' + result.status + ' ' + JSON.stringify(result.body)
    await showUser(chosen)
  })
}
`

export const ADMIN_VIEW = '<h2>Admin</h2><p>Sign in as the demo admin (see the start-up banner) to use this.</p>' +
  '<form id="admin-find"><input name="username" placeholder="username starts with" required> <button>Find</button></form>' +
  '<p id="admin-results"></p><p id="admin-user"></p><p id="admin-groups"></p><p id="admin-sessions" hidden></p>' +
  '<p id="admin-actions" hidden><button type="button" data-admin="disable">Disable</button> ' +
  '<button type="button" data-admin="enable">Enable</button> <button type="button" data-admin="mfa/reset">Reset MFA</button></p>' +
  '<pre id="admin-out"></pre>'
