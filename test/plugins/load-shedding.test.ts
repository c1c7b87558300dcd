import { setTimeout as sleep } from 'node:timers/promises'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { buildTestApp, expectProblem } from '../helper.js'
import { CONDITION_MS } from '../helpers/timeouts.js'

/*
 * The sleeps here wait out the plugin's own real timers (armed 2 s after ready, a sample each second): the timers
 * are what is tested. They are not races: a timer due earlier fires first however busy the machine, so a sleep
 * started after the arming (or after the block) ends after it (or after the sample holding the block).
 */

/** Busy-waits, so the event loop cannot turn: what a CPU-bound request or a pathological regex does. */
function blockEventLoop (ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) { /* spin */ }
}

/** Asks `url` every 50 ms until `accept` likes the answer (under-pressure samples the delay once a second). */
async function poll (inject: () => Promise<LightMyRequestResponse>, accept: (status: number) => boolean, ms = CONDITION_MS) {
  const until = Date.now() + ms
  for (;;) {
    const response = await inject()
    if (accept(response.statusCode) || Date.now() > until) return response
    await sleep(50)
  }
}

t.test('a lagging event loop sheds requests with 503 OVERLOADED; the health routes still answer', async t => {
  // 1 ms: any lag sheds (the mean over the sample holding a 300 ms block is several ms at least).
  const { app } = await buildTestApp(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '1' } })
  const page = () => app.inject({ method: 'GET', url: '/problems' })
  // Start-up is not load: nothing is shed in the first two samples after ready.
  await sleep(2100)

  blockEventLoop(300)
  const shed = await poll(page, status => status === 503)
  expectProblem(t, shed, 'OVERLOADED')
  t.equal(shed.headers['retry-after'], '5')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, '/healthz still answers')
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, '/readyz still answers')
})

t.test('below the threshold nothing is shed', async t => {
  const { app } = await buildTestApp(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '1000' } })
  t.ok(app.hasDecorator('isUnderPressure'), 'under-pressure is registered')
  await sleep(2100)
  blockEventLoop(300)
  // Past the next sample (one a second), which holds the block.
  await sleep(1200)
  t.equal((await app.inject({ method: 'GET', url: '/problems' })).statusCode, 200)
})

t.test('MAX_EVENT_LOOP_DELAY_MS=0 turns load shedding off', async t => {
  const { app } = await buildTestApp(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '0' } })
  t.notOk(app.hasDecorator('isUnderPressure'), 'under-pressure is not registered')
})
