/**
 * Cookies that fit: browsers silently drop a cookie whose name, value and
 * attributes pass 4,096 bytes, and a sealed ID token with many groups, custom
 * attributes or federated identities does. A sealed value over the limit
 * travels as numbered chunks, `name.0`, `name.1`, … (at least two, at most
 * MAX_CHUNKS), instead of `name`; one that fits stays `name` alone. The first
 * chunk's value starts with the count and a dot (`3.v1.…`), so a reader knows
 * how many to expect without trusting what arrived.
 *
 * Chunks are only transport: the seal authenticates the whole value, so a
 * chunk swapped, cut or taken from another session fails to unseal. Reading is
 * all or nothing before that too: exactly `name`, or exactly `name.0` …
 * `name.{n-1}` as `name.0` counts them, with nothing else of the family, each
 * sent once; anything else (a missing, extra or unnumbered piece, `name`
 * beside chunks) is no value. A reader looks up the MAX_CHUNKS + 2 names of
 * the family (and reads the Cookie header once) whatever the request carries,
 * so a request with hundreds of chunk cookies costs no more than a good one.
 *
 * Pure: names and values in, names and values out (cookies.ts decides the
 * attributes and the clearing).
 */

/** What a browser keeps of one cookie: its name, value and attributes together. */
export const COOKIE_BYTES_LIMIT = 4096
/**
 * Room kept for `=` and the attributes (`; Max-Age=2592000; Path=/auth; Expires=…; HttpOnly; Secure; SameSite=Strict`
 * is under 120 bytes).
 */
export const ATTRIBUTES_ROOM = 200
/**
 * The most chunks one value travels in. Four chunks are about 15 KiB: Node refuses a request whose headers pass
 * 16 KiB in all, so a larger value could not come back anyway, and browsers keep some 150 cookies per domain.
 */
export const MAX_CHUNKS = 4
/** The count the first chunk starts with: 2 to MAX_CHUNKS. */
const COUNT = new RegExp(`^([2-${MAX_CHUNKS}])\\.`)

/** Every name of one cookie's family, in the order they are looked up: `name`, then `name.0` … `name.{MAX_CHUNKS}`. */
export function familyNames (name: string): string[] {
  return [name, ...Array.from({ length: MAX_CHUNKS + 1 }, (_, i) => `${name}.${i}`)]
}

/**
 * The cookies (name to value) that carry `value`: `{ name: value }` when it fits, else its chunks. Throws when even
 * MAX_CHUNKS are not enough (a session that cannot be delivered must not look issued).
 */
export function splitCookie (name: string, value: string): Array<[string, string]> {
  if (`${name}=${value}`.length + ATTRIBUTES_ROOM <= COOKIE_BYTES_LIMIT) return [[name, value]]
  // Room for the longest chunk name and the count before the first chunk.
  const size = COOKIE_BYTES_LIMIT - ATTRIBUTES_ROOM - `${name}.${MAX_CHUNKS}=${MAX_CHUNKS}.`.length
  const count = Math.ceil(value.length / size)
  if (count > MAX_CHUNKS) {
    throw new Error(`the ${name} cookie needs ${count} chunks of ${size} bytes; at most ${MAX_CHUNKS} can travel`)
  }
  return Array.from({ length: count }, (_, i) => [`${name}.${i}`, (i === 0 ? `${count}.` : '') + value.slice(i * size, (i + 1) * size)])
}

/** Why a family's cookies were not joined. */
export type JoinRefusal = 'sent twice' | 'incomplete'

export type Joined = { ok: true, value: string | undefined } | { ok: false, refusal: JoinRefusal }

/**
 * The value a request's cookies carry for `name`: undefined when the family is absent, a refusal when it is not
 * exactly one whole value. `header` is the raw Cookie header, to tell a name sent twice (the parsed values keep one).
 */
export function joinCookie (name: string, values: Readonly<Record<string, string | undefined>>, header: string | undefined): Joined {
  const found = familyNames(name).filter(n => values[n] !== undefined)
  if (found.length === 0) return { ok: true, value: undefined }
  const sent = namesSent(header)
  if (found.some(n => (sent.get(n) ?? 0) > 1)) return { ok: false, refusal: 'sent twice' }
  if (found.length === 1 && found[0] === name) return { ok: true, value: values[name]! }
  const count = COUNT.exec(values[`${name}.0`] ?? '')?.[1]
  const whole = found.length === Number(count) && found.every((n, i) => n === `${name}.${i}`)
  if (!whole) return { ok: false, refusal: 'incomplete' }
  return { ok: true, value: found.map(n => values[n]!).join('').slice(`${count}.`.length) }
}

/** How many times each name comes in a Cookie header (one pass, however many cookies it holds). */
function namesSent (header: string | undefined): Map<string, number> {
  const counts = new Map<string, number>()
  for (const pair of header?.split(';') ?? []) {
    const at = pair.indexOf('=')
    const name = (at === -1 ? pair : pair.slice(0, at)).trim()
    counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return counts
}
