import t from 'tap'
import {
  ATTRIBUTES_ROOM, COOKIE_BYTES_LIMIT, MAX_CHUNKS, familyNames, joinCookie, splitCookie
} from '../../src/session/cookie-chunks.js'

const NAME = '__Host-bff_id'
const fits = COOKIE_BYTES_LIMIT - ATTRIBUTES_ROOM - `${NAME}=`.length
/** What a chunk holds of the value: room for its name `NAME.n` and, in the first, the count. */
const chunkRoom = fits - '.4'.length - '4.'.length
const value = (length: number) => Array.from({ length }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789-_'[i % 38]).join('')
const sent = (pairs: Array<[string, string]>) => ({
  values: Object.fromEntries(pairs),
  header: pairs.map(([name, value]) => `${name}=${value}`).join('; ')
})

t.test('split: a value that fits stays one cookie; a longer one becomes numbered chunks that each fit', async t => {
  t.same(splitCookie(NAME, value(fits)), [[NAME, value(fits)]], 'exactly at the limit: one cookie')
  const long = value(fits + 1)
  const chunks = splitCookie(NAME, long)
  t.same(chunks.map(([name]) => name), [`${NAME}.0`, `${NAME}.1`], 'one byte over: two chunks')
  t.equal(chunks.map(([, v]) => v).join(''), `2.${long}`, 'the chunks hold the count, then the value, in order')
  const biggest = value(MAX_CHUNKS * chunkRoom)
  const most = splitCookie(NAME, biggest)
  t.equal(most.length, MAX_CHUNKS)
  for (const [name, v] of most) {
    t.ok(name.length + 1 + v.length + ATTRIBUTES_ROOM <= COOKIE_BYTES_LIMIT, `${name}: name, value and attributes fit in 4,096 bytes`)
  }
  t.match(most[0]?.[1], /^4\.abc/, 'the first chunk counts them')
  t.throws(() => splitCookie(NAME, value(MAX_CHUNKS * chunkRoom + 1)), /needs 5 chunks .* at most 4 can travel/,
    'beyond the most chunks: refused, not issued half')
})

t.test('join: exactly one whole value, or nothing', async t => {
  const long = value(fits * 2 + 100)
  const chunks = splitCookie(NAME, long)
  t.equal(chunks.length, 3)
  const [c0, c1, c2] = chunks as [[string, string], [string, string], [string, string]]
  const cases: Array<[string, Array<[string, string]>, ReturnType<typeof joinCookie>]> = [
    ['absent', [['other', 'x']], { ok: true, value: undefined }],
    ['one cookie', [[NAME, 'sealed']], { ok: true, value: 'sealed' }],
    ['all chunks', chunks, { ok: true, value: long }],
    ['all chunks, sent in another order (joined by number)', [c2, c0, c1], { ok: true, value: long }],
    ['the last chunk missing', [c0, c1], { ok: false, refusal: 'incomplete' }],
    ['the count altered to match what arrived', [[c0[0], c0[1].replace(/^3/, '2')], c1], { ok: true, value: long.slice(0, c0[1].length - 2 + c1[1].length) }],
    ['a first chunk without its count', [[c0[0], c0[1].slice(2)], c1, c2], { ok: false, refusal: 'incomplete' }],
    ['a middle chunk missing', [c0, c2], { ok: false, refusal: 'incomplete' }],
    ['the first chunk missing', [c1, c2], { ok: false, refusal: 'incomplete' }],
    ['one chunk alone', [c0], { ok: false, refusal: 'incomplete' }],
    ['an extra chunk after the last', [...chunks, [`${NAME}.3`, 'stale']], { ok: false, refusal: 'incomplete' }],
    ['an extra chunk past a gap', [c0, c1, [`${NAME}.4`, 'stale']], { ok: false, refusal: 'incomplete' }],
    ['the one-cookie name beside chunks', [[NAME, 'sealed'], ...chunks], { ok: false, refusal: 'incomplete' }],
    ['a chunk sent twice', [...chunks, [`${NAME}.1`, 'planted']], { ok: false, refusal: 'sent twice' }],
    ['the one cookie sent twice', [[NAME, 'planted'], [NAME, 'sealed']], { ok: false, refusal: 'sent twice' }],
    ['a chunk name with another number format', [[`${NAME}.00`, c0[1]], c1, c2], { ok: false, refusal: 'incomplete' }],
    ['more chunks than are ever written', Array.from({ length: MAX_CHUNKS + 1 }, (_, i) => [`${NAME}.${i}`, 'x']),
      { ok: false, refusal: 'incomplete' }]
  ]
  t.equal(cases.length, 17)
  for (const [name, pairs, expected] of cases) {
    const request = sent(pairs)
    // A parser keeps one value per name: the last one sent, for the cases where it matters.
    t.same(joinCookie(NAME, request.values, request.header), expected, name)
  }
})

t.test('join: a request with 500 chunk cookies costs what a good one does', async t => {
  const hostile = sent(Array.from({ length: 500 }, (_, i) => [`${NAME}.${i}`, value(8)]))
  const looked: string[] = []
  const values = new Proxy(hostile.values, { get: (target, name: string) => { looked.push(name); return target[name] } })
  t.same(joinCookie(NAME, values, hostile.header), { ok: false, refusal: 'incomplete' })
  t.same([...new Set(looked)], familyNames(NAME), `only the ${MAX_CHUNKS + 2} names of the family are looked up`)
  t.ok(looked.length <= MAX_CHUNKS + 3, `${looked.length} lookups`)
})
