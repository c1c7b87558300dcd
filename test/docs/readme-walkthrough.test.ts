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
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import t from 'tap'
import { freePort } from '../helper.js'
import { COGNITO_TIMEOUT_MS, CONDITION_MS, fileTimeout, JWKS_TIMEOUT_MS, READY_MS, REQUEST_TIMEOUT_MS, until } from '../helpers/timeouts.js'

/*
 * A markdown walkthrough as steps: every ```sh block of one `## ` section, in order, each with the output block
 * (```text or ```json) that follows it, if any, before the next ```sh block. In an output block, `…` stands for any
 * run of characters on that line (ids, codes, times).
 */
interface WalkthroughStep {
  /** The shell block, as the reader copies it. */
  code: string
  /** The lines the reader is told to expect, when an output block follows. */
  expected?: string[]
  /** Line of the block in the file, for messages. */
  line: number
}

const FENCE = /^```(\w*)\n([\s\S]*?)^```$/gm

/** The section under the `## ${heading}` heading, up to the next `## ` heading. */
function section (markdown: string, heading: string): { text: string, firstLine: number } {
  const start = markdown.search(new RegExp(`^## ${heading}$`, 'm'))
  if (start < 0) throw new Error(`no "## ${heading}" section`)
  const rest = markdown.slice(start + 3)
  const end = rest.search(/^## /m)
  return {
    text: markdown.slice(start, end < 0 ? undefined : start + 3 + end),
    firstLine: markdown.slice(0, start).split('\n').length
  }
}

function walkthroughSteps (markdown: string, heading = 'Walkthrough'): WalkthroughStep[] {
  const { text, firstLine } = section(markdown, heading)
  const steps: WalkthroughStep[] = []
  let previousWasShell = false
  for (const match of text.matchAll(FENCE)) {
    const [, language, body] = match as unknown as [string, string, string]
    const line = firstLine + text.slice(0, match.index).split('\n').length - 1
    if (language === 'sh') {
      steps.push({ code: body, line })
      previousWasShell = true
    } else if ((language === 'text' || language === 'json') && previousWasShell) {
      const step = steps[steps.length - 1] as WalkthroughStep
      step.expected = body.replace(/\n$/, '').split('\n')
      previousWasShell = false
    }
  }
  return steps
}

/** `expected` as a whole-line pattern: `…` matches anything on the line, the rest literally. */
function linePattern (expected: string): RegExp {
  const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replaceAll('…', '.*?')}$`)
}

/**
 * The expected lines that do not appear in `output`, in order: each expected line must match a whole output line
 * after the one the previous expected line matched.
 */
function missingLines (expected: readonly string[], output: string): string[] {
  // Header lines end in CR LF (curl -D -); a terminal shows them as lines all the same.
  const lines = output.split(/\r?\n/)
  const missing: string[] = []
  let at = 0
  for (const wanted of expected) {
    const pattern = linePattern(wanted)
    const found = lines.findIndex((line, index) => index >= at && pattern.test(line))
    if (found < 0) missing.push(wanted)
    else at = found + 1
  }
  return missing
}

// Measured: 9-12 s on a quiet machine (the service's start from the sources is most of it).
t.setTimeout(fileTimeout(15_000))

const root = new URL('../..', import.meta.url).pathname

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

t.test('an output block is matched line by line, in order, … standing for anything on its line', async t => {
  t.same(missingLines(['{"a":"…","b":2}', 'HTTP/1.1 204 …'], 'x\n{"a":"q7","b":2}\nHTTP/1.1 204 No Content\r\n'), [])
  t.same(missingLines(['{"a":"…","b":2}'], '{"a":"q7","b":3}'), ['{"a":"…","b":2}'], 'the rest is literal')
  t.same(missingLines(['second', 'first'], 'first\nsecond'), ['first'], 'in order')
  t.same(missingLines(['a.c'], 'abc'), ['a.c'], 'regular-expression characters are literal')
  const steps = walkthroughSteps('## Walkthrough\n```sh\necho 1\n```\n```text\n1\n```\n```sh\ntrue\n```\n## Next\n```sh\nfalse\n```\n')
  t.same(steps.map(step => [step.code, step.expected]), [['echo 1\n', ['1']], ['true\n', undefined]], 'blocks of the section only')
})
