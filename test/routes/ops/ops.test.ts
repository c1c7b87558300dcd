import t from 'tap'
import { buildAwsApp } from '../../helper.js'

t.test('readiness is ready once the JWKS is loaded', async t => {
  const { app, jwks } = await buildAwsApp(t)
  t.equal(jwks.fetches(), 1, 'the JWKS was fetched before the first request')
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', checks: { jwks: 'ok', store: 'memory', pool: 'unread' } }, 'the pool at AWS cannot be read from a test')
  t.same((await app.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' })
})

t.test('JWKS unreachable: not ready, and a Bearer request is 503, not blamed on the token', async t => {
  const { app, jwks } = await buildAwsApp(t, { env: { COGNITO_JWKS_URI: 'http://127.0.0.1:1/jwks.json', JWKS_TIMEOUT_MS: '500' } })
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not ready', checks: { jwks: 'missing', store: 'memory', pool: 'unread' } })
  t.equal(ready.headers['retry-after'], '5')
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${jwks.accessToken('alice')}` } })
  t.equal(me.statusCode, 503)
  t.match(me.json(), { code: 'UPSTREAM_UNAVAILABLE' })
  t.equal(me.headers['retry-after'], '1')
})
