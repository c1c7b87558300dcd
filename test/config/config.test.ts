import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import Fastify from 'fastify'
import { completeLocalConfig, ConfigError, loadConfig } from '../../src/config/index.js'

const AWS = {
  COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
  COGNITO_CLIENT_ID: 'abc123',
  COOKIE_SECRETS: 'k'.repeat(32),
  PUBLIC_URL: 'https://auth.example.com'
}

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
  const config = loadConfig({
    ...AWS,
    PUBLIC_URL: 'https://auth.example.com',
    PORT: '8080',
    CORS_ORIGINS: 'https://app.example.com, https://cms.example.com',
    REVEAL_USER_EXISTENCE: 'true',
    LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH'
  })
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
  const err = t.throws(() => loadConfig({
    PORT: 'eighty',
    COGNITO_USER_POOL_ID: 'bad pool',
    LOG_LEVEL: 'loud',
    LOGIN_FLOW: 'SRP',
    COOKIE_SECRETS: 'too-short-secret',
    CORS_ORIGINS: 'https://ok.example.com,https://x.example.com/path'
  })) as ConfigError
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

t.test('proxy trust and the abuse budgets are configurable', async t => {
  t.equal(loadConfig({}).trustProxy, false)
  t.same(loadConfig({}).rateLimits, { signUp: 20, signIn: 60, recovery: 10 })
  t.same(loadConfig({}).accountLimits, { signInFailures: 10, codeFailures: 10, totalFailures: 50, windowMs: 900_000 })
  t.equal(loadConfig({}).uniformAnswerMs, 250)
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, '10.0.0.0/8,127.0.0.1')
  t.match(loadConfig({ RATE_LIMIT_SIGNIN: '5', ACCOUNT_FAILURE_WINDOW_S: '60' }), { rateLimits: { signIn: 5 }, accountLimits: { windowMs: 60_000 } })
  t.throws(() => loadConfig({ TRUST_PROXY: 'everyone', RATE_LIMIT_SIGNUP: '0' }), /TRUST_PROXY[\s\S]*RATE_LIMIT_SIGNUP|RATE_LIMIT_SIGNUP[\s\S]*TRUST_PROXY/)
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

t.test('the pool is derived once: region from the pool id, issuer and JWKS URL from the region', async t => {
  const config = loadConfig(AWS)
  if (config.mode !== 'aws') throw new Error('expected AWS mode')
  t.same(config.pool, {
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbC123',
    clientId: 'abc123',
    clientSecret: undefined,
    endpoint: undefined,
    issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json',
    alternateIssuer: {
      issuer: 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      jwksUri: 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json'
    }
  }, 'both issuer formats: tokens name one or the other depending on the pool')
  const overridden = loadConfig({ ...AWS, COGNITO_ISSUER: 'https://issuer.example.com/pool', COGNITO_JWKS_URI: 'https://keys.example.com/jwks.json' })
  t.match(overridden, { pool: { issuer: 'https://issuer.example.com/pool', jwksUri: 'https://keys.example.com/jwks.json' } })
  t.match(
    loadConfig({ ...AWS, COGNITO_ISSUER: 'https://issuer.example.com/pool' }),
    { pool: { jwksUri: 'https://issuer.example.com/pool/.well-known/jwks.json' } },
    'the JWKS URL follows an overridden issuer'
  )
  t.match(loadConfig({ ...AWS, COGNITO_REGION: 'eu-west-1' }), { pool: { region: 'eu-west-1' } }, 'a region that agrees is fine')
  t.notOk((overridden as { pool: { alternateIssuer?: unknown } }).pool.alternateIssuer, 'an overridden issuer (a replica) is the only one')
  t.match(loadConfig({ ...AWS, COGNITO_USER_POOL_ID: 'us-gov-west-1_AbC123' }), { pool: { region: 'us-gov-west-1' } })
  const sovereign = loadConfig({ ...AWS, COGNITO_USER_POOL_ID: 'eusc-de-east-1_AbC123' })
  t.match(sovereign, { pool: { region: 'eusc-de-east-1' } }, 'the European Sovereign Cloud')
})

t.test('a region that contradicts the pool id, or a pool id without a region, stops the start', async t => {
  const mismatch = t.throws(() => loadConfig({ ...AWS, COGNITO_REGION: 'us-east-1' })) as ConfigError
  t.match(mismatch.problems.join('\n'), 'COGNITO_REGION: us-east-1 differs from the region of COGNITO_USER_POOL_ID (eu-west-1)')
  const noRegion = t.throws(() => loadConfig({ ...AWS, COGNITO_USER_POOL_ID: 'local_AbC123' })) as ConfigError
  t.match(noRegion.problems.join('\n'), 'COGNITO_USER_POOL_ID: "local_AbC123" does not start with an AWS region')
  const emulator = loadConfig({
    ...AWS,
    COGNITO_USER_POOL_ID: 'local_AbC123',
    COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
    COGNITO_REGION: 'eu-west-2'
  })
  t.match(
    emulator,
    { pool: { region: 'eu-west-2', endpoint: 'http://127.0.0.1:9229', userPoolId: 'local_AbC123' } },
    'an emulator at COGNITO_ENDPOINT may use its own ids'
  )
})

t.test('local mode has no pool until the emulator made one; completing it derives the issuer from the emulator', async t => {
  const start = loadConfig({ COGNITO_REGION: 'eu-central-1' })
  if (start.mode !== 'local') throw new Error('expected local mode')
  t.notOk('pool' in start, 'no pool before the emulator runs')
  t.equal(start.cookies.secrets, undefined, 'no cookie key unless configured')
  const config = completeLocalConfig(start, {
    endpoint: 'http://127.0.0.1:40555',
    userPoolId: 'local_X1',
    clientId: 'c1',
    cookieSecret: 's'.repeat(43)
  })
  t.same(config.pool, {
    region: 'eu-central-1',
    userPoolId: 'local_X1',
    clientId: 'c1',
    endpoint: 'http://127.0.0.1:40555',
    issuer: 'http://127.0.0.1:40555/local_X1',
    jwksUri: 'http://127.0.0.1:40555/local_X1/.well-known/jwks.json'
  })
  t.same(config.cookies.secrets, ['s'.repeat(43)])
  t.ok(Object.isFrozen(config.pool) && Object.isFrozen(config.cookies.secrets))
})

t.test('a hop count in TRUST_PROXY makes Fastify take the client address that many proxies back (a bare number would trust none)', async t => {
  const app = Fastify({ trustProxy: loadConfig({ TRUST_PROXY: '1' }).trustProxy })
  app.get('/ip', async request => request.ip)
  const response = await app.inject({
    method: 'GET',
    url: '/ip',
    remoteAddress: '10.0.0.2',
    headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.9' }
  })
  t.equal(response.body, '198.51.100.9', 'one trusted hop: the address the proxy saw')
  t.equal((await app.inject({ method: 'GET', url: '/ip', remoteAddress: '10.0.0.2' })).body, '10.0.0.2', 'no header: the peer')
  const two = Fastify({ trustProxy: loadConfig({ TRUST_PROXY: '2' }).trustProxy })
  two.get('/ip', async request => request.ip)
  const twoHops = await two.inject({
    method: 'GET',
    url: '/ip',
    remoteAddress: '10.0.0.2',
    headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.9' }
  })
  t.equal(twoHops.body, '203.0.113.7', 'two trusted hops: the client before both proxies')
})

t.test('hosted UI: COGNITO_DOMAIN turns it on and needs an allowlist; local mode allows its own origin', async t => {
  const off = loadConfig(AWS)
  t.equal(off.mode === 'aws' && off.hostedUiDomain, undefined, 'no domain: no hosted UI')

  const on = loadConfig({
    ...AWS,
    COGNITO_DOMAIN: 'https://login.example.com/',
    REDIRECT_ALLOWLIST: 'https://app.example.com, https://cms.example.com:8443/account/',
    HANDOFF_SITES: `https://cms.example.com:8443=${'s'.repeat(32)}`,
    OAUTH_PROVIDERS: 'COGNITO,Google,MyOkta',
    OAUTH_EXTERNAL_STATE: 'yes'
  })
  t.equal(on.mode === 'aws' && on.hostedUiDomain, 'https://login.example.com')
  t.same(on.oauth.redirects, [{ origin: 'https://app.example.com', pathPrefix: '/' }, { origin: 'https://cms.example.com:8443', pathPrefix: '/account/' }])
  t.same(on.oauth.handoffSites, [{ origin: 'https://cms.example.com:8443', secret: 's'.repeat(32) }])
  t.same(on.oauth.providers, ['COGNITO', 'Google', 'MyOkta'])
  t.same(on.oauth.scopes, ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'])
  t.equal(on.oauth.externalState, true)
  t.equal(on.oauth.callbackUrl, 'https://auth.example.com/oauth/callback')

  const local = loadConfig({ REDIRECT_ALLOWLIST: 'https://app.example.com' })
  t.same(local.oauth.redirects.map(entry => entry.origin), ['https://app.example.com', 'http://localhost:3000'], 'own origin added last')
  t.same(loadConfig({}).oauth.redirects, [{ origin: 'http://localhost:3000', pathPrefix: '/' }])
})

t.test('hosted UI settings that cannot work stop the start, without echoing a hand-off secret', async t => {
  const secret = 'x'.repeat(40)
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env)
    } catch (err) {
      if (err instanceof ConfigError) return err.problems
      throw err
    }
    return []
  }
  t.same(problems({ ...AWS, COGNITO_DOMAIN: 'https://login.example.com' }), [
    'REDIRECT_ALLOWLIST: required with COGNITO_DOMAIN (where may users be sent back to after the hosted UI?)'
  ])
  t.match(problems({ ...AWS, COGNITO_DOMAIN: 'http://login.example.com', REDIRECT_ALLOWLIST: 'https://app.example.com' }), [/must be https/])
  t.match(problems({ ...AWS, COGNITO_DOMAIN: 'https://login.example.com/oauth2', REDIRECT_ALLOWLIST: 'https://app.example.com' }), [/origin only/])
  t.match(problems({ OAUTH_SCOPES: 'email profile' }), [/must include openid/])
  t.match(problems({ REDIRECT_ALLOWLIST: 'javascript:alert(1)' }), [/REDIRECT_ALLOWLIST: "javascript:alert\(1\)"/])
  t.match(problems({ COGNITO_DOMAIN: 'https://login.example.com' }), [/local mode serves the emulator's own hosted UI/])
  const handoff = problems({ HANDOFF_SITES: `https://cms.example.com=${secret}` })
  t.match(handoff, [/HANDOFF_SITES: https:\/\/cms.example.com is not in REDIRECT_ALLOWLIST/])
  const malformed = problems({ HANDOFF_SITES: `https://cms.example.com=short,${secret}` })
  t.ok(malformed.some(line => line.startsWith('HANDOFF_SITES: Expected string to match')), malformed.join('\n'))
  t.notMatch(malformed.join('\n'), 'xxxxxxxx', 'no part of the secret is echoed')
  t.notMatch(malformed.join('\n'), 'short')
})

t.test('LOGIN_FLOW=USER_AUTH is a login flow; SIGN_IN_AFTER_CONFIRM needs it', async t => {
  t.equal(loadConfig({ LOGIN_FLOW: 'USER_AUTH' }).cognito.loginFlow, 'USER_AUTH')
  t.equal(loadConfig({ LOGIN_FLOW: 'USER_AUTH', SIGN_IN_AFTER_CONFIRM: 'true' }).signInAfterConfirm, true)
  t.equal(loadConfig({}).signInAfterConfirm, false, 'off by default')
  const alone = t.throws(() => loadConfig({ SIGN_IN_AFTER_CONFIRM: 'true' })) as ConfigError
  t.match(alone.problems.join('\n'), 'SIGN_IN_AFTER_CONFIRM: needs LOGIN_FLOW=USER_AUTH')
})

t.test('Redis: one server or a cluster, TLS with a private CA read once; what cannot work stops the start in one line each', async t => {
  const url = 'rediss://bff:s3cr3t@cache.example.com:6379'
  t.same(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis, { url: 'redis://127.0.0.1:6379', keyPrefix: 'cognito-bff:', cluster: false })
  t.same(loadConfig({ REDIS_URL: url, REDIS_CLUSTER: 'true' }).redis, { url, keyPrefix: 'cognito-bff:', cluster: true })

  const dir = await mkdtemp(join(tmpdir(), 'cognito-bff-config-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
  await writeFile(join(dir, 'ca.pem'), pem)
  await writeFile(join(dir, 'not-pem.txt'), 'hello')
  t.same(loadConfig({ REDIS_URL: url, REDIS_TLS_CA_FILE: join(dir, 'ca.pem') }).redis, { url, keyPrefix: 'cognito-bff:', cluster: false, tlsCa: pem })

  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env)
    } catch (err) {
      if (err instanceof ConfigError) return { problems: err.problems, message: err.message }
    }
    throw new Error('expected a ConfigError')
  }
  t.same(problems({ REDIS_URL: url, REDIS_TLS_CA_FILE: join(dir, 'missing.pem') }).problems,
    [`REDIS_TLS_CA_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`])
  t.same(problems({ REDIS_URL: url, REDIS_TLS_CA_FILE: dir }).problems, [`REDIS_TLS_CA_FILE: cannot read ${dir} (EISDIR)`])
  t.same(problems({ REDIS_URL: url, REDIS_TLS_CA_FILE: join(dir, 'not-pem.txt') }).problems,
    [`REDIS_TLS_CA_FILE: ${join(dir, 'not-pem.txt')} holds no PEM certificate`])
  const plain = problems({ REDIS_URL: 'redis://bff:s3cr3t@cache.example.com:6379', REDIS_TLS_CA_FILE: join(dir, 'ca.pem') })
  t.same(plain.problems, ['REDIS_TLS_CA_FILE: needs a rediss:// REDIS_URL (TLS)'])
  t.notMatch(plain.message, 's3cr3t', 'the URL\'s password is not echoed')
  t.same(problems({ REDIS_CLUSTER: 'true', REDIS_TLS_CA_FILE: join(dir, 'ca.pem') }).problems,
    ['REDIS_CLUSTER: needs REDIS_URL (a node of the cluster)', 'REDIS_TLS_CA_FILE: needs a rediss:// REDIS_URL'])
  t.match(problems({ REDIS_URL: url, REDIS_CLUSTER: 'maybe' }).problems.join('\n'), /^REDIS_CLUSTER: /)

  for (const prefix of ['app{', '{app}:', 'app}']) {
    t.same(problems({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix }).problems,
      ['REDIS_KEY_PREFIX: must not contain { or } (a Redis Cluster places each user\'s keys by the {sub} in them)'], `prefix ${prefix}`)
  }
})

t.test('IDENTITY_POOL_ID: its region from the prefix, AWS mode only; IDENTITY_POOL_GUEST needs it', async t => {
  const id = 'eu-central-1:0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b'
  t.same(loadConfig({ ...AWS, IDENTITY_POOL_ID: id, IDENTITY_POOL_GUEST: 'true' }).identityPool, { id, region: 'eu-central-1', guest: true })
  t.equal(loadConfig(AWS).identityPool, undefined, 'unset: no identity pool')
  const local = t.throws(() => loadConfig({ IDENTITY_POOL_ID: id })) as ConfigError
  t.match(local.problems.join('\n'), 'IDENTITY_POOL_ID: local mode has no identity pool')
  const guest = t.throws(() => loadConfig({ ...AWS, IDENTITY_POOL_GUEST: 'true' })) as ConfigError
  t.match(guest.problems.join('\n'), 'IDENTITY_POOL_GUEST: needs IDENTITY_POOL_ID')
  const malformed = t.throws(() => loadConfig({ ...AWS, IDENTITY_POOL_ID: 'eu-central-1_AbC123' })) as ConfigError
  t.match(malformed.problems.join('\n'), 'IDENTITY_POOL_ID')
})
