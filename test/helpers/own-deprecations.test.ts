/**
 * The suite's deprecation check (own-deprecations.ts, preloaded by .taprc): a
 * deprecated Node API called from the project's code fails the process; one
 * called from a dependency only warns.
 */
import { spawn } from 'node:child_process'
import t from 'tap'
import { callerOf, isOwnCode } from './own-deprecations.js'

const root = new URL('../..', import.meta.url).pathname

async function run (args: string[]): Promise<{ code: number | null, stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', chunk => { stderr += chunk })
  const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
  return { code, stderr }
}

t.test('a deprecated API called by our code fails the process; without the check it only warns', async t => {
  const checked = await run(['--import', 'tsx', '--import', './test/helpers/own-deprecations.ts', 'test/fixtures/uses-deprecated-api.ts'])
  t.equal(checked.code, 1)
  t.match(checked.stderr, /DeprecationWarning: Buffer\(\) is deprecated/)
  const unchecked = await run(['--import', 'tsx', 'test/fixtures/uses-deprecated-api.ts'])
  t.equal(unchecked.code, 0, 'the control: the same file runs when nothing checks')
})

t.test('whose call it was: the first frame outside Node, ours or a dependency\'s', async t => {
  const stack = (frame: string) =>
    `DeprecationWarning: x\n    at node:internal/util:128:11\n    at register (node:internal/modules/esm/loader:1014:3)\n    at ${frame}`
  t.equal(callerOf(stack(`file://${root}node_modules/dep/import.mjs:4:1`)), `${root}node_modules/dep/import.mjs`)
  t.equal(isOwnCode(callerOf(stack(`file://${root}node_modules/dep/import.mjs:4:1`))!), false, 'a dependency')
  t.equal(isOwnCode(callerOf(stack(`f (${root}src/app.ts:10:2)`))!), true, 'src/')
  t.equal(isOwnCode(callerOf(stack(`${root}test/x.test.ts:1:1`))!), true, 'test/')
  t.equal(isOwnCode('/elsewhere/src/app.ts'), false, 'another tree')
  t.equal(callerOf('DeprecationWarning: x\n    at node:internal/util:1:1'), undefined, 'only Node itself')
})
