/**
 * What every bench does around its measurement: compile the service it runs
 * (`node dist/server.js`, as production does) and name what was measured, then
 * write its section into bench/RESULTS.md between its own markers, leaving the
 * other benches' sections as they are.
 */
import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'

/** Compiles src/ to dist/; returns the commit measured, and says so when src/ had changes not committed yet. */
export function buildService (): string {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'])
  const git = (...args: string[]) => { try { return execFileSync('git', args, { encoding: 'utf8' }).trim() } catch { return '' } }
  return `${git('rev-parse', '--short', 'HEAD') || 'unknown commit'}` +
    `${git('status', '--porcelain', '--', 'src') === '' ? '' : ' with uncommitted changes in src/'}`
}

const HEADER = '# Benchmark results\n\nWritten by `npm run bench`; do not edit between the markers.\n'

/**
 * Puts `section` (its text from `<!-- NAME:begin -->` to `<!-- NAME:end -->`, markers included) in place of the
 * file's section of that name, or after the rest when the file has none yet; prints it too.
 */
export async function writeSection (section: string): Promise<void> {
  const name = /^<!-- ([\w-]+):begin -->/.exec(section)?.[1]
  const end = `<!-- ${name}:end -->`
  if (name === undefined || !section.endsWith(end)) throw new Error('a section starts and ends with its markers')
  const begin = `<!-- ${name}:begin -->`
  const file = new URL('./RESULTS.md', import.meta.url)
  const current = await readFile(file, 'utf8').catch(() => HEADER)
  const at = current.indexOf(begin)
  const next = at === -1
    ? `${current.trimEnd()}\n\n${section}\n`
    : current.slice(0, at) + section + current.slice(current.indexOf(end, at) + end.length)
  await writeFile(file, next)
  process.stdout.write(section + '\n')
}
