import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { startLocalCognito } from '../src/index.ts'
import { createOutbox } from '../src/outbox.ts'
import { PASSWORD, testOptions, uniqueUsername } from './helper.ts'
import { sdkFor } from './emulator.ts'

async function tempDir (t: { teardown (fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-bff-outbox-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const message = (username: string, code: string) => ({ kind: 'SignUp', username, destination: `${username}@example.com`, medium: 'EMAIL', code })

t.test('without a file the outbox is memory only, as before', async t => {
  const lines: string[] = []
  const outbox = createOutbox(line => lines.push(line))
  outbox.add(message('ann', '111111'))
  await outbox.flush()
  t.equal(outbox.list('ann')[0]?.code, '111111')
  t.match(lines, [/SignUp code for ann .*: 111111/])
})

t.test('with a file, messages are saved owner-only and loaded by the next outbox, ids going on', async t => {
  const file = join(await tempDir(t), 'messages.json')
  const first = createOutbox(() => {}, { file })
  first.add(message('ann', '111111'))
  first.add(message('bob', '222222'))
  await first.flush()
  t.equal((await stat(file)).mode & 0o777, 0o600, 'codes are for the owner only')

  const second = createOutbox(() => {}, { file })
  t.same(second.list().map(m => [m.id, m.username, m.code]), [[2, 'bob', '222222'], [1, 'ann', '111111']], 'newest first, as saved')
  t.equal(second.add(message('cy', '333333')).id, 3)
})

t.test('the newest 200 are kept, in memory and on disk', async t => {
  const file = join(await tempDir(t), 'messages.json')
  const outbox = createOutbox(() => {}, { file })
  for (let i = 1; i <= 205; i++) outbox.add(message(`u${i}`, String(i).padStart(6, '0')))
  await outbox.flush()
  const saved = JSON.parse(await readFile(file, 'utf8'))
  t.equal(saved.length, 200)
  t.equal(saved[0].username, 'u205')
  t.equal(saved[199].username, 'u6')
  t.same(outbox.list().map(m => m.id), saved.map((m: { id: number }) => m.id))
})

t.test('an unreadable file starts an empty outbox', async t => {
  const outbox = createOutbox(() => {}, { file: join(await tempDir(t), 'missing', 'messages.json') })
  t.same(outbox.list(), [])
})

t.test('the default outbox keeps its messages in the data dir: a code sent before a restart is listed and works after it', async t => {
  const dataDir = await tempDir(t)
  const start = testOptions(dataDir, { outbox: undefined })
  // The default outbox prints each message to stdout: keep those lines out of the TAP stream (and let the rest through).
  const printed: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (String(chunk).startsWith('[local cognito]')) return printed.push(String(chunk)) > 0
    return write(chunk, ...rest)
  }) as typeof process.stdout.write
  t.teardown(() => { process.stdout.write = write })

  const first = await startLocalCognito(start)
  let firstRunning = true
  t.teardown(async () => { if (firstRunning) { first.sdk.destroy(); await first.emulator.close() } })
  const username = uniqueUsername('restart')
  const sdk = sdkFor(t, first)
  await sdk.send(new SignUpCommand({
    ClientId: first.clientId,
    Username: username,
    Password: PASSWORD,
    UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }]
  }))
  await first.outbox.flush()
  firstRunning = false
  await first.emulator.close()
  first.sdk.destroy()
  process.stdout.write = write
  t.match(printed.join(''), `SignUp code for ${username}`)
  t.equal((await stat(join(dataDir, 'messages.json'))).mode & 0o777, 0o600)

  const second = await startLocalCognito(start)
  t.teardown(async () => { second.sdk.destroy(); await second.emulator.close() })
  const code = second.outbox.list(username)[0]?.code
  t.match(code, /^\d{6}$/, 'the message survived the restart')
  const again = sdkFor(t, second)
  await again.send(new ConfirmSignUpCommand({ ClientId: second.clientId, Username: username, ConfirmationCode: code }))
  t.pass('and its code still confirms the sign-up')
})
