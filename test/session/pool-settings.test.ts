import t from 'tap'
import { ASSUMED, notWritable, readableOnly, settingsFrom } from '../../src/session/pool-settings.js'

t.test('an unread pool: the values the service always assumed', async t => {
  t.same(settingsFrom(undefined), ASSUMED)
  t.match(ASSUMED, {
    challengeLifetimeMs: 180_000, refreshLifetimeSeconds: 2_592_000, longestTokenSeconds: 86_400, revocation: true, mfaRequired: false
  })
})

t.test('a client with nothing set: Cognito\'s defaults (3 min, 30 days, 1 h tokens, revocation on, every attribute)', async t => {
  t.same(settingsFrom({ pool: {}, client: {}, mfa: {} }), {
    challengeLifetimeMs: 180_000,
    refreshLifetimeSeconds: 2_592_000,
    longestTokenSeconds: 3600,
    revocation: true,
    mfaRequired: false,
    readable: undefined,
    writable: undefined,
    signOutUrls: []
  })
})

t.test('each setting, with its units', async t => {
  const settings = settingsFrom({
    pool: {},
    client: {
      AuthSessionValidity: 10,
      RefreshTokenValidity: 12,
      AccessTokenValidity: 90,
      IdTokenValidity: 2,
      TokenValidityUnits: { RefreshToken: 'hours', AccessToken: 'minutes', IdToken: 'hours' },
      EnableTokenRevocation: false,
      ReadAttributes: ['email', 'name'],
      WriteAttributes: [],
      LogoutURLs: ['https://app.example.com/']
    },
    mfa: { MfaConfiguration: 'ON' }
  })
  t.equal(settings.challengeLifetimeMs, 600_000)
  t.equal(settings.refreshLifetimeSeconds, 12 * 3600, 'refresh validity in hours')
  t.equal(settings.longestTokenSeconds, 7200, 'the ID token (2 h) outlives the access token (90 min)')
  t.equal(settings.revocation, false)
  t.equal(settings.mfaRequired, true)
  t.same([...settings.readable ?? []], ['email', 'name'])
  t.equal(settings.writable, undefined, 'an empty list is every attribute')
  t.same(settings.signOutUrls, ['https://app.example.com/'])
  t.equal(settingsFrom({ pool: {}, client: { RefreshTokenValidity: 2 }, mfa: {} }).refreshLifetimeSeconds, 172_800, 'days by default')
  t.equal(settingsFrom({ pool: {}, client: { AccessTokenValidity: 5 }, mfa: {} }).longestTokenSeconds, 18_000, 'hours by default')
  t.equal(settingsFrom({ pool: {}, client: {}, mfa: { MfaConfiguration: 'OPTIONAL' } }).mfaRequired, false)
})

t.test('readable and writable attributes', async t => {
  const settings = settingsFrom({ pool: {}, client: { ReadAttributes: ['email'], WriteAttributes: ['email', 'custom:team'] }, mfa: {} })
  t.same(readableOnly(settings, { sub: 's', email: 'a@example.com', name: 'A' }), { sub: 's', email: 'a@example.com' }, 'sub always')
  t.same(notWritable(settings, ['email', 'name', 'custom:team', 'custom:x']), ['name', 'custom:x'])
  t.same(readableOnly(ASSUMED, { name: 'A' }), { name: 'A' }, 'unread pool: all')
  t.same(notWritable(ASSUMED, ['name']), [])
})
