/**
 * The package as shipped: its types are the committed contract's (npm run
 * client:types), and its bundle stays within 10 kB min+gzip.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import t from 'tap'

const root = new URL('../../../', import.meta.url)
const BUDGET = 10 * 1024

t.test('schema.d.ts is what openapi-typescript makes of openapi/openapi.json (run npm run client:types)', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'client-types-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const out = join(dir, 'schema.d.ts')
  await promisify(execFile)(process.execPath, [
    new URL('node_modules/openapi-typescript/bin/cli.js', root).pathname,
    'openapi/openapi.json', '--redocly', 'packages/client/redocly.yaml', '-o', out
  ], { cwd: root.pathname })
  t.ok((await readFile(out, 'utf8')) === (await readFile(new URL('packages/client/src/schema.d.ts', root), 'utf8')), 'no drift')
})

t.test(`the whole package, bundled and minified, is at most ${BUDGET} bytes gzipped`, async t => {
  const result = await build({
    entryPoints: [new URL('packages/client/src/index.ts', root).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    platform: 'browser'
  })
  const minified = result.outputFiles[0]!.contents
  const gzipped = gzipSync(minified, { level: 9 }).length
  t.comment(`min ${minified.length} bytes, min+gzip ${gzipped} bytes`)
  t.ok(gzipped <= BUDGET, `${gzipped} bytes`)
})
