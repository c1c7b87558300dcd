/**
 * The container emulator's entry point (packages/local-cognito/src/standalone-emulator.ts), run
 * in this process (no container engine needed): fixed ids on the first start
 * and on every later one, the configured issuer, and the service in aws mode
 * configured against it as docker-compose.yml configures the bff container.
 * The containers themselves are checked by scripts/compose-smoke.sh.
 */
import { DescribeUserPoolClientCommand, DescribeUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { createSdkClient, localCredentials } from '../../src/cognito/client.js'
import { loadConfig, type AwsConfig } from '../../src/config/index.js'
import { standaloneSettings, startStandaloneEmulator } from '@cognito-bff/local-cognito/standalone'
import { captureLines, freePort, TEST_TIMEOUTS_ENV } from '../helper.js'
import { COGNITO_TIMEOUT_MS } from '../helpers/timeouts.js'

const quiet = pino({ level: 'silent' })
const POOL = 'us-east-1_TestPool9'
const CLIENT = 'fixedtestclient000000000001'

t.test('settings: defaults, and every bad value reported at once', async t => {
  const defaults = standaloneSettings({})
  t.match(defaults, {
    host: '0.0.0.0',
    port: 9229,
    dataDir: '/data',
    issuer: 'http://localhost:9229',
    ids: { userPoolId: 'us-east-1_LocalPool1', clientId: 'cognitobfflocalclient00001' },
    demoPassword: 'Passw0rd!demo'
  })
  t.same(defaults.oauth, {
    callbackUrls: ['http://localhost:3000/oauth/callback'],
    logoutUrls: ['http://localhost:3000/local/demo', 'http://localhost:3000/']
  })
  t.same(standaloneSettings({ COGNITO_LOCAL_BFF_URLS: 'http://localhost:3000/, http://localhost:3001' }).oauth.callbackUrls,
    ['http://localhost:3000/oauth/callback', 'http://localhost:3001/oauth/callback'])
  t.throws(() => standaloneSettings({
    COGNITO_LOCAL_PORT: 'x',
    COGNITO_LOCAL_POOL_ID: 'nounderscore',
    COGNITO_LOCAL_CLIENT_ID: 'bad-id',
    COGNITO_LOCAL_ISSUER: 'http://cognito:9229/path',
    COGNITO_LOCAL_BFF_URLS: 'ftp://x'
  }), { message: /PORT[\s\S]*POOL_ID[\s\S]*CLIENT_ID[\s\S]*ISSUER[\s\S]*BFF_URLS/ })
})

t.test('fixed ids on the first start and after a restart; the service in aws mode signs in against it', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-standalone-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const settings = standaloneSettings({
    COGNITO_LOCAL_HOST: '127.0.0.1',
    COGNITO_LOCAL_PORT: String(port),
    COGNITO_LOCAL_DATA_DIR: dataDir,
    COGNITO_LOCAL_ISSUER: endpoint,
    COGNITO_LOCAL_POOL_ID: POOL,
    COGNITO_LOCAL_CLIENT_ID: CLIENT,
    COGNITO_LOCAL_READY_FILE: join(dataDir, 'ready')
  })
  const sdk = createSdkClient({ region: 'us-east-1', endpoint, timeoutMs: COGNITO_TIMEOUT_MS, credentials: localCredentials() })
  t.teardown(() => sdk.destroy())

  // Stopped with the test if an assert below throws before it is closed on purpose.
  let firstRunning = true
  const first = await startStandaloneEmulator(settings, quiet)
  t.teardown(async () => { if (firstRunning) await first.close() })
  const pools = await sdk.send(new ListUserPoolsCommand({ MaxResults: 10 }))
  t.same(pools.UserPools?.map(p => p.Id), [POOL], 'one pool, with the fixed id')
  const client = await sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL, ClientId: CLIENT }))
  t.match(client.UserPoolClient, {
    ClientId: CLIENT,
    UserPoolId: POOL,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    SupportedIdentityProviders: ['COGNITO'],
    CallbackURLs: ['http://localhost:3000/oauth/callback'],
    LogoutURLs: ['http://localhost:3000/local/demo', 'http://localhost:3000/']
  }, 'the app client local mode makes')
  t.notOk(client.UserPoolClient?.ClientSecret)
  const schema = (await sdk.send(new DescribeUserPoolCommand({ UserPoolId: POOL }))).UserPool?.SchemaAttributes ?? []
  t.ok(schema.some(a => a.Name === 'custom:plan'), 'the pool local mode makes (custom:plan)')
  t.same((await readdir(join(dataDir, 'cognito', 'db'))).sort(), ['clients.json', `${POOL}.json`], 'no file of a generated id is left')
  firstRunning = false
  await first.close()

  const second = await startStandaloneEmulator(settings, quiet)
  t.teardown(() => second.close())
  t.same((await sdk.send(new ListUserPoolsCommand({ MaxResults: 10 }))).UserPools?.map(p => p.Id), [POOL], 'a restart makes no other pool')

  // As docker-compose.yml configures the bff container.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    ...TEST_TIMEOUTS_ENV,
    COGNITO_USER_POOL_ID: POOL,
    COGNITO_CLIENT_ID: CLIENT,
    COGNITO_ENDPOINT: endpoint,
    COGNITO_ISSUER: `${endpoint}/${POOL}`,
    COGNITO_JWKS_URI: `${endpoint}/${POOL}/.well-known/jwks.json`,
    COOKIE_SECRETS: 'test-cookie-secret-of-32-characters!',
    PUBLIC_URL: 'http://localhost:3000'
  }) as AwsConfig
  t.equal(config.mode, 'aws')
  const app = await buildApp(config, { logStream: captureLines().stream })
  t.teardown(() => app.close())
  const login = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username: 'demo', password: 'Passw0rd!demo', tokenDelivery: 'body' }
  })
  t.equal(login.statusCode, 200, 'the demo user signs in')
  const access = login.json().tokens.accessToken as string
  const claims = JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString('utf8'))
  t.match(claims, { iss: `${endpoint}/${POOL}`, client_id: CLIENT }, 'tokens name the configured issuer')
  const me = await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${access}` } })
  t.equal(me.statusCode, 200, '/me with the access token')
  t.equal(me.json().username, 'demo')
})
