/**
 * Issue 19 item 8: a sign-in that reaches the service right after a sign-out
 * everywhere, in the mark's own millisecond, must count as after the mark (its
 * tokens are allowed through it). The arrival used to be `Date.now()` (a whole
 * ms) minus Fastify's fractional elapsed time, which could read up to 1 ms
 * early: about one back-to-back sign-in in a few hundred got tokens the mark
 * refused. Real Fastify, real memory store, requests back to back.
 */
import Fastify from 'fastify'
import t from 'tap'
import { arrival } from '../../src/plugins/sessions.js'
import { signedOutEverywhere } from '../../src/session/signed-out.js'
import { createMemoryStore } from '../../src/store/memory-store.js'

const ROUNDS = 2_000

t.test(`a request that starts after a sign-out mark arrives after it, ${ROUNDS} times back to back`, async t => {
  const store = createMemoryStore()
  const app = Fastify()
  t.teardown(() => app.close())
  app.post('/mark', async () => { await signedOutEverywhere(store, 'sub-1'); return {} })
  app.post('/sign-in', async (_request, reply) => ({ arrival: arrival(reply), mark: (await store.signedOutMark('sub-1'))?.atMs }))

  let sameMs = 0
  let early = 0
  for (let round = 0; round < ROUNDS; round++) {
    await app.inject({ method: 'POST', url: '/mark' })
    const { arrival: arrived, mark } = (await app.inject({ method: 'POST', url: '/sign-in' })).json<{ arrival: number, mark: number }>()
    if (Math.floor(arrived) === mark) sameMs++
    if (!(arrived > mark)) early++
  }
  t.comment(`${sameMs} of ${ROUNDS} sign-ins arrived in the mark's own ms`)
  t.ok(sameMs > 0, 'some sign-ins arrived in the mark\'s own ms (what the test is about)')
  t.equal(early, 0, 'no sign-in read as arriving at or before the mark')
})
