/**
 * The entry point as `npm start` runs it: a real process, its output and exit code.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { freePort } from './helper.js'

function start (env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const output = { stdout: '', stderr: '' }
  child.stdout.on('data', chunk => { output.stdout += chunk })
  child.stderr.on('data', chunk => { output.stderr += chunk })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  return { child, output, exited }
}

t.test('a bad configuration stops the process with one block naming every problem', async t => {
  const { output, exited } = start({ PORT: 'eighty', LOGIN_FLOW: 'SRP', COGNITO_USER_POOL_ID: 'eu-west-1_AbC123' })
  t.equal(await exited, 1)
  t.match(output.stderr, /^cognito-bff: Invalid configuration:\n {2}- PORT: [^\n]+\n {2}- LOGIN_FLOW: [^\n]+\n[\s\S]*COGNITO_CLIENT_ID: required[\s\S]*COOKIE_SECRETS: required/)
  t.notMatch(output.stderr, /\n\s+at /, 'no stack trace')
})

t.test('local mode starts, prints the demo user, serves, and stops cleanly on SIGTERM', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-bff-server-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const port = await freePort()
  const { child, output, exited } = start({ PORT: String(port), LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' })
  const deadline = Date.now() + 30_000
  let ready = false
  while (!ready && Date.now() < deadline) {
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(r => r.ok, () => false)
    if (!ready) await new Promise(resolve => setTimeout(resolve, 50))
  }
  t.ok(ready, 'ready')
  t.match(output.stdout, /running in local mode[\s\S]*Demo user: username "demo", password "Passw0rd!demo"/)
  const login = await fetch(`http://127.0.0.1:${port}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'Passw0rd!demo' }) })
  t.equal(login.status, 200)
  child.kill('SIGTERM')
  t.equal(await exited, 0)
})
