import t, { type Test } from 'tap'
import { ApiError } from '../../src/errors/catalog.js'
import { CHALLENGE_LIFETIME_MS, createChallengeSessions } from '../../src/session/challenge-session.js'
import { createSealer } from '../../src/session/seal.js'

const sealer = createSealer(['k'.repeat(32)])
let clock = 1_800_000_000_000
const sessions = createChallengeSessions(sealer, 'client-1', () => clock)
const issued = sessions.seal({ session: 'cognito-session', username: 'alice', challenge: 'SOFTWARE_TOKEN_MFA' })

function refusal (t: Test, fn: () => unknown, name: string) {
  const err = t.throws(fn, name) as ApiError
  t.match(err, { code: 'SIGN_IN_RESTART', statusCode: 401 }, name)
}

t.test('opens to Cognito\'s session for the same user and challenge, within 3 minutes', async t => {
  t.notMatch(issued, 'cognito-session')
  t.equal(sessions.open(issued, { username: 'alice', challenge: 'SOFTWARE_TOKEN_MFA' }), 'cognito-session')
  clock += CHALLENGE_LIFETIME_MS - 1
  t.equal(sessions.open(issued, { username: 'alice', challenge: 'SOFTWARE_TOKEN_MFA' }), 'cognito-session', 'just before expiry')
  clock -= CHALLENGE_LIFETIME_MS - 1
})

t.test('refuses made-up, altered, re-bound, expired and foreign sessions', async t => {
  const expected = { username: 'alice', challenge: 'SOFTWARE_TOKEN_MFA' }
  refusal(t, () => sessions.open('made-up', expected), 'made up')
  refusal(t, () => sessions.open(`${issued.slice(0, -2)}${issued.at(-2) === 'A' ? 'B' : 'A'}${issued.at(-1)}`, expected), 'altered')
  refusal(t, () => sessions.open(issued, { username: 'mallory', challenge: 'SOFTWARE_TOKEN_MFA' }), 'another user')
  refusal(t, () => sessions.open(issued, { username: 'alice', challenge: 'NEW_PASSWORD_REQUIRED' }), 'another challenge')
  refusal(t, () => createChallengeSessions(sealer, 'client-2', () => clock).open(issued, expected), 'another app client')
  refusal(t, () => sessions.open(sealer.seal('refresh', 'x'), expected), 'another sealed value (a cookie)')
  clock += CHALLENGE_LIFETIME_MS
  refusal(t, () => sessions.open(issued, expected), 'expired')
})
