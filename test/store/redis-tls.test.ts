/**
 * The Redis store over TLS with an ACL user: Debian's redis-server serving
 * TLS only, with a CA and a certificate the test makes (openssl), the default
 * user off and one user with a password. The same conformance suite as one
 * plain server; and what must be refused is refused, without the password in
 * any log line or error.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import t from 'tap'
import { loadConfig } from '../../src/config/index.js'
import { createRedisStore, RedisStoreError, type RedisStoreOptions } from '../../src/store/redis-store.js'
import { startRedisServer } from '../helpers/redis-server.js'
import { storeConformance } from './conformance.js'

t.setTimeout(300_000)

const password = `pw-${randomUUID()}`
const aclDir = await mkdtemp(join(tmpdir(), 'cognito-bff-acl-'))
t.teardown(() => rm(aclDir, { recursive: true, force: true }))
await writeFile(join(aclDir, 'users.acl'), `user default off\nuser bff on >${password} ~* &* +@all\n`)
const server = await startRedisServer(t, { tls: true, args: ['--aclfile', join(aclDir, 'users.acl')] })
const ca = server.tls!.ca
const url = `rediss://bff:${password}@127.0.0.1:${server.port}`
const freshPrefix = (): string => `test:${randomUUID()}:`

storeConformance(t, 'redis store over TLS, ACL user', async () => {
  const store = createRedisStore({ url, tlsCa: ca, keyPrefix: freshPrefix() })
  await store.ping()
  return store
})

t.test('REDIS_TLS_CA_FILE as the service reads it: the store connects with that CA', async t => {
  const config = loadConfig({ REDIS_URL: url, REDIS_TLS_CA_FILE: server.tls!.caFile, LOG_LEVEL: 'silent' })
  const store = createRedisStore({ ...config.redis!, keyPrefix: freshPrefix() })
  t.teardown(() => store.close())
  t.equal(await store.ping(), true)
  t.equal(await store.putOnce('k', 'v', 5000), true)
})

t.test('refused: a server whose CA is not trusted, a wrong password, the default user, plain text; the password never shows', async t => {
  const lines: string[] = []
  const logger = {
    info: (obj: object, msg: string) => { lines.push(`info ${msg} ${JSON.stringify(obj)}`) },
    warn: (obj: object, msg: string) => { lines.push(`warn ${msg} ${JSON.stringify(obj)}`) }
  }
  const cases: Array<[string, RedisStoreOptions, RegExp]> = [
    ['Node\'s own CAs do not know the test CA', { url }, /certificate/i],
    ['a wrong password', { url: `rediss://bff:wrong-${password}@127.0.0.1:${server.port}`, tlsCa: ca }, /WRONGPASS/],
    ['the default user is off', { url: `rediss://127.0.0.1:${server.port}`, tlsCa: ca }, /NOAUTH|NOPERM|WRONGPASS|disabled/i],
    ['plain text to a TLS port', { url: `redis://bff:${password}@127.0.0.1:${server.port}` }, /./]
  ]
  for (const [name, options, reason] of cases) {
    const store = createRedisStore({ ...options, keyPrefix: freshPrefix(), commandTimeoutMs: 500, logger })
    t.teardown(() => store.close())
    t.equal(await store.ping(), false, `${name}: never ready`)
    const error = await store.isRevoked({ ids: ['jti'], sub: 'sub', issuedAt: 0 }).then(() => undefined, (err: unknown) => err)
    t.type(error, RedisStoreError, `${name}: calls reject (503), never "not revoked"`)
    t.notMatch(inspect(error, { depth: 5 }), password)
    const logged = lines.splice(0)
    t.ok(logged.some(line => reason.test(line)), `${name}: the log says why (${logged[0]})`)
  }
  t.notOk(lines.some(line => line.includes(password)), 'no log line carries the password')
  t.throws(() => createRedisStore({ url: `redis://127.0.0.1:${server.port}`, tlsCa: ca }), TypeError, 'a CA for a plain-text URL is a mistake')
})
