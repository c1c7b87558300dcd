import { access, readdir, readFile } from 'node:fs/promises'
import { dirname, join, normalize, relative } from 'node:path'
import t from 'tap'
import { ERROR_CATALOG, ERROR_CODES } from '../src/errors/catalog.js'

const root = new URL('..', import.meta.url).pathname
const read = (file: string) => readFile(join(root, file), 'utf8')
const exists = (file: string) => access(join(root, file)).then(() => true, () => false)

/** README.md and every page under docs/, as paths from the root. */
async function pages (): Promise<string[]> {
  const docs = (await readdir(join(root, 'docs'))).filter(name => name.endsWith('.md')).map(name => `docs/${name}`)
  return ['README.md', ...docs]
}

/** The text outside fenced code blocks (a `# comment` in a shell block is not a heading, a `[x](y)` there not a link). */
function prose (markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```$/gm, '')
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped (but - and _), spaces to hyphens; repeats get -1, -2. */
function anchors (markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const result = new Set<string>()
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = (heading as string).toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    result.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return result
}

t.test('the README shows the two commands a new user needs, and stays the first hour', async t => {
  const readme = await read('README.md')
  t.match(readme, 'npm install && npm start')
  t.match(readme, 'npm test')
  const lines = readme.split('\n').length
  t.ok(lines <= 260, `README.md is ${lines} lines (the rest belongs in docs/)`)
})

t.test('every error code is in docs/errors.md with its status', async t => {
  const errors = await read('docs/errors.md')
  const rows = errors.split('\n').filter(line => line.startsWith('| `'))
  for (const code of ERROR_CODES) {
    const row = rows.find(line => line.startsWith(`| \`${code}\` |`))
    t.ok(row, `${code} has a row`)
    if (row !== undefined) t.match(row, `| ${ERROR_CATALOG[code].status} |`, `${code}'s row gives status ${ERROR_CATALOG[code].status}`)
  }
  t.equal(rows.length, ERROR_CODES.length, 'and no row for a code the catalog does not have')
})

t.test('every relative link in README.md and docs/ points at a file that exists, and at a heading that exists', async t => {
  let checked = 0
  for (const page of await pages()) {
    const markdown = await read(page)
    for (const [, target] of prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target as string)) continue
      const [path = '', anchor] = (target as string).split('#')
      const file = path === '' ? page : relative(root, normalize(join(root, dirname(page), path)))
      checked++
      if (!await exists(file)) {
        t.fail(`${page}: ${target} (no ${file})`)
        continue
      }
      if (anchor !== undefined && file.endsWith('.md')) {
        t.ok(anchors(await read(file)).has(anchor), `${page}: ${target} (a heading of ${file})`)
      }
    }
  }
  t.ok(checked >= 40, `links checked: ${checked}`)
})

t.test('shell examples name the service by $BFF, set once, not by a hard-coded address', async t => {
  let blocks = 0
  for (const page of await pages()) {
    const markdown = await read(page)
    for (const [, code] of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
      blocks++
      for (const line of (code as string).split('\n')) {
        if (/^BFF=/.test(line)) continue
        t.notMatch(line, /localhost:3000|127\.0\.0\.1:3000/, `${page}: ${line}`)
      }
    }
  }
  t.ok(blocks >= 40, `shell blocks checked: ${blocks}`)
})

t.test('the anchors are GitHub\'s', async t => {
  t.same([...anchors('# Sessions and clients\n## Passwordless sign-in with an e-mail code (`LOGIN_FLOW=USER_AUTH`)\n' +
    '```sh\n# not a heading\n```\n## Browsers: sealed cookies\n## Browsers: sealed cookies\n')], [
    'sessions-and-clients',
    'passwordless-sign-in-with-an-e-mail-code-login_flowuser_auth',
    'browsers-sealed-cookies',
    'browsers-sealed-cookies-1'
  ])
})
