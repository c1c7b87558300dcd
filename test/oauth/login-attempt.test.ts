/**
 * Hosted-UI login attempts without HTTP: the state's shape, PKCE, and the
 * sealed per-attempt cookie from start to take (round trip, tampering,
 * another key, another redirect, expiry, the few a browser may keep).
 */
import t from 'tap'
import type { Config } from '../../src/config/index.js'
import {
  codeChallenge, createLoginCookies, LOGIN_ATTEMPT_SECONDS, newLoginAttempt, splitState, stateOf, type LoginAttempt
} from '../../src/oauth/login-attempt.js'
import type { CookieChange } from '../../src/session/cookies.js'
import { createSealer } from '../../src/session/seal.js'

const KEY = 'login-attempt-test-key-of-32-chars!'
const http: Pick<Config, 'cookies'> = { cookies: { secure: false, sameSite: 'lax', secrets: [KEY] } }
const logins = createLoginCookies(http, createSealer([KEY]))
const START = 1_800_000_000_000
const LIFETIME_MS = LOGIN_ATTEMPT_SECONDS * 1000

/** What a browser sends back after these changes. */
function jar (changes: readonly CookieChange[], before: Record<string, string> = {}): Record<string, string> {
  const cookies = { ...before }
  for (const { name, value } of changes) {
    if (value === null) delete cookies[name]
    else cookies[name] = value
  }
  return cookies
}

function started (redirect = 'https://app.example.com/after?x=a_b'): { attempt: LoginAttempt, cookies: Record<string, string> } {
  const attempt = newLoginAttempt(redirect)
  return { attempt, cookies: jar(logins.start(attempt, {}, START)) }
}

t.test('the state is <nonce>_<redirect>, split at the first underscore', async t => {
  const attempt = newLoginAttempt('https://app.example.com/a_b?c=d_e')
  t.match(attempt.nonce, /^[0-9a-f]{32}$/)
  t.same(splitState(stateOf(attempt)), { nonce: attempt.nonce, redirect: 'https://app.example.com/a_b?c=d_e' })
  const cases: Array<[string, ReturnType<typeof splitState>]> = [
    ['no-underscore', undefined],
    [`${attempt.nonce}_`, undefined],
    ['short_/x', undefined],
    ['a/b/c/d/e_/x', undefined],
    ['cms-made.nonce~1_/x', { nonce: 'cms-made.nonce~1', redirect: '/x' }]
  ]
  for (const [state, expected] of cases) t.same(splitState(state), expected, JSON.stringify(state))
})

t.test('PKCE S256: the RFC 7636 appendix B example', async t => {
  t.equal(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
})

t.test('start: one sealed, httpOnly cookie per attempt on /oauth, for the attempt\'s lifetime', async t => {
  const attempt = newLoginAttempt('https://app.example.com/')
  const [change, ...more] = logins.start(attempt, {}, START)
  t.same(more, [], 'nothing to clear in an empty jar')
  t.match(change, {
    name: `bff_oauth_${attempt.nonce}`,
    options: { httpOnly: true, secure: false, sameSite: 'lax', path: '/oauth', maxAge: LOGIN_ATTEMPT_SECONDS }
  })
  t.notMatch(change?.value, attempt.codeVerifier, 'sealed: the PKCE verifier does not show')
  t.notMatch(change?.value, 'app.example.com', 'the redirect is not in the cookie')

  const https = createLoginCookies({ cookies: { secure: true, sameSite: 'strict', secrets: [KEY] } }, createSealer([KEY]))
  t.match(https.start(attempt, {}, START)[0], {
    name: `__Secure-bff_oauth_${attempt.nonce}`,
    options: { secure: true, sameSite: 'lax' }
  }, 'over https: the __Secure- prefix; Lax even when sessions are Strict (the callback is a cross-site navigation)')
})

t.test('take: the attempt back, within its lifetime, and its cookie cleared; every other case refused', async t => {
  const { attempt, cookies } = started()
  const name = `bff_oauth_${attempt.nonce}`
  const state = { nonce: attempt.nonce, redirect: attempt.redirect }
  const flipped = (value: string) => `${value.slice(0, -3)}${value.at(-3) === 'A' ? 'B' : 'A'}${value.slice(-2)}`
  const otherKey = createLoginCookies(http, createSealer(['another-key-of-at-least-32-chars!!'])).take
  const other = started()
  const othersCookie = other.cookies[`bff_oauth_${other.attempt.nonce}`]!

  const cases: Array<[string, () => ReturnType<typeof logins.take>, LoginAttempt | 'tampered' | 'expired' | undefined]> = [
    ['the same browser, at once', () => logins.take(cookies, state, START), attempt],
    ['the last millisecond of its lifetime', () => logins.take(cookies, state, START + LIFETIME_MS - 1), attempt],
    ['at the end of its lifetime (the cookie\'s Max-Age)', () => logins.take(cookies, state, START + LIFETIME_MS), 'expired'],
    ['a day later (a client that ignored Max-Age)', () => logins.take(cookies, state, START + 24 * 3600_000), 'expired'],
    ['a tampered cookie', () => logins.take({ [name]: flipped(cookies[name]!) }, state, START), 'tampered'],
    ['sealed with another key', () => otherKey(cookies, state, START), 'tampered'],
    ['the nonce with another redirect', () => logins.take(cookies, { ...state, redirect: 'https://app.example.com/elsewhere' }, START), 'tampered'],
    ['another attempt\'s cookie under this nonce', () => logins.take({ [name]: othersCookie }, state, START), 'tampered'],
    ['no cookie (never started here, or dropped)', () => logins.take({}, state, START), undefined],
    ['a nonce not of ours (a CMS\'s own state)', () => logins.take(cookies, { ...state, nonce: 'cms-made.nonce' }, START), undefined]
  ]
  t.equal(cases.length, 10)
  for (const [label, take, expected] of cases) {
    const taken = take()
    t.same(taken.attempt, expected, label)
    const clears = expected !== undefined
    t.same(taken.cookies.map(c => [c.name, c.value]), clears ? [[name, null]] : [], `${label}: ${clears ? 'its cookie cleared' : 'nothing to clear'}`)
  }
})

t.test('a browser keeps the newest few attempts: starting another clears the oldest', async t => {
  let cookies: Record<string, string> = {}
  const nonces: string[] = []
  for (let i = 0; i < 5; i++) {
    const attempt = newLoginAttempt(`https://app.example.com/${i}`)
    nonces.push(attempt.nonce)
    cookies = jar(logins.start(attempt, cookies, START + i * 1000), cookies)
  }
  t.same(Object.keys(cookies).sort(), nonces.slice(2).map(n => `bff_oauth_${n}`).sort(), 'the three newest remain')
  t.same(jar(logins.start(newLoginAttempt('/x'), { unrelated: 'cookie', ...cookies }, START + 9000), { unrelated: 'cookie' }).unrelated, 'cookie',
    'other cookies are not touched')
})
