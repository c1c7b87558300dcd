/**
 * Refresh against an app client with refresh-token rotation, on the local
 * layer's GetTokensFromRefreshToken: the new refresh token replaces the old
 * one in the cookie or the body, the old one is spent, and two refreshes of
 * one session at the same moment become one.
 */
import { CreateUserPoolClientCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { buildApp } from '../../../src/app.js'
import { createSdkClient, localCredentials } from '../../../src/cognito/client.js'
import type { LocalConfig } from '../../../src/config/index.js'
import { buildTestApp, captureLines, contractChecked, cookieHeader, expectProblem } from '../../helper.js'
import { COGNITO_TIMEOUT_MS } from '../../helpers/timeouts.js'

const { local } = await buildTestApp(t)
const admin = createSdkClient({
  region: 'us-east-1', endpoint: local.config.pool.endpoint, timeoutMs: COGNITO_TIMEOUT_MS, credentials: localCredentials()
})
t.teardown(() => admin.destroy())
// The local client's hosted-UI settings, so the app's start-up checks accept the new client as they do the local one.
const { UserPoolClient: known } = await admin.send(new DescribeUserPoolClientCommand({
  UserPoolId: local.config.pool.userPoolId, ClientId: local.config.pool.clientId
}))
const created = await admin.send(new CreateUserPoolClientCommand({
  UserPoolId: local.config.pool.userPoolId,
  CallbackURLs: known?.CallbackURLs,
  LogoutURLs: known?.LogoutURLs,
  AllowedOAuthFlows: known?.AllowedOAuthFlows,
  AllowedOAuthFlowsUserPoolClient: known?.AllowedOAuthFlowsUserPoolClient,
  AllowedOAuthScopes: known?.AllowedOAuthScopes,
  SupportedIdentityProviders: known?.SupportedIdentityProviders,
  ClientName: 'rotating',
  // As AWS requires of a rotating client: no ALLOW_REFRESH_TOKEN_AUTH (refresh is GetTokensFromRefreshToken).
  ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
  EnableTokenRevocation: true,
  RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 }
}))
const config: LocalConfig = { ...local.config, pool: { ...local.config.pool, clientId: created.UserPoolClient!.ClientId! } }
const app = contractChecked(await buildApp(config, { logStream: captureLines().stream }))
await app.ready()
t.teardown(() => app.close())
const demo = { username: local.demoUser.username, password: local.demoUser.password }

t.test('body clients get the new refresh token; two at once share one refresh; the old token is spent', async t => {
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...demo, tokenDelivery: 'body' } })
  const first: string = login.json().tokens.refreshToken
  const refresh = (refreshToken: string) => app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } })

  const [a, b] = await Promise.all([refresh(first), refresh(first)])
  t.equal(a.statusCode, 200, 'the first tab')
  t.equal(b.statusCode, 200, 'the second tab, at the same moment, does not trip reuse detection')
  const second: string = a.json().tokens.refreshToken
  t.match(second, /^eyJ/, 'a new refresh token comes back')
  t.not(second, first)
  t.equal(b.json().tokens.refreshToken, second, 'both got the one result')

  // Waits out the 2 s a refresh result is shared (REFRESH_SHARE_MS, a real store TTL): the wait is what is tested,
  // and a busy machine only makes it longer.
  await new Promise(resolve => setTimeout(resolve, 2100))
  expectProblem(t, await refresh(first), 'SESSION_EXPIRED')
  const third = await refresh(second)
  t.equal(third.statusCode, 200, 'the new token works')
  t.not(third.json().tokens.refreshToken, second, 'and is rotated in turn')
})

t.test('a cookie session gets the new refresh token sealed into its cookie', async t => {
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: demo })
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: cookieHeader(login) } })
  t.equal(refreshed.statusCode, 200)
  t.equal(refreshed.json().tokens, undefined)
  const before = login.cookies.find(c => c.name === 'bff_refresh')!.value
  const after = refreshed.cookies.find(c => c.name === 'bff_refresh')?.value
  t.ok(after, 'the refresh cookie is set again')
  t.not(after, before)
  const again = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie: `bff_refresh=${after}` } })
  t.equal(again.statusCode, 200, 'the re-sealed cookie refreshes')
})
