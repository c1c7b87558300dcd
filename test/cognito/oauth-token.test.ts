/**
 * The hosted UI's token endpoint, against a small real HTTP server playing
 * Cognito's /oauth2/token: what is sent (client authentication, PKCE) and how
 * each answer Cognito can give becomes a problem code. (The happy path against
 * the local stand-in is in test/routes/oauth.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import type { CognitoContext } from '../../src/cognito/client.js'
import { hostedUiIntents } from '../../src/cognito/oauth-token.js'
import { ApiError } from '../../src/errors/catalog.js'
import { COGNITO_TIMEOUT_MS, NEVER_ANSWERS_TIMEOUT_MS } from '../helpers/timeouts.js'

interface Seen { authorization?: string, form: URLSearchParams }

async function tokenEndpoint (t: Test, answer: (res: ServerResponse) => void): Promise<{ domain: string, seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    req.on('end', () => {
      seen.push({ authorization: req.headers.authorization, form: new URLSearchParams(body) })
      if (req.url !== '/oauth2/token' || req.method !== 'POST') return res.writeHead(404).end()
      answer(res)
    })
  })
  t.teardown(() => new Promise(resolve => { server.closeAllConnections(); server.close(resolve) }))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { domain: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

const json = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}
const context = (clientSecret?: string) => ({ pool: { clientId: 'client+1', clientSecret } }) as unknown as CognitoContext
const exchange = { code: 'the-code', redirectUri: 'https://bff.example.com/oauth/callback' }

t.test('a code becomes tokens; the client authenticates with Basic when it has a secret, PKCE when started here', async t => {
  const tokens = { access_token: 'a.b.c', id_token: 'd.e.f', refresh_token: 'r', token_type: 'Bearer', expires_in: 3600 }
  const { domain, seen } = await tokenEndpoint(t, json(200, tokens))
  const withSecret = hostedUiIntents(context('s3cret/=='), { domain, timeoutMs: COGNITO_TIMEOUT_MS })
  const answer = await withSecret.exchangeAuthorizationCode({ ...exchange, codeVerifier: 'v'.repeat(43) })
  t.same(answer, { accessToken: 'a.b.c', idToken: 'd.e.f', refreshToken: 'r' })
  const basic = Buffer.from('client%2B1:s3cret%2F%3D%3D').toString('base64')
  t.equal(seen[0]?.authorization, `Basic ${basic}`, 'both halves form-encoded (RFC 6749 2.3.1)')
  t.same(Object.fromEntries(seen[0]!.form), {
    grant_type: 'authorization_code', client_id: 'client+1', code: 'the-code', redirect_uri: exchange.redirectUri, code_verifier: 'v'.repeat(43)
  })

  const publicClient = hostedUiIntents(context(), { domain, timeoutMs: COGNITO_TIMEOUT_MS })
  await publicClient.exchangeAuthorizationCode(exchange)
  t.equal(seen[1]?.authorization, undefined, 'no secret, no Authorization header')
  t.equal(seen[1]?.form.get('code_verifier'), null, 'no verifier for a sign-in this service did not start')
})

t.test('each answer of the token endpoint becomes the right problem', async t => {
  const never = () => {}
  const cases: Array<[string, (res: ServerResponse) => void, string]> = [
    ['invalid_grant (spent, expired or foreign code)', json(400, { error: 'invalid_grant' }), 'OAUTH_CODE_INVALID'],
    ['invalid_client (this service\'s secret)', json(401, { error: 'invalid_client' }), 'UPSTREAM_ERROR'],
    ['unauthorized_client (the app client\'s OAuth settings)', json(400, { error: 'unauthorized_client' }), 'UPSTREAM_ERROR'],
    ['throttled', json(429, { error: 'too_many_requests' }), 'UPSTREAM_THROTTLED'],
    ['an outage', res => res.writeHead(503).end('<html>down</html>'), 'UPSTREAM_UNAVAILABLE'],
    ['200 without tokens', json(200, { token_type: 'Bearer' }), 'UPSTREAM_ERROR'],
    ['a redirect (a wrong COGNITO_DOMAIN)', res => res.writeHead(302, { location: 'https://elsewhere.example.com/' }).end(), 'UPSTREAM_UNAVAILABLE'],
    ['no answer within the timeout', never, 'UPSTREAM_UNAVAILABLE']
  ]
  for (const [name, answer, code] of cases) {
    const { domain } = await tokenEndpoint(t, answer)
    // A short timeout only where nothing answers: an answer never races it.
    const intents = hostedUiIntents(context(), { domain, timeoutMs: answer === never ? NEVER_ANSWERS_TIMEOUT_MS : COGNITO_TIMEOUT_MS })
    const err = await intents.exchangeAuthorizationCode(exchange).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof ApiError && err.code === code, `${name}: ${code} (got ${err instanceof ApiError ? err.code : String(err)})`)
  }
})

t.test('nothing answering at the domain is an outage, not a crash', async t => {
  const intents = hostedUiIntents(context(), { domain: 'http://127.0.0.1:1', timeoutMs: COGNITO_TIMEOUT_MS })
  const err = await intents.exchangeAuthorizationCode(exchange).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof ApiError && err.code === 'UPSTREAM_UNAVAILABLE' && err.retryAfter === 1)
})
