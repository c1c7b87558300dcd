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
