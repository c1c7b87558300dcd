/**
 * Hostile values that need no context: edge-case strings (empty, huge,
 * lone surrogates, NUL, RTL override, combining marks, emoji, look-alikes,
 * injection classics), values of the wrong type, deep nesting, bodies that
 * are not JSON or are cut short, and content types a JSON API must refuse.
 */
import fc from 'fast-check'
import { objectOf, RawJson, toJson } from './schema-arbitrary.js'

/** Strings a validator, a normaliser, a logger or a template can trip on. */
const EDGE_STRINGS = [
  '', ' ', '\t', '   \n  ', '\u0000', 'a\u0000b', 'demo\u0000', '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
  // Lone and reversed surrogates (JSON.stringify writes them as \ud800 escapes).
  '\ud800', 'ab\udfffcd', '\udc00\ud800', 'x\ud83dy',
  // Bidi controls, zero-width and odd spaces.
  '\u202eevil', 'user\u202egnp.exe', '\u200b', 'demo\u200b', '\ufeffdemo', '\u00a0demo\u00a0', '\u2028\u2029',
  // Combining marks.
  'e\u0301', 'de\u0301mo', `a${'\u0301'.repeat(300)}`, 'Z\u0335\u0321\u031b\u0348\u0353a\u0336\u0327\u034d\u0318l\u0334g\u0337o',
  // Emoji: astral, ZWJ sequences, flags, skin tones.
  '\u{1F600}', '\u{1F469}\u200d\u{1F469}\u200d\u{1F467}\u200d\u{1F466}', '\u{1F3F3}\ufe0f\u200d\u{1F308}', '\u{1F44D}\u{1F3FD}', '\u{1F1FA}\u{1F1F8}',
  // Case, width and script look-alikes of the demo user; characters NFKC or case folding expand.
  'DEMO', ' demo', 'demo ', '\uff44\uff45\uff4d\uff4f', 'd\u0435mo', 'ß', '\ufb03', '\u0130', '\u0131', 'Ⅻ', '\u{1D49F}emo',
  // Injection and parser classics.
  // eslint-disable-next-line no-template-curly-in-string
  '%s%s%s%n', '${jndi:ldap://x/a}', '{{7*7}}', '<script>alert(1)</script>', "' OR '1'='1' --", '../../../../etc/passwd', '..\\..\\win.ini',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e309', 'true',
  'line\nbreak', 'cr\rlf\r\nx', '\\', '"', "'", '\u001b[31mred\u001b[0m', '\u0007\u0008\u007f'
]

export const edgeString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  // Any UTF-16 code units, lone surrogates included.
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map(c => String.fromCharCode(c)), maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) }
)

/** Long strings: just over the schema lengths (129, 257, 2049, 8193), near and over the body limit; ASCII or astral. */
export const hugeString: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom(129, 257, 2049, 4097, 8193, 15_000, 20_000),
  fc.constantFrom('a', 'é', '\u{1D54F}', '\u0000', '\ud800', 'a\u0301')
).map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)))

/** `depth` levels of arrays, objects or both around a leaf, as JSON text. */
export function nested (depth: number, shape: 'array' | 'object' | 'mixed', leaf = '1'): string {
  let open = ''
  let close = ''
  for (let level = 0; level < depth; level += 1) {
    const array = shape === 'array' || (shape === 'mixed' && level % 2 === 0)
    open += array ? '[' : '{"a":'
    close = (array ? ']' : '}') + close
  }
  return open + leaf + close
}

type Shape = 'array' | 'object' | 'mixed'
export const deepValue: fc.Arbitrary<RawJson> = fc.tuple(fc.constantFrom(2, 64, 1000, 1000, 2500), fc.constantFrom<Shape>('array', 'object', 'mixed'))
  .map(([depth, shape]) => new RawJson(nested(depth, shape), `${shape} nested ${depth} deep`))

/** Values of every JSON type but the expected one (and numbers JSON.stringify cannot write). */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(0, -1, 1.5, true, false, null, [], {}, ['x'], [null], objectOf([['a', 'b']]),
    objectOf([['__proto__', { isAdmin: true }]])),
  fc.constantFrom('9007199254740993', '1e999', '-0', '0.1e-400', '123456789012345678901234567890').map(text => new RawJson(text)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer()
)

/** Anything a field may be set to by a mutation. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: edgeString },
  { weight: 3, arbitrary: wrongType },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue }
)

/** Whole bodies that are JSON but not an object, or JSON nested very deep. */
export const oddJsonBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('null', '[]', '"text"', '42', 'true', '{}', '[{}]', '{"":""}', '-0', '1e999', '"\\ud800"', '[1,2,3]'),
  deepValue.map(value => value.text),
  fc.jsonValue({ maxDepth: 4 }).map(value => JSON.stringify(value))
)

/** A body that is not (valid, complete, UTF-8) JSON, made from a valid-shaped one. */
export function brokenBody (valid: fc.Arbitrary<unknown>): fc.Arbitrary<{ label: string, payload: string | Buffer }> {
  const text = valid.map(toJson)
  return fc.oneof(
    fc.tuple(text, fc.nat()).map(([json, at]) => ({ label: 'truncated JSON', payload: json.slice(0, at % Math.max(1, json.length)) })),
    fc.tuple(text, fc.constantFrom('}', ',', ']', ' x', '\u0000', '{}', '\n{"a":1}', '"')).map(([json, tail]) => ({
      label: 'JSON with trailing garbage',
      payload: json + tail
    })),
    text.map(json => ({ label: 'JSON after a byte-order mark', payload: `\ufeff${json}` })),
    text.map(json => ({ label: 'JSON with single quotes', payload: json.replaceAll('"', "'") })),
    text.map(json => ({ label: 'JSON after a comment', payload: `/* x */${json}` })),
    text.map(json => ({ label: 'JSON in UTF-16LE', payload: Buffer.from(json, 'utf16le') })),
    text.map(json => ({
      label: 'JSON with invalid UTF-8 in a string',
      payload: Buffer.concat([Buffer.from(json.endsWith('}') && json.length > 2 ? `${json.slice(0, -1)},"x":"` : '{"x":"'),
        Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]), Buffer.from('"}')])
    })),
    valid.map(value => ({
      label: 'JSON with every key twice',
      payload: value !== null && typeof value === 'object' && !Array.isArray(value)
        ? `{${Object.entries(value).flatMap(([key, v]) => [`${JSON.stringify(key)}:"first"`, `${JSON.stringify(key)}:${toJson(v)}`]).join(',')}}`
        : toJson(value)
    })),
    valid.map(value => ({
      label: 'form-encoded body',
      payload: value !== null && typeof value === 'object'
        ? new URLSearchParams(Object.entries(value).map(([key, v]) => [key, String(v)])).toString()
        : String(value)
    })),
    fc.constantFrom('', ' ', '\n\n', 'undefined', 'NaN', '{', '[', '{"a":', '{"a" 1}', '{,}', '\u0000', '<xml/>', 'a=b&c=d').map(payload => ({
      label: 'not JSON',
      payload
    })),
    fc.string({ unit: 'binary', maxLength: 64 }).map(payload => ({ label: 'random text', payload })),
    fc.uint8Array({ maxLength: 64 }).map(bytes => ({ label: 'random bytes', payload: Buffer.from(bytes) })),
    fc.constantFrom(16_000, 16_385, 17_000, 100_000).map(size => ({ label: `${size}-byte JSON`, payload: `{"username":"${'x'.repeat(size)}"}` })),
    fc.constantFrom(1000, 5000).map(depth => ({ label: `unclosed arrays ${depth} deep`, payload: '['.repeat(depth) }))
  )
}

/** Content types for a JSON body: mostly right, often wrong, sometimes missing. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8', 'Application/JSON', 'application/json; charset=utf-16', 'application/json; charset=latin1',
      'application/json;charset="utf-8"', 'application/json; boundary=x', 'application/problem+json', 'application/vnd.api+json',
      'application/jsonp', 'text/json', 'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----fuzz', 'application/xml', 'application/octet-stream', '', '*/*', 'json', ';', ' ',
      'application/json, text/plain', 'application/json\u00a0', 'application/json; charset=utf-8; charset=utf-16'
    )
  },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) }
)
