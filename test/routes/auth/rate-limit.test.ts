import t from 'tap'
import { buildTestApp, expectProblem } from '../../helper.js'

t.test('each route group has its own budget per client address, with a problem body and Retry-After', async t => {
  const { app } = await buildTestApp(t, { env: { RATE_LIMIT_SIGNIN: '2', RATE_LIMIT_RECOVERY: '1' } })
  const login = (remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/auth/login', remoteAddress, payload: { username: 'demo', password: 'wrong-password' } })
  t.equal((await login()).statusCode, 401)
  t.equal((await login()).statusCode, 401)
  const limited = await login()
  expectProblem(t, limited, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when to come back')
  t.equal((await app.inject({ method: 'POST', url: '/auth/refresh' })).statusCode, 429, 'refresh shares the sign-in budget')
  t.equal((await login('198.51.100.7')).statusCode, 401, 'another address has its own budget')

  const forgot = () => app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username: 'demo' } })
  t.equal((await forgot()).statusCode, 202, 'recovery counts apart from sign-in')
  expectProblem(t, await forgot(), 'RATE_LIMITED')
  t.equal((await app.inject({ method: 'POST', url: '/auth/signup/resend', payload: { username: 'demo' } })).statusCode, 202, 'so does sign-up')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'other routes are not limited')
})
