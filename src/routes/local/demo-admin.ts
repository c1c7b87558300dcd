/**
 * The demo page's admin view: signed in as the demo admin (local mode seeds
 * one, in ADMIN_GROUP), find a user, see their groups and status, disable or
 * enable them, reset their MFA. Real forms over the same /admin API, with the
 * page's own cookies, and their sessions (#admin-sessions). The script is the
 * demo's module (packages/client/demo/demo-page.ts), through the typed client.
 */
export const ADMIN_VIEW = '<h2>Admin</h2><p>Sign in as the demo admin (see the start-up banner) to use this.</p>' +
  '<form id="admin-find"><input name="username" placeholder="username starts with" required> <button>Find</button></form>' +
  '<p id="admin-results"></p><p id="admin-user"></p><p id="admin-groups"></p><p id="admin-sessions" hidden></p>' +
  '<p id="admin-actions" hidden><button type="button" data-admin="disable">Disable</button> ' +
  '<button type="button" data-admin="enable">Enable</button> <button type="button" data-admin="mfa/reset">Reset MFA</button></p>' +
  '<pre id="admin-out"></pre>'
