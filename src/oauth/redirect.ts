// Where hosted-UI login may send the browser back to. An open redirect hands an attacker a session:
// the victim signs in on our page and lands, tokens or codes in tow, on the attacker's. So targets are
// judged as the browser will read them: parsed with the WHATWG URL parser and compared by parsed origin
// and parsed path, never by string prefix (`https://app.example.com.evil.example.net`,
// `https://app.example.com@evil.example.net` and `//evil.example.net` all start "right").
// Pure: no I/O, no logging; the caller logs the refusal reason.

/** Longest redirect target accepted, in UTF-16 code units of the received (once-decoded) value. */
export const MAX_REDIRECT_LENGTH = 2048

export interface AllowlistEntry { origin: string, pathPrefix: string }
export type Allowlist = readonly AllowlistEntry[]

export type RedirectRefusal =
  | 'empty' | 'too-long' | 'illegal-character' | 'protocol-relative' | 'not-a-url'
  | 'scheme' | 'userinfo' | 'origin-not-allowed' | 'path-not-allowed' | 'no-allowlist'
export type RedirectCheck = { ok: true, location: string } | { ok: false, reason: RedirectRefusal }

// C0 controls, DEL, C1 controls; every Unicode space and line/paragraph separator (\s: tab, LF, VT, FF,
// CR, space, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF); backslash.
// Browsers silently drop tabs and newlines and read `\` as `/`, which is how most bypasses get through.
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u001f\u007f-\u009f\s\\]/u

const HTTP_PROTOCOLS = new Set(['http:', 'https:'])

/** Parses REDIRECT_ALLOWLIST text: comma-separated entries, each an origin optionally followed by a path prefix (https://app.example.com/account/). */
export function parseAllowlist (text: string): { entries: AllowlistEntry[], problems: string[] } {
  const entries: AllowlistEntry[] = []
  const problems: string[] = []
  for (const part of text.split(',')) {
    const item = part.trim()
    if (item === '') continue
    const entry = parseEntry(item)
    if (entry === undefined) {
      problems.push(`REDIRECT_ALLOWLIST: ${JSON.stringify(item)} is not an http(s) origin with an optional path`)
    } else {
      entries.push(entry)
    }
  }
  return { entries, problems }
}

function parseEntry (item: string): AllowlistEntry | undefined {
  if (!URL.canParse(item)) return undefined
  const url = new URL(item)
  if (!HTTP_PROTOCOLS.has(url.protocol)) return undefined
  if (url.username !== '' || url.password !== '') return undefined
  // `https://app.example.com/?` has an empty search yet still names a query: look at the text too.
  if (url.search !== '' || url.hash !== '' || item.includes('?') || item.includes('#')) return undefined
  return { origin: url.origin, pathPrefix: url.pathname === '' ? '/' : url.pathname }
}

/**
 * Checks a redirect target as received (already URL-decoded once by the query parser; never decode it again).
 * `location` is the absolute URL to send in Location.
 */
export function checkRedirect (raw: string, allowlist: Allowlist): RedirectCheck {
  if (raw.length === 0) return refuse('empty')
  if (raw.length > MAX_REDIRECT_LENGTH) return refuse('too-long')
  // `//host` and `/\host` are network-path references to a browser; said before the character scan
  // so `/\evil` is reported as what it is.
  if (raw[0] === '/' && (raw[1] === '/' || raw[1] === '\\')) return refuse('protocol-relative')
  if (ILLEGAL.test(raw)) return refuse('illegal-character')

  let url: URL
  if (raw[0] === '/') {
    const first = allowlist[0]
    if (first === undefined) return refuse('no-allowlist')
    if (!URL.canParse(raw, first.origin)) return refuse('not-a-url')
    url = new URL(raw, first.origin)
  } else {
    if (!URL.canParse(raw)) return refuse('not-a-url')
    url = new URL(raw)
    if (!HTTP_PROTOCOLS.has(url.protocol)) return refuse('scheme')
    if (url.username !== '' || url.password !== '') return refuse('userinfo')
    if (allowlist.length === 0) return refuse('no-allowlist')
  }

  const sameOrigin = allowlist.filter(entry => entry.origin === url.origin)
  if (sameOrigin.length === 0) return refuse('origin-not-allowed')
  if (!sameOrigin.some(entry => withinPrefix(url.pathname, entry.pathPrefix))) return refuse('path-not-allowed')
  return { ok: true, location: url.href }
}

/** Segment-boundary prefix match: `/account` and `/account/` both allow `/account`, `/account/`, `/account/x`, never `/accounting`. */
function withinPrefix (pathname: string, prefix: string): boolean {
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  return base === '' || pathname === base || pathname.startsWith(base + '/')
}

function refuse (reason: RedirectRefusal): RedirectCheck {
  return { ok: false, reason }
}
