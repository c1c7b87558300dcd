import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.js'

const AWS = { COGNITO_USER_POOL_ID: 'eu-west-1_AbC123', COGNITO_CLIENT_ID: 'abc123', COOKIE_SECRETS: 'k'.repeat(32), PUBLIC_URL: 'https://auth.example.com' }

t.test('no pool configured is local mode with working defaults', async t => {
  const config = loadConfig({})
  t.equal(config.mode, 'local')
  t.equal(config.port, 3000)
  t.equal(config.host, '127.0.0.1')
  t.equal(config.publicUrl.href, 'http://localhost:3000/')
  t.equal(config.cookies.secure, false, 'plain-http local mode relaxes Secure')
  t.equal(config.cognito.loginFlow, 'USER_PASSWORD_AUTH')
  t.equal(config.signupConfirmedUrl, 'http://localhost:3000/local/demo')
  t.equal(config.revealUserExistence, false)
})

t.test('a configured pool is AWS mode; https public URL makes cookies Secure', async t => {
  const config = loadConfig({ ...AWS, PUBLIC_URL: 'https://auth.example.com', PORT: '8080', CORS_ORIGINS: 'https://app.example.com, https://cms.example.com', REVEAL_USER_EXISTENCE: 'true', LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH' })
  t.equal(config.mode, 'aws')
  t.equal(config.port, 8080)
  t.equal(config.cookies.secure, true)
  t.same(config.corsOrigins, ['https://app.example.com', 'https://cms.example.com'])
  t.same(config.cookies.secrets, ['k'.repeat(32)])
  t.equal(config.revealUserExistence, true)
  t.equal(config.cognito.loginFlow, 'ADMIN_USER_PASSWORD_AUTH')
  t.equal(config.signupConfirmedUrl, undefined)
})

t.test('every problem is reported at once, secrets are not echoed', async t => {
  const err = t.throws(() => loadConfig({ PORT: 'eighty', COGNITO_USER_POOL_ID: 'bad pool', LOG_LEVEL: 'loud', LOGIN_FLOW: 'SRP', COOKIE_SECRETS: 'too-short-secret', CORS_ORIGINS: 'https://ok.example.com,https://x.example.com/path' })) as ConfigError
  t.type(err, ConfigError)
  const text = err.problems.join('\n')
  for (const name of ['PORT', 'COGNITO_USER_POOL_ID', 'LOG_LEVEL', 'LOGIN_FLOW', 'COOKIE_SECRETS', 'COGNITO_CLIENT_ID', 'CORS_ORIGINS']) {
    t.match(text, name, `${name} is reported`)
  }
  t.notMatch(err.message, 'too-short-secret', 'the secret value is not printed')
})

t.test('outside local mode the public URL is https (plain http only for localhost), so cookies are Secure', async t => {
  const http = t.throws(() => loadConfig({ ...AWS, PUBLIC_URL: 'http://auth.example.com' })) as ConfigError
  t.match(http.problems.join('\n'), 'PUBLIC_URL: must be https')
  t.equal(loadConfig({ ...AWS, PUBLIC_URL: 'http://localhost:3000' }).cookies.secure, false, 'a developer may run against AWS on localhost')
  t.equal(loadConfig(AWS).cookies.secure, true)
})

t.test('local mode binds to loopback unless LOCAL_EXPOSE says otherwise', async t => {
  const exposed = t.throws(() => loadConfig({ HOST: '0.0.0.0' })) as ConfigError
  t.match(exposed.problems.join('\n'), /HOST: local mode .* loopback only/)
  t.equal(loadConfig({ HOST: '0.0.0.0', LOCAL_EXPOSE: 'true' }).host, '0.0.0.0')
  t.equal(loadConfig({ HOST: '::1' }).host, '::1')
  t.equal(loadConfig({ ...AWS, HOST: '0.0.0.0' }).host, '0.0.0.0', 'a real pool may listen anywhere')
})

t.test('SameSite=None needs an https public URL; a malformed URL is reported, not thrown', async t => {
  const none = t.throws(() => loadConfig({ COOKIE_SAMESITE: 'none' })) as ConfigError
  t.match(none.problems.join('\n'), 'COOKIE_SAMESITE')
  t.equal(loadConfig({ ...AWS, COOKIE_SAMESITE: 'none', PUBLIC_URL: 'https://auth.example.com' }).cookies.sameSite, 'none')
  const bad = t.throws(() => loadConfig({ PUBLIC_URL: 'not a url' })) as ConfigError
  t.type(bad, ConfigError)
  t.match(bad.problems.join('\n'), 'PUBLIC_URL')
})

t.test('proxy trust and the auth rate limit are configurable', async t => {
  t.equal(loadConfig({}).trustProxy, false)
  t.equal(loadConfig({}).authRateLimit, 60)
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, '10.0.0.0/8,127.0.0.1')
  t.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2, 'a hop count, which Fastify takes as is')
  t.equal(loadConfig({ AUTH_RATE_LIMIT: '5' }).authRateLimit, 5)
  t.throws(() => loadConfig({ TRUST_PROXY: 'everyone', AUTH_RATE_LIMIT: '0' }), /TRUST_PROXY[\s\S]*AUTH_RATE_LIMIT|AUTH_RATE_LIMIT[\s\S]*TRUST_PROXY/)
})

t.test('AWS mode needs a client id and cookie secrets; a client id alone needs a pool', async t => {
  const err = t.throws(() => loadConfig({ COGNITO_USER_POOL_ID: 'eu-west-1_AbC123' })) as ConfigError
  t.match(err.problems.join('\n'), /COGNITO_CLIENT_ID: required[\s\S]*COOKIE_SECRETS: required[\s\S]*PUBLIC_URL: required/)
  const lone = t.throws(() => loadConfig({ COGNITO_CLIENT_ID: 'abc' })) as ConfigError
  t.match(lone.problems.join('\n'), 'COGNITO_USER_POOL_ID: required')
})

t.test('empty values count as unset, and the result is frozen', async t => {
  const config = loadConfig({ PORT: '', COGNITO_USER_POOL_ID: '' })
  t.equal(config.mode, 'local')
  t.equal(config.port, 3000)
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.cognito) && Object.isFrozen(config.corsOrigins))
  t.throws(() => { (config as { port: number }).port = 1 })
})
