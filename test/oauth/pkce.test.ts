/**
 * PKCE S256 (RFC 7636 section 4.2): code_challenge = base64url(SHA-256(ASCII(code_verifier))), unpadded.
 * The expected challenges were computed apart from this code (Python's hashlib), not by it.
 */
import t from 'tap'
import { codeChallenge, newLoginAttempt } from '../../src/oauth/login-attempt.js'

/** RFC 7636 section 4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

t.test('codeChallenge: known vectors', async t => {
  const cases: Array<{ name: string, verifier: string, challenge: string }> = [
    {
      // The RFC's own example (a plain hash in hex, SHA-1, or the verifier itself, "plain", all fail it).
      name: 'RFC 7636 appendix B',
      verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    },
    { name: 'the shortest verifier allowed (43)', verifier: 'A'.repeat(43), challenge: 'DwBzhbb51LfusnSGBa_hqYSgo7-j8BTQnip4TOnlzRo' },
    {
      name: 'the longest verifier allowed (128), every unreserved punctuation mark',
      verifier: '0123456789-._~'.repeat(9) + 'AB',
      challenge: 'CjlTCgbB7ApJkbsds2r4VaSYMPzLY07ZG4Bqg8hNn8Y'
    },
    // Never sent (verifiers are generated), but the function is total: the hash of nothing.
    { name: 'empty', verifier: '', challenge: '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU' }
  ]
  t.equal(cases.length, 4)
  for (const { name, verifier, challenge } of cases) t.equal(codeChallenge(verifier), challenge, name)
})

t.test('codeChallenge: base64url without padding (the standard alphabet or "=" would not match at the token endpoint)', async t => {
  // The RFC vector's digest in standard base64 is E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM=: both differences show.
  const challenge = codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')
  t.match(challenge, /^[A-Za-z0-9_-]{43}$/)
  t.notMatch(challenge, /[+/=]/)
})

t.test('codeChallenge: one character changed changes the challenge; the same verifier always gives the same one', async t => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
  t.equal(codeChallenge(verifier), codeChallenge(verifier))
  t.not(codeChallenge(verifier), codeChallenge(verifier.slice(0, -1) + 'j'))
  t.not(codeChallenge(verifier), codeChallenge(verifier + ' '), 'no trimming')
  t.not(codeChallenge(verifier), codeChallenge(verifier.toLowerCase()), 'case matters')
})

t.test('newLoginAttempt: verifiers a token endpoint accepts, fresh every time', async t => {
  const attempts = Array.from({ length: 50 }, () => newLoginAttempt('https://app.example.com/'))
  t.equal(attempts.length, 50)
  for (const { codeVerifier } of attempts) t.match(codeVerifier, VERIFIER, 'RFC 7636 length and alphabet')
  // 32 random bytes: 43 characters, the RFC's recommendation (16 bytes would be 22, too short to be accepted).
  t.ok(attempts.every(({ codeVerifier }) => codeVerifier.length === 43))
  t.equal(new Set(attempts.map(a => a.codeVerifier)).size, 50, 'no two verifiers alike')
  t.equal(new Set(attempts.map(a => codeChallenge(a.codeVerifier))).size, 50, 'nor challenges')
})
