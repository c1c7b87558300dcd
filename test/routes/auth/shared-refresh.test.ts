/**
 * A refresh result shared between callers of one refresh token sits, sealed,
 * in the shared store for a moment. One that does not open there (sealed by
 * an instance with other cookie keys, or altered in the store) is a session
 * this instance cannot continue: SESSION_EXPIRED, never a 500.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { createSealer } from '../../../src/session/seal.js'
import { buildTestApp, cookieHeader, expectProblem } from '../../helper.js'

const { app, local, config } = await buildTestApp(t)
const demo = { username: local.demoUser.username, password: local.demoUser.password }
const sharedKey = (refreshToken: string) => `refresh-result:${createHash('sha256').update(refreshToken).digest('base64url')}`

/** Shared results that do not open to tokens here. */
function unopenable (tokens: unknown): Array<[string, string]> {
  return [
    ['not a sealed value', 'garbage'],
    ['sealed with another instance\'s key', createSealer(['another-instance-key-of-32-characters!']).seal('refresh-result', JSON.stringify(tokens))],
    ['sealed here, but not tokens', createSealer(config.cookies.secrets).seal('refresh-result', '"not tokens"')]
  ]
}

t.test('a body client meets an unopenable shared result: SESSION_EXPIRED; without it, the same token refreshes', async t => {
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...demo, tokenDelivery: 'body' } })
  const { refreshToken } = login.json().tokens as { refreshToken: string }
  const refresh = () => app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } })

  const cases = unopenable(login.json().tokens)
  t.equal(cases.length, 3)
  for (const [name, value] of cases) {
    t.ok(await app.store.putOnce(sharedKey(refreshToken), value, 60_000), `${name}: planted`)
    const response = await refresh()
    t.equal(response.statusCode, 401, `${name}: ${response.body}`)
    expectProblem(t, response, 'SESSION_EXPIRED')
    await app.store.takeOnce(sharedKey(refreshToken))
  }
  const control = await refresh()
  t.equal(control.statusCode, 200, `control: nothing planted, the same refresh token works: ${control.body}`)
})

t.test('a cookie session meets an unopenable shared result: SESSION_EXPIRED, and its cookies are cleared', async t => {
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: demo })
  const sealed = login.cookies.find(c => c.name === 'bff_refresh')?.value ?? ''
  const { refreshToken } = JSON.parse(createSealer(config.cookies.secrets).unseal('refresh', sealed) ?? '{}') as { refreshToken: string }
  t.ok(await app.store.putOnce(sharedKey(refreshToken), 'garbage', 60_000), 'planted')

  const response = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: cookieHeader(login) } })
  expectProblem(t, response, 'SESSION_EXPIRED')
  const cleared = response.cookies.map(c => [c.name, c.value]).sort()
  t.same(cleared, [['bff_access', ''], ['bff_id', ''], ['bff_refresh', '']], 'every session cookie cleared')
})
