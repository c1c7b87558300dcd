/** Who is an admin (plugins/admin-guard.ts), and the admin settings' validation (config/): tables of explicit cases. */
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/index.js'
import { isAdmin, type AdminSettings } from '../../src/plugins/admin-guard.js'
import type { VerifiedToken } from '../../src/verify/verifier.js'

const settings: AdminSettings = { enabled: true, group: 'admins', scopes: ['bff/admin'], clientIds: ['svc'], revokeOnGroupChange: true }

function token (fields: Partial<VerifiedToken>): VerifiedToken {
  const identity = { sub: 's', username: 'u', tokenUse: 'access' as const, clientId: 'spa', exp: 0, iat: 0 }
  return { ...identity, groups: [], scope: [], revocationIds: [], claims: {}, claimsJson: '{}', ...fields }
}

t.test('isAdmin', async t => {
  const cases: Array<[string, Partial<VerifiedToken>, boolean]> = [
    ['a member of the admin group', { groups: ['editors', 'admins'] }, true],
    ['a member of other groups only', { groups: ['editors'] }, false],
    ['a group whose name only contains the admin group\'s', { groups: ['admins-old', 'superadmins'] }, false],
    ['an ID token of an admin', { groups: ['admins'], tokenUse: 'id' }, false],
    ['an admin client with an admin scope', { clientId: 'svc', scope: ['bff/read', 'bff/admin'] }, true],
    ['an admin client without one', { clientId: 'svc', scope: ['bff/read'] }, false],
    ['the admin scope from another client', { clientId: 'spa', scope: ['bff/admin'] }, false],
    ['nobody special', {}, false]
  ]
  for (const [what, fields, expected] of cases) t.equal(isAdmin(token(fields), settings), expected, what)
})

t.test('the admin settings from the environment', async t => {
  const base = { LOG_LEVEL: 'silent' }
  t.match(loadConfig(base).admin, { group: 'admins', scopes: [], clientIds: [], revokeOnGroupChange: true }, 'the defaults')
  const set = loadConfig({
    ...base, ADMIN_GROUP: 'ops', ADMIN_SCOPES: 'bff/admin bff/root', ADMIN_CLIENT_IDS: 'svc1,svc2', REVOKE_ON_GROUP_CHANGE: 'false'
  })
  t.same(set.admin, { enabled: true, group: 'ops', scopes: ['bff/admin', 'bff/root'], clientIds: ['svc1', 'svc2'], revokeOnGroupChange: false })
  t.same(set.tokens.otherClientIds, ['svc1', 'svc2'], 'admin clients\' tokens are verified like other accepted clients\'')
  t.throws(() => loadConfig({ ...base, ADMIN_SCOPES: 'bff/admin' }), ConfigError, 'a scope without the clients that may carry it')
  t.throws(() => loadConfig({ ...base, ADMIN_CLIENT_IDS: 'svc' }), ConfigError, 'clients without a scope')
  t.throws(() => loadConfig({ ...base, ADMIN_GROUP: 'two words' }), ConfigError)
})
