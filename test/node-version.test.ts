/**
 * The entry point on a Node older than the service supports: one line naming
 * the required version, exit 1, before configuration or anything else loads.
 * The old Node is simulated by a preload that rewrites `process.version(s)`
 * (CI has only the Node it runs on); the check reads nothing else.
 */
import { spawn } from 'node:child_process'
import t from 'tap'

const root = new URL('..', import.meta.url).pathname

function pretend (version: string): string {
  const source = `Object.defineProperty(process, 'version', { value: 'v${version}' });` +
    `Object.defineProperty(process.versions, 'node', { value: '${version}' })`
  return `data:text/javascript,${encodeURIComponent(source)}`
}

async function startOn (t: { teardown (fn: () => unknown): void }, version: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', pretend(version), '--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    // A configuration that is wrong on purpose: a refusal for the version must come before it is read.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: 'eighty', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
  // Should the check not stop it, the process would serve on: it ends with the test.
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGKILL')
    await exited
  })
  let stderr = ''
  child.stderr.on('data', chunk => { stderr += chunk })
  return { code: await exited, stderr }
}

t.test('Node 20 is refused in one line naming the required version', async t => {
  const { code, stderr } = await startOn(t, '20.20.2')
  t.equal(code, 1)
  t.equal(stderr, 'cognito-bff: Node.js 22 or later is required (24 recommended); this is Node.js v20.20.2.\n')
})

t.test('Node 22 passes the check (and goes on to refuse the bad configuration instead)', async t => {
  const { code, stderr } = await startOn(t, '22.0.0')
  t.equal(code, 1)
  t.match(stderr, /^cognito-bff: Invalid configuration:\n {2}- PORT: /)
  t.notMatch(stderr, /is required/)
})
