/**
 * The layout docs/layout.md draws, held: files in src/ stay small enough to read
 * in one sitting, and the Fastify-free folders stay free of Fastify.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import t from 'tap'

const root = new URL('..', import.meta.url).pathname
const MAX_LINES = 400

async function sources (dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true })
  return entries.filter(e => e.isFile() && e.name.endsWith('.ts')).map(e => relative(root, join(e.parentPath, e.name)))
}

t.test(`no file in src/ is over ${MAX_LINES} lines`, async t => {
  const files = await sources('src')
  t.ok(files.length > 50, `src/ files read: ${files.length}`)
  for (const file of files) {
    const lines = (await readFile(join(root, file), 'utf8')).split('\n').length - 1
    if (lines > MAX_LINES) t.fail(`${file}: ${lines} lines (split it by job)`)
  }
})

// (store/ is left out: its rate-limit adapter is @fastify/rate-limit's store, by design.)
t.test('the services (session, oauth, verify, abuse, config) import nothing of Fastify', async t => {
  for (const dir of ['src/session', 'src/oauth', 'src/verify', 'src/abuse', 'src/config']) {
    const files = await sources(dir)
    t.ok(files.length > 0, `${dir} has files`)
    for (const file of files) {
      const text = await readFile(join(root, file), 'utf8')
      t.notMatch(text, /from '(fastify|@fastify\/[^']+|fastify-plugin)'/, `${file} takes plain values, not Fastify objects`)
    }
  }
})
