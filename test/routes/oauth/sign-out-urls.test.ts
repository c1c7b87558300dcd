/**
 * Hosted logout returns only to a registered sign-out URL (the app client's
 * LogoutURLs, as the service last read them): Cognito's /logout shows its own
 * error page for any other. The local pool registers PUBLIC_URL's /local/demo
 * and /; each test changes the list through the emulator's admin API.
 */
import { UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { buildTestApp } from '../../helper.js'
import { sdkFor } from '../../helpers/emulator-sdk.js'
import { fileTimeout } from '../../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const { app, local, config } = await buildTestApp(t, { env: { REDIRECT_ALLOWLIST: 'http://localhost:3000' } })
const admin = sdkFor(t, local)
const { userPoolId: UserPoolId, clientId: ClientId } = config.pool
const registered = app.userPool.description?.client.LogoutURLs ?? []

async function setLogoutUrls (t: { teardown (fn: () => unknown): void }, LogoutURLs: string[]): Promise<void> {
  await admin.send(new UpdateUserPoolClientCommand({ UserPoolId, ClientId, LogoutURLs }))
  await app.userPool.refresh()
  t.teardown(async () => {
    await admin.send(new UpdateUserPoolClientCommand({ UserPoolId, ClientId, LogoutURLs: registered }))
    await app.userPool.refresh()
  })
}

async function hostedLogout (redirect: string): Promise<URL> {
  const response = await app.inject({ method: 'GET', url: '/auth/logout/hosted?redirect=' + encodeURIComponent(redirect) })
  if (response.statusCode !== 302) throw new Error(`hosted logout answered ${response.statusCode}: ${response.body}`)
  return new URL(String(response.headers.location))
}

t.test('a registered target: Cognito\'s /logout returns to it', async t => {
  t.same(registered, ['http://localhost:3000/local/demo', 'http://localhost:3000/'])
  const logout = await hostedLogout('http://localhost:3000/local/demo')
  t.equal(`${logout.origin}${logout.pathname}`, `${config.hostedUiDomain}/logout`)
  t.equal(logout.searchParams.get('logout_uri'), 'http://localhost:3000/local/demo')
})

t.test('a target not registered: the service\'s own page, when that one is registered', async t => {
  await setLogoutUrls(t, ['http://localhost:3000/'])
  const logout = await hostedLogout('http://localhost:3000/local/demo')
  t.equal(`${logout.origin}${logout.pathname}`, `${config.hostedUiDomain}/logout`)
  t.equal(logout.searchParams.get('logout_uri'), 'http://localhost:3000/', 'not Cognito\'s error page')
})

t.test('no page of the service registered: straight to the target, the session here ended, Cognito not asked', async t => {
  await setLogoutUrls(t, ['https://elsewhere.example.com/'])
  const logout = await hostedLogout('http://localhost:3000/local/demo')
  t.equal(logout.href, 'http://localhost:3000/local/demo')
})
