/**
 * A session whose ID token does not fit in one cookie (60 groups, 20 custom
 * attributes), as Chromium lives it: the sealed cookies travel in chunks the
 * browser keeps, /me and refresh work, logout leaves no chunk behind.
 */
import {
  AddCustomAttributesCommand, AdminAddUserToGroupCommand, AdminUpdateUserAttributesCommand, CreateGroupCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { buildTestApp, freePort } from '../helper.js'
import { launchChromium, openContext } from '../helpers/chromium.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, local, config, confirmedUser } = await buildTestApp(t, { env: { PUBLIC_URL: origin } })
await app.listen({ port, host: '127.0.0.1' })
const browser = await launchChromium(t)

const GROUPS = 60
const CUSTOM_ATTRIBUTES = 20
const UserPoolId = config.pool.userPoolId
const user = await confirmedUser('large')
// The local plan attribute is one of the 20; the other 19 are added to the pool here.
await local.sdk.send(new AddCustomAttributesCommand({
  UserPoolId,
  CustomAttributes: Array.from({ length: CUSTOM_ATTRIBUTES - 1 }, (_, i) => ({
    Name: `attr${i}`, AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '0', MaxLength: '256' }
  }))
}))
await local.sdk.send(new AdminUpdateUserAttributesCommand({
  UserPoolId,
  Username: user.username,
  UserAttributes: [
    { Name: 'custom:plan', Value: 'enterprise-plan-with-every-option' },
    ...Array.from({ length: CUSTOM_ATTRIBUTES - 1 }, (_, i) => ({ Name: `custom:attr${i}`, Value: `value-of-custom-attribute-${i}-`.repeat(3) }))
  ]
}))
for (let i = 0; i < GROUPS; i++) {
  const GroupName = `department-${String(i).padStart(2, '0')}-readers`
  await local.sdk.send(new CreateGroupCommand({ UserPoolId, GroupName }))
  await local.sdk.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: user.username, GroupName }))
}

t.test('an ID token with 60 groups and 20 custom attributes: chunked cookies; sign-in, /me, refresh, logout', async t => {
  const context = await openContext(t, browser)
  const page = await context.newPage()
  await page.goto(`${origin}/local/demo`)
  const call = (path: string, body?: unknown) => page.evaluate(async ({ path, body }) => {
    const init: RequestInit = { method: body === undefined && !path.startsWith('/auth') ? 'GET' : 'POST', credentials: 'include' }
    if (body !== undefined) init.headers = { 'content-type': 'application/json' }
    if (body !== undefined) init.body = JSON.stringify(body)
    const response = await fetch(path, init)
    const text = await response.text()
    return { status: response.status, body: text === '' ? null : JSON.parse(text) }
  }, { path, body })

  const login = await call('/auth/login', user)
  t.equal(login.status, 200)
  const names = async () => (await context.cookies()).map(c => c.name).sort()
  const kept = await context.cookies()
  const idChunks = kept.filter(c => c.name.startsWith('bff_id.'))
  t.ok(idChunks.length >= 2, `the ID cookie travels in ${idChunks.length} chunks the browser kept`)
  t.notOk(kept.some(c => c.name === 'bff_id'), 'and not as one cookie')
  for (const cookie of kept) {
    t.ok(cookie.name.length + cookie.value.length < 4096, `${cookie.name}: ${cookie.name.length + cookie.value.length} bytes`)
    t.equal(cookie.httpOnly, true, `${cookie.name} httpOnly`)
  }
  const sealedBytes = idChunks.reduce((sum, c) => sum + c.value.length, 0)
  t.comment(`sealed ID token: ${sealedBytes} bytes in ${idChunks.length} chunks; cookies kept: ${kept.length}`)

  const me = await call('/me')
  t.equal(me.status, 200, '/me reads the joined session')
  t.equal(me.body.username, user.username)
  t.equal(me.body.groups?.length, GROUPS, 'every group arrived')

  const before = await names()
  const refresh = await call('/auth/refresh')
  t.equal(refresh.status, 200, 'refresh works from the chunked session')
  t.same(await names(), before, 'the refreshed session has the same chunks, none stale')
  t.equal((await call('/me')).status, 200, '/me after the refresh')

  const logout = await call('/auth/logout')
  t.equal(logout.status, 204)
  t.same(await context.cookies(), [], 'logout leaves no chunk in the browser')
  t.equal((await call('/me')).status, 401)
  await context.close()
})
