/**
 * Redirect targets after hosted-UI login: explicit cases per refusal reason, path prefixes,
 * relative targets against the first entry, the allowlist parser, and the committed
 * open-redirect corpus (test/fixtures/open-redirects.json) with invariants over every case.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import {
  checkRedirect, parseAllowlist, MAX_REDIRECT_LENGTH,
  type Allowlist, type RedirectCheck, type RedirectRefusal
} from '../../src/oauth/redirect.js'

const ALLOWLIST_TEXT = 'https://app.example.com,https://cms.example.com:8443'
const APP = 'https://app.example.com'
const CMS = 'https://cms.example.com:8443'

function allowlist (text: string): Allowlist {
  const { entries, problems } = parseAllowlist(text)
  if (problems.length > 0) throw new Error(problems.join('; '))
  return entries
}
const MAIN = allowlist(ALLOWLIST_TEXT)
const ORIGINS = new Set([APP, CMS])

/** Nothing a browser would strip, fold or reinterpret may reach a Location header. */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_LOCATION = /[\u0000-\u001f\u007f-\u009f\s\\]/u

/** A test name that TAP will not split or mangle: non-printable-ASCII written as \\u escapes, long inputs cut. */
function show (input: string): string {
  const cut = input.length > 80 ? input.slice(0, 80) + '...' : input
  return '"' + cut.replace(/[^\x21-\x7e]/gu, ch => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0')) + '"'
}
const describe = (check: RedirectCheck) => check.ok ? `allow ${check.location}` : `reject (${check.reason})`

type Row = [input: string, expected: RedirectRefusal | { location: string }]

const TABLE: Row[] = [
  // allowed, landing on the parsed, re-serialised URL
  ['/dashboard?x=a_b', { location: `${APP}/dashboard?x=a_b` }],
  ['/a_b/c_d?e_f=g_h#i_j', { location: `${APP}/a_b/c_d?e_f=g_h#i_j` }],
  ['/_', { location: `${APP}/_` }],
  ['/café', { location: `${APP}/caf%C3%A9` }],
  ['/%2F%2Fevil.example.net', { location: `${APP}/%2F%2Fevil.example.net` }],
  ['/%252f%252fevil.example.net', { location: `${APP}/%252f%252fevil.example.net` }],
  ['/%0d%0aSet-Cookie:x=y', { location: `${APP}/%0d%0aSet-Cookie:x=y` }],
  ['/%2e%2e/%2e%2e/evil', { location: `${APP}/evil` }],
  ['/.//evil.example.net', { location: `${APP}//evil.example.net` }],
  ['https://app.example.com/x', { location: `${APP}/x` }],
  ['https://app.example.com', { location: `${APP}/` }],
  ['HTTPS://APP.EXAMPLE.COM/Y', { location: `${APP}/Y` }],
  ['https://app.example.com:443/', { location: `${APP}/` }],
  ['https://cms.example.com:8443/page', { location: `${CMS}/page` }],
  ['https://ａｐｐ.example.com/', { location: `${APP}/` }],
  ['https://app.example.com#@evil.example.net', { location: `${APP}/#@evil.example.net` }],
  ['/' + 'a'.repeat(MAX_REDIRECT_LENGTH - 1), { location: `${APP}/${'a'.repeat(MAX_REDIRECT_LENGTH - 1)}` }],
  // empty / too-long
  ['', 'empty'],
  ['/' + 'a'.repeat(MAX_REDIRECT_LENGTH), 'too-long'],
  // illegal-character
  ['/\t/evil.example.net', 'illegal-character'],
  ['/\n/evil.example.net', 'illegal-character'],
  ['java\nscript:alert(1)', 'illegal-character'],
  ['/ /evil.example.net', 'illegal-character'],
  ['/\u00a0/evil.example.net', 'illegal-character'],
  ['/\u2028/evil.example.net', 'illegal-character'],
  ['/\u0085/evil.example.net', 'illegal-character'],
  ['/\u007f', 'illegal-character'],
  ['\\/evil.example.net', 'illegal-character'],
  ['https:\\\\evil.example.net', 'illegal-character'],
  ['https://evil.example.net\\@app.example.com', 'illegal-character'],
  ['https://app.example.com/\r\nSet-Cookie:x=y', 'illegal-character'],
  // protocol-relative
  ['//evil.example.net', 'protocol-relative'],
  ['///evil.example.net', 'protocol-relative'],
  ['////evil.example.net', 'protocol-relative'],
  ['/\\evil.example.net', 'protocol-relative'],
  ['//app.example.com/dashboard', 'protocol-relative'],
  ['//javascript:alert(1)', 'protocol-relative'],
  // not-a-url
  ['evil.example.net', 'not-a-url'],
  ['app.example.com', 'not-a-url'],
  ['./dashboard', 'not-a-url'],
  ['?x', 'not-a-url'],
  ['#x', 'not-a-url'],
  ['%2f%2fevil.example.net', 'not-a-url'],
  ['／／evil.example.net', 'not-a-url'],
  ['https://app.example.com:65536/', 'not-a-url'],
  ['https://app.example.com%40evil.example.net', 'not-a-url'],
  // scheme
  ['javascript:alert(1)', 'scheme'],
  ['JaVaScRiPt:alert(1)', 'scheme'],
  ['data:text/html,<script>alert(1)</script>', 'scheme'],
  ['vbscript:msgbox(1)', 'scheme'],
  ['file:///etc/passwd', 'scheme'],
  ['ftp://app.example.com/', 'scheme'],
  ['wss://app.example.com/', 'scheme'],
  // userinfo
  ['https://app.example.com@evil.example.net', 'userinfo'],
  ['https://app.example.com:443@evil.example.net', 'userinfo'],
  ['https://evil.example.net@app.example.com/', 'userinfo'],
  ['https://user:pass@cms.example.com:8443/', 'userinfo'],
  ['https://app.example.com%2f@evil.example.net', 'userinfo'],
  // origin-not-allowed
  ['https://app.example.com.evil.example.net', 'origin-not-allowed'],
  ['https://evilapp.example.com', 'origin-not-allowed'],
  ['https://app-example.com', 'origin-not-allowed'],
  ['https://app.example.co', 'origin-not-allowed'],
  ['https://app.example.com./', 'origin-not-allowed'],
  ['https://app.example.com:8443/', 'origin-not-allowed'],
  ['https://cms.example.com/', 'origin-not-allowed'],
  ['http://app.example.com/', 'origin-not-allowed'],
  ['https://аpp.example.com', 'origin-not-allowed'],
  ['https://evil.example.net%E3%80%82app.example.com', 'origin-not-allowed'],
  ['https://app.example.com%2eevil.example.net', 'origin-not-allowed'],
  ['http://2130706433/', 'origin-not-allowed'],
  ['http://0x7f.1/', 'origin-not-allowed'],
  ['http://[::1]/', 'origin-not-allowed'],
  ['https:evil.example.net', 'origin-not-allowed']
]

t.test('explicit cases: each refusal with its reason, each allowed target at its location', async t => {
  const reasons = new Set<string>()
  for (const [input, expected] of TABLE) {
    const got = checkRedirect(input, MAIN)
    const name = show(input)
    if (typeof expected === 'string') {
      reasons.add(expected)
      t.same(got, { ok: false, reason: expected }, `${name} is refused: ${expected}`)
    } else {
      t.same(got, { ok: true, location: expected.location }, `${name} lands on ${expected.location}`)
    }
  }
  t.same(checkRedirect('/dashboard', []), { ok: false, reason: 'no-allowlist' }, 'a relative target needs an allowlist to resolve against')
  t.equal(checkRedirect('https://app.example.com/', []).ok, false, 'nothing absolute is allowed by an empty allowlist')
  reasons.add('no-allowlist')
  t.same([...reasons].sort(), [
    'empty', 'illegal-character', 'no-allowlist', 'not-a-url', 'origin-not-allowed', 'protocol-relative', 'scheme', 'too-long', 'userinfo'
  ], 'every refusal reason except path-not-allowed (next test) is exercised')
})

t.test('path prefixes match on segment boundaries of the parsed pathname', async t => {
  for (const text of ['https://app.example.com/account/', 'https://app.example.com/account']) {
    const list = allowlist(text)
    t.same(list, [{ origin: APP, pathPrefix: text.slice(APP.length) }], `${text} parses`)
    for (const input of ['/account', '/account/', '/account/x', '/account/x/y?z=1#w', 'https://app.example.com/account/x', '/account/./x']) {
      t.ok(checkRedirect(input, list).ok, `${text}: ${show(input)} allowed`)
    }
    for (const input of [
      '/accounting', '/account-x', '/accountx/y', '/', '/admin', '/account/../admin', '/account/%2e%2e/admin', '/account/.%2E/admin',
      'https://app.example.com/accounting', 'https://app.example.com/account/../admin', '/Account/x', '/account%2fx', '/a/../accounting'
    ]) {
      t.same(checkRedirect(input, list), { ok: false, reason: 'path-not-allowed' }, `${text}: ${show(input)} refused`)
    }
    t.same(checkRedirect('https://evil.example.net/account/x', list), { ok: false, reason: 'origin-not-allowed' }, 'origin comes first')
  }
  t.same(checkRedirect('/account/%2e%2e/account/x', allowlist('https://app.example.com/account/')),
    { ok: true, location: `${APP}/account/x` }, 'judged after dot-segment removal, and lands on the normalised path')
  const two = allowlist('https://app.example.com/account/,https://app.example.com/billing')
  t.ok(checkRedirect('/billing/invoices', two).ok, 'any entry for the origin may allow the path')
  t.ok(checkRedirect('/account/x', two).ok)
  t.same(checkRedirect('/settings', two), { ok: false, reason: 'path-not-allowed' })
  t.ok(checkRedirect('/anything', allowlist('https://app.example.com/account/,https://app.example.com')).ok, 'a "/" entry allows every path')
})

t.test('relative targets resolve against the first entry only', async t => {
  const cmsFirst = allowlist('https://cms.example.com:8443,https://app.example.com')
  t.same(checkRedirect('/page', cmsFirst), { ok: true, location: `${CMS}/page` })
  t.same(checkRedirect('/page', MAIN), { ok: true, location: `${APP}/page` })
  const prefixedFirst = allowlist('https://app.example.com/account/,https://cms.example.com:8443')
  t.same(checkRedirect('/page', prefixedFirst), { ok: false, reason: 'path-not-allowed' }, 'not retried against the second entry')
  t.same(checkRedirect('/account/page', prefixedFirst), { ok: true, location: `${APP}/account/page` })
  t.same(checkRedirect('https://cms.example.com:8443/page', prefixedFirst), { ok: true, location: `${CMS}/page` }, 'absolute targets may use any entry')
  t.same(checkRedirect('/page', allowlist('https://app.example.com/account/')), { ok: false, reason: 'path-not-allowed' })
})

t.test('parseAllowlist: good entries', async t => {
  t.same(parseAllowlist(''), { entries: [], problems: [] })
  t.same(parseAllowlist('  , ,'), { entries: [], problems: [] }, 'blank entries are ignored')
  t.same(parseAllowlist(' https://app.example.com , https://cms.example.com:8443/editor/ ,http://localhost:5173 '), {
    entries: [
      { origin: APP, pathPrefix: '/' },
      { origin: CMS, pathPrefix: '/editor/' },
      { origin: 'http://localhost:5173', pathPrefix: '/' }
    ],
    problems: []
  })
  t.same(parseAllowlist('HTTPS://APP.EXAMPLE.COM:443/'), { entries: [{ origin: APP, pathPrefix: '/' }], problems: [] }, 'normalised like any URL')
  t.same(parseAllowlist('https://app.example.com/café/').entries, [{ origin: APP, pathPrefix: '/caf%C3%A9/' }],
    'the prefix is compared in its parsed (encoded) form')
  t.ok(checkRedirect('/café/x', allowlist('https://app.example.com/café/')).ok, 'an encoded prefix matches the encoded target path')
})

t.test('parseAllowlist: every bad entry is a problem naming it, good entries still parse', async t => {
  const bad = [
    'ftp://x', 'app.example.com', '/account', '*.example.com', 'https://', 'javascript:alert(1)', 'https://user:pass@app.example.com',
    'https://user@app.example.com', 'https://app.example.com/?next=1', 'https://app.example.com/?', 'https://app.example.com/#top',
    'https://app.example.com:99999', 'data:text/html;x'
  ]
  for (const entry of bad) {
    const { entries, problems } = parseAllowlist(`https://app.example.com, ${entry}`)
    t.same(entries, [{ origin: APP, pathPrefix: '/' }], `${entry}: the good entry remains`)
    t.same(problems, [`REDIRECT_ALLOWLIST: ${JSON.stringify(entry)} is not an http(s) origin with an optional path`], `${entry}: named`)
  }
  t.equal(parseAllowlist(bad.join(',')).problems.length, bad.length, 'one problem per bad entry')
})

interface CorpusCase { input: string, expect: 'allow' | 'reject', location?: string, class: string, note?: string }

const corpus = JSON.parse(readFileSync(new URL('../fixtures/open-redirects.json', import.meta.url), 'utf8')) as CorpusCase[]

t.test('the corpus is big enough and mostly attacks', async t => {
  t.ok(corpus.length >= 300, `${corpus.length} cases`)
  t.ok(corpus.filter(c => c.expect === 'reject').length >= 250, 'at least 250 rejects')
  t.equal(new Set(corpus.map(c => c.input)).size, corpus.length, 'no duplicate inputs')
  for (const c of corpus) {
    if (c.expect === 'allow' && typeof c.location !== 'string') t.fail(`${show(c.input)}: allow case without location`)
  }
})

t.test('the corpus: rejects are refused, allows land on their location', async t => {
  for (const c of corpus) {
    const got = checkRedirect(c.input, MAIN)
    const name = `[${c.class}] ${show(c.input)}`
    if (c.expect === 'reject') {
      t.equal(got.ok, false, `${name} refused, got ${describe(got)}`)
    } else {
      t.same(got, { ok: true, location: c.location }, `${name} allowed at ${c.location}`)
    }
  }
})

function assertSafe (t: Test, input: string, got: RedirectCheck): void {
  if (!got.ok) {
    t.pass(`${show(input)} refused (${got.reason})`)
    return
  }
  const url = new URL(got.location)
  t.ok(ORIGINS.has(url.origin) && url.href === got.location && !UNSAFE_IN_LOCATION.test(got.location),
    `${show(input)}: ${got.location} is absolute, on an allowlisted origin, and clean`)
}

t.test('invariant over the corpus: an allowed target is absolute, on an allowlisted origin, and clean', async t => {
  for (const c of corpus) assertSafe(t, c.input, checkRedirect(c.input, MAIN))
})

t.test('invariant over generated targets (seeded)', async t => {
  // Pieces of every bypass class, glued at random.
  const piece = fc.constantFrom(
    '/', '//', '\\', '@', ':', '.', '..', '?', '#', '%', '%2f', '%5c', '%2e', '%40', '%00', '\t', '\n', ' ', '\u3002', '\uff0f', '\u0430',
    'https:', 'http:', 'javascript:', 'data:', 'HTTPS://', 'app.example.com', 'cms.example.com', ':8443', ':443', 'evil.example.net', 'x', '0x7f', '[::1]'
  )
  const target = fc.array(piece, { minLength: 1, maxLength: 8 }).map(parts => parts.join(''))
  fc.assert(fc.property(target, input => {
    const got = checkRedirect(input, MAIN)
    if (!got.ok) return true
    const url = new URL(got.location)
    return ORIGINS.has(url.origin) && !UNSAFE_IN_LOCATION.test(got.location) && (
      got.location.length > MAX_REDIRECT_LENGTH || JSON.stringify(checkRedirect(got.location, MAIN)) === JSON.stringify(got)
    )
  }), { seed: 11, numRuns: 20_000 })
  t.pass('20000 generated targets: every allowed one is on an allowlisted origin, clean, and allowed again unchanged')
})
