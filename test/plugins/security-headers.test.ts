import t from 'tap'
import { buildAwsApp, buildTestApp } from '../helper.js'

t.test('security headers: nothing allowed for JSON; no HSTS or https upgrade on plain-http local mode', async t => {
  const { app } = await buildTestApp(t)
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(health.headers['content-security-policy'], /default-src 'none'/)
  t.equal(health.headers['x-content-type-options'], 'nosniff')
  t.equal(health.headers['strict-transport-security'], undefined)
  t.notMatch(health.headers['content-security-policy'], 'upgrade-insecure-requests')
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.notMatch(docs.headers['content-security-policy'], 'upgrade-insecure-requests', '/docs loads its assets over http locally')
})

t.test('security headers: HSTS and https upgrade behind an https public URL', async t => {
  const { app } = await buildAwsApp(t, { env: { PUBLIC_URL: 'https://auth.example.com' } })
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(health.headers['strict-transport-security'], /max-age=\d+/)
  t.match(health.headers['content-security-policy'], 'upgrade-insecure-requests')
})

t.test('answers that carry identity or tokens are never cached, errors included; the API reference may be', async t => {
  const { app, local } = await buildTestApp(t)
  const demo = { username: 'demo', password: local.demoUser.password }
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...demo, tokenDelivery: 'body' } })
  const requests = {
    'a login with tokens': login,
    'a refused login': await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'demo', password: 'wrong-password' } }),
    '/me': await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${login.json().tokens.accessToken}` } }),
    '/me refused': await app.inject({ method: 'GET', url: '/me' }),
    'an invalid body': await app.inject({ method: 'POST', url: '/auth/refresh', payload: { nope: 1 } }),
    'an unknown route': await app.inject({ method: 'GET', url: '/nowhere' })
  }
  for (const [name, response] of Object.entries(requests)) t.equal(response.headers['cache-control'], 'no-store', name)
  t.not((await app.inject({ method: 'GET', url: '/openapi.json' })).headers['cache-control'], 'no-store', 'the OpenAPI document')
})
