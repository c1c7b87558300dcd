/**
 * Issue 19: a sign-in in the same second as a sign-out everywhere (the mark is
 * a whole second) used to get tokens the mark refused. Local mode, end to end,
 * tokens in the body; no waiting for the next second anywhere.
 */
import t from 'tap'
import { buildTestApp, expectProblem, PASSWORD } from '../../helper.js'
import { fileTimeout } from '../../helpers/timeouts.js'

// Three emulator round trips a round: about a second for 30 here.
const ROUNDS = 100
t.setTimeout(fileTimeout(60_000))

const { app, confirmedUser } = await buildTestApp(t)

async function signIn (username: string): Promise<{ authorization: string }> {
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
  return { authorization: `Bearer ${(response.json().tokens as { accessToken: string }).accessToken}` }
}

t.test(`sign out everywhere, then sign in at once, ${ROUNDS} times: the new session works, the one before the mark is refused`, async t => {
  const { username } = await confirmedUser('same-second')
  let before = await signIn(username)
  let sameSecond = 0
  for (let round = 1; round <= ROUNDS; round++) {
    const out = await app.inject({ method: 'POST', url: '/me/signout-everywhere', headers: before })
    t.equal(out.statusCode, 204, `round ${round}: signed out everywhere`)
    const markSecond = Math.floor(Date.now() / 1000)
    const after = await signIn(username)
    if (Math.floor(Date.now() / 1000) === markSecond) sameSecond++
    const mine = await app.inject({ method: 'GET', url: '/me', headers: after })
    t.equal(mine.statusCode, 200, `round ${round}: the sign-in after the mark works`)
    expectProblem(t, await app.inject({ method: 'GET', url: '/me', headers: before }), 'TOKEN_INVALID')
    before = after
  }
  t.comment(`${sameSecond} of ${ROUNDS} sign-ins were in the mark's second`)
  t.ok(sameSecond > 0, 'at least one sign-in fell in the mark\'s own second (what the test is about)')
})
