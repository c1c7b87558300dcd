/**
 * The user cache in front of GetUser, in local mode (the emulator answers
 * every GetUser; the gateway's `observe` counts them): reads by one user are
 * one GetUser per USER_CACHE_SECONDS, and the service's own writes (PATCH /me,
 * MFA, the admin API) are seen at once, also by a second instance sharing the
 * store.
 */
import type { FastifyInstance } from 'fastify'
import { authenticator } from 'otplib'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { gatewayFor } from '../../src/cognito/gateway.js'
import { createMemoryStore } from '../../src/store/memory-store.js'
import { buildTestApp, PASSWORD } from '../helper.js'
import { fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const store = createMemoryStore()
const { app, local, confirmedUser } = await buildTestApp(t, { deps: { store } })

/** How many GetUser calls the gateway sent while `run` ran. */
async function getUsers (gatewayOf: FastifyInstance, run: () => Promise<void>): Promise<number> {
  let count = 0
  const stop = gatewayOf.cognito.observe?.(call => { if (call.operation === 'GetUser') count++ })
  try {
    await run()
  } finally {
    stop?.()
  }
  return count
}

async function bearerOf (username: string, password = PASSWORD): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
  return { authorization: `Bearer ${res.json().tokens.accessToken as string}` }
}

t.test('1,000 /me reads by one user are one GetUser (USER_CACHE_SECONDS, default 30 s), concurrent reads included', async t => {
  const { username } = await confirmedUser('reads')
  const headers = await bearerOf(username)
  const calls = await getUsers(app, async () => {
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => app.inject({ method: 'GET', url: '/me', headers })))
      for (const answer of answers) if (answer.statusCode !== 200) t.fail(`a read answered ${answer.statusCode}: ${answer.body}`)
    }
  })
  t.equal(calls, 1, 'one GetUser for 1,000 reads')
  const mfaCalls = await getUsers(app, async () => {
    const res = await app.inject({ method: 'GET', url: '/me/mfa', headers })
    t.same(res.json(), { enabled: [] })
  })
  t.equal(mfaCalls, 0, 'GET /me/mfa answers from the same copy')
})

t.test('USER_CACHE_SECONDS=0: every read asks Cognito (the control)', async t => {
  const uncached = await buildTestApp(t, { env: { USER_CACHE_SECONDS: '0' } })
  const { username } = await uncached.confirmedUser('nocache')
  const res = await uncached.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  const headers = { authorization: `Bearer ${res.json().tokens.accessToken as string}` }
  const calls = await getUsers(uncached.app, async () => {
    for (let i = 0; i < 5; i++) await uncached.app.inject({ method: 'GET', url: '/me', headers })
  })
  t.equal(calls, 5)
})

t.test('our own writes are seen at once: PATCH /me, PUT /me/mfa, an admin update, on this instance and on a second sharing the store', async t => {
  // A second instance: the same pool and emulator (its own SDK client), the same (shared) store.
  const second = await buildApp(app.config, { gateway: gatewayFor(local.config), store })
  t.teardown(() => second.close())
  await second.ready()
  const { username } = await confirmedUser('writes')
  const headers = await bearerOf(username)
  const read = async (on: FastifyInstance, url = '/me') => (await on.inject({ method: 'GET', url, headers })).json()
  // Both instances hold a copy.
  t.equal((await read(app)).attributes.name, undefined)
  t.equal((await read(second)).attributes.name, undefined)

  const patched = await app.inject({ method: 'PATCH', url: '/me', headers, payload: { attributes: { name: 'Ada' } } })
  t.equal(patched.statusCode, 200, patched.body)
  t.equal(patched.json().attributes.name, 'Ada', 'the PATCH answers the new value')
  t.equal((await read(app)).attributes.name, 'Ada', 'this instance')
  t.equal((await read(second)).attributes.name, 'Ada', 'the second instance')
  t.equal(await getUsers(second, async () => { await read(second) }), 0, 'and then from its copy again')

  t.same(await read(second, '/me/mfa'), { enabled: [] })
  const { secret } = (await second.inject({ method: 'POST', url: '/me/mfa/totp', headers })).json() as { secret: string }
  const code = authenticator.generate(secret)
  t.equal((await second.inject({ method: 'POST', url: '/me/mfa/totp/verify', headers, payload: { code } })).statusCode, 204)
  const mfa = await second.inject({ method: 'PUT', url: '/me/mfa', headers, payload: { totp: { enabled: true, preferred: true } } })
  t.equal(mfa.statusCode, 200, mfa.body)
  t.same(await read(app, '/me/mfa'), { enabled: ['TOTP'], preferred: 'TOTP' }, 'an MFA change through the other instance')

  const adminHeaders = await bearerOf(local.demoAdmin.username, local.demoAdmin.password)
  const admin = await second.inject({
    method: 'PATCH', url: `/admin/users/${username}`, headers: adminHeaders, payload: { attributes: { name: 'Grace' } }
  })
  t.equal(admin.statusCode, 200, admin.body)
  t.equal((await read(app)).attributes.name, 'Grace', 'an admin update through the other instance')
})
