import t from 'tap'
import { buildTestApp, expectProblem } from '../../helper.js'

t.test('auth routes are rate limited per client with a problem body and Retry-After', async t => {
  const { app } = await buildTestApp(t, { env: { AUTH_RATE_LIMIT: '2' } })
  const attempt = () => app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: 'wrong-password' } })
  t.equal((await attempt()).statusCode, 401)
  t.equal((await attempt()).statusCode, 401)
  const limited = await attempt()
  expectProblem(t, limited, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when to come back')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'other routes are not limited')
})
