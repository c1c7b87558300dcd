/**
 * The README's walkthrough, run as a reader runs it: the service started with
 * `npm start`'s entry point in local mode (a fresh data dir, a free port), its
 * address read from the start-up banner, then every ```sh block of the
 * "Walkthrough" section in one bash (`-euo pipefail`, so a failing command
 * fails its block), in order, in a new directory, with BFF set to that
 * address. Each block must exit 0, and the output the README shows after it
 * must appear (`…` standing for what differs between runs).
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import t from 'tap'
import { COGNITO_TIMEOUT_MS, CONDITION_MS, fileTimeout, JWKS_TIMEOUT_MS, READY_MS, REQUEST_TIMEOUT_MS, until } from '../helpers/timeouts.js'
import { missingLines, walkthroughSteps } from './walkthrough.js'

// Measured: 9-12 s on a quiet machine (the service's start from the sources is most of it).
t.setTimeout(fileTimeout(15_000))

const root = new URL('../..', import.meta.url).pathname

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function exists (path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false)
}

t.test('the README walkthrough runs against a started service and shows what the README says', async t => {
  const readme = await readFile(join(root, 'README.md'), 'utf8')
  const steps = walkthroughSteps(readme)
  // Setup, sign-up, confirm, sign-in, /me, refresh and logout: a README that lost blocks fails here, not silently.
  t.ok(steps.length >= 6, `the walkthrough has its blocks (${steps.length})`)
  t.ok(steps.filter(step => step.expected !== undefined).length >= 5, 'and the outputs a reader is told to expect')

  const scratch = await mkdtemp(join(tmpdir(), 'cognito-bff-walkthrough-'))
  t.teardown(() => rm(scratch, { recursive: true, force: true }))
  const [dataDir, tmp, work, results] = ['data', 'tmp', 'work', 'results'].map(name => join(scratch, name)) as [string, string, string, string]
  for (const dir of [tmp, work, results]) await mkdir(dir)

  // The service, as `npm start` runs it. Killed in teardown, registered before anything can fail.
  const service = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(await freePort()),
      LOCAL_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      COGNITO_TIMEOUT_MS: String(COGNITO_TIMEOUT_MS),
      JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS)
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const serviceExited = new Promise(resolve => service.once('exit', resolve))
  t.teardown(async () => {
    if (service.exitCode !== null || service.signalCode !== null) return
    service.kill('SIGKILL')
    await serviceExited
  })
  const output = { stdout: '', stderr: '' }
  service.stdout.on('data', chunk => { output.stdout += chunk })
  service.stderr.on('data', chunk => { output.stderr += chunk })

  const bff = await until(() => {
    if (service.exitCode !== null) throw new Error(`the service exited (${service.exitCode}): ${output.stderr}`)
    return /^ {2}API: +(http:\/\/\S+) /m.exec(output.stdout)?.[1]
  }, { what: 'the banner\'s API line', ms: READY_MS, everyMs: 50 })
  t.ok(await until(() => fetch(`${bff}/readyz`).then(r => r.ok, () => false), { what: 'ready', ms: READY_MS }), `ready at ${bff}`)

  // One bash, as one terminal: variables and functions of a block are there for the next. Each block's output goes
  // to its own file, and a marker says it finished; -e ends the script at the first failing command.
  const script = ['cd "$WORK"'].concat(steps.map((step, index) => [
    '{',
    step.code,
    `} > "$RESULTS/${index}.out" 2> "$RESULTS/${index}.err"`,
    `: > "$RESULTS/${index}.done"`
  ].join('\n'))).join('\n')
  await writeFile(join(scratch, 'walkthrough.sh'), script)
  const bash = spawn('bash', ['-euo', 'pipefail', join(scratch, 'walkthrough.sh')], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BFF: bff, TMPDIR: tmp, WORK: work, RESULTS: results },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const bashExited = new Promise<number | null>(resolve => bash.once('exit', code => resolve(code)))
  t.teardown(() => { if (bash.exitCode === null && bash.signalCode === null) bash.kill('SIGKILL') })
  let bashStderr = ''
  bash.stderr.on('data', chunk => { bashStderr += chunk })
  // Each block is a few requests to a local service: only a hang takes this long.
  const deadline = new AbortController()
  const code = await Promise.race([
    bashExited,
    sleep(CONDITION_MS * steps.length, 'hung', { signal: deadline.signal }).catch(() => 'hung')
  ]).finally(() => deadline.abort())
  t.equal(code, 0, `the walkthrough's bash exits 0 ${bashStderr}`)

  for (const [index, step] of steps.entries()) {
    const out = await readFile(join(results, `${index}.out`), 'utf8').catch(() => '')
    const err = await readFile(join(results, `${index}.err`), 'utf8').catch(() => '')
    const where = `README.md:${step.line}`
    t.ok(await exists(join(results, `${index}.done`)), `the block at ${where} exits 0${err === '' ? '' : `: ${err}`}`)
    if (step.expected !== undefined) {
      t.same(missingLines(step.expected, out), [], `the block at ${where} prints what the README shows (it printed:\n${out})`)
    }
  }

  // The cookie jar went to the temporary directory the walkthrough made, not to the checkout or the start directory.
  const made = await readdir(tmp, { recursive: true })
  t.ok(made.some(name => name.endsWith('cookies.txt')), `cookies.txt is in the walkthrough's temporary directory (${made.join(', ')})`)
  t.same(await readdir(work), [], 'nothing is written where the reader started (their checkout)')
})
