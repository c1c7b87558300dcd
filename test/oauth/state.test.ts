/**
 * The hosted-UI state, `<nonce>_<redirect>`: splitState takes apart what the
 * callback receives, stateOf puts together what /oauth/login sends. The nonce
 * is ours (32 hex) or a CMS's own (OAUTH_EXTERNAL_STATE: 8 to 128 of
 * [A-Za-z0-9.~-]); the redirect is everything after the FIRST underscore,
 * taken as received.
 */
import t from 'tap'
import { newLoginAttempt, splitState, stateOf } from '../../src/oauth/login-attempt.js'

const NONCE = '0123456789abcdef0123456789abcdef'
const APP = 'https://app.example.com/account'

t.test('splitState: states that split, and into what', async t => {
  const cases: Array<{ name: string, state: string, nonce: string, redirect: string }> = [
    { name: 'our nonce and a plain redirect', state: `${NONCE}_${APP}`, nonce: NONCE, redirect: APP },
    // Splitting at the last underscore would cut the redirect and move part of it into the nonce.
    {
      name: 'underscores in the redirect stay there (split at the first)',
      state: `${NONCE}_https://app.example.com/my_page?next=a_b#x_y`,
      nonce: NONCE,
      redirect: 'https://app.example.com/my_page?next=a_b#x_y'
    },
    { name: 'a redirect that is only an underscore', state: `${NONCE}__`, nonce: NONCE, redirect: '_' },
    // Never decoded again: decoding would turn %5F into a separator, or %2F into a path.
    {
      name: 'percent-escapes in the redirect are kept as received',
      state: `${NONCE}_https://app.example.com/caf%C3%A9%5Fx%2F..`,
      nonce: NONCE,
      redirect: 'https://app.example.com/caf%C3%A9%5Fx%2F..'
    },
    { name: 'unicode in the redirect is kept', state: `${NONCE}_https://app.example.com/café`, nonce: NONCE, redirect: 'https://app.example.com/café' },
    { name: 'a CMS nonce with . ~ -', state: 'cms.nonce~1-2_' + APP, nonce: 'cms.nonce~1-2', redirect: APP },
    { name: 'the shortest nonce (8)', state: `abcdefgh_${APP}`, nonce: 'abcdefgh', redirect: APP },
    { name: 'the longest nonce (128)', state: `${'a'.repeat(128)}_${APP}`, nonce: 'a'.repeat(128), redirect: APP },
    // The redirect is checked by the allowlist afterwards, not here.
    { name: 'a relative redirect is split as well', state: `${NONCE}_/account`, nonce: NONCE, redirect: '/account' }
  ]
  t.equal(cases.length, 9)
  for (const { name, state, nonce, redirect } of cases) t.same(splitState(state), { nonce, redirect }, name)
})

t.test('splitState: states refused (undefined)', async t => {
  const cases: Array<{ name: string, state: string }> = [
    { name: 'empty', state: '' },
    { name: 'no separator', state: NONCE + APP },
    { name: 'only a separator', state: '_' },
    { name: 'no nonce', state: `_${APP}` },
    { name: 'no redirect', state: `${NONCE}_` },
    // Wrong separators: - . ~ are nonce characters, so these are one long nonce with no underscore.
    { name: 'hyphen as separator', state: `${NONCE}-${APP}` },
    { name: 'dot as separator', state: `${NONCE}.${APP}` },
    { name: 'pipe as separator', state: `${NONCE}|${APP}` },
    { name: 'space as separator', state: `${NONCE} ${APP}` },
    { name: 'percent-encoded underscore as separator (never decoded)', state: `${NONCE}%5F${APP}` },
    { name: 'a nonce too short (7)', state: `abcdefg_${APP}` },
    { name: 'a nonce too long (129)', state: `${'a'.repeat(129)}_${APP}` },
    // The redirect first: its ":" and "/" are no nonce characters.
    { name: 'redirect and nonce swapped', state: `${APP}_${NONCE}` },
    { name: 'a nonce with a space', state: `0123456789 abcdef_${APP}` },
    { name: 'a nonce with a newline at its end', state: `${NONCE}\n_${APP}` },
    { name: 'a nonce with a slash', state: `0123456789/abcdef_${APP}` },
    { name: 'a nonce with a percent-escape', state: `0123456789%41bcdef_${APP}` },
    { name: 'a unicode nonce', state: `${'é'.repeat(16)}_${APP}` },
    { name: 'a nonce of fullwidth digits', state: `${'０'.repeat(16)}_${APP}` }
  ]
  t.equal(cases.length, 19)
  for (const { name, state } of cases) t.equal(splitState(state), undefined, name)
})

t.test('stateOf then splitState gives back the nonce and the redirect, underscores and all', async t => {
  const redirects = [APP, 'https://app.example.com/a_b_c?d=_e_', 'https://cms.example.com:8443/_/', '/relative_path']
  for (const redirect of redirects) {
    const attempt = newLoginAttempt(redirect)
    t.match(attempt.nonce, /^[0-9a-f]{32}$/, 'our nonce: 32 hex, so never an underscore')
    t.same(splitState(stateOf(attempt)), { nonce: attempt.nonce, redirect }, redirect)
  }
  t.equal(stateOf({ nonce: NONCE, redirect: APP }), `${NONCE}_${APP}`, 'the wire format')
})
