/**
 * Each entry bundles as the CDK app bundles it (esbuild, Node 24, ESM, the AWS SDK external: the runtime has it),
 * pulls in no Fastify (the shared redirect module is pure) and loads with `handler` exported.
 */
import t from 'tap'
import { build } from 'esbuild'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ENTRIES = ['custom-message', 'user-migration', 'post-confirmation', 'pre-sign-up']

t.test('every trigger bundles without Fastify and exports handler', async (t) => {
  // Inside the workspace, so the external SDK resolves from node_modules as the Lambda runtime provides it.
  const dir = await mkdtemp(join(fileURLToPath(new URL('..', import.meta.url)), '.bundle-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  for (const entry of ENTRIES) {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(`../src/${entry}.ts`, import.meta.url))],
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      external: ['@aws-sdk/*'],
      write: false,
      metafile: true
    })
    const inputs = Object.keys(result.metafile.inputs)
    t.notOk(inputs.some(input => input.includes('fastify')), `${entry}: no Fastify in ${inputs.join(', ')}`)
    if (entry === 'custom-message') t.ok(inputs.some(input => input.endsWith('src/oauth/redirect.ts')), 'the service\'s own redirect module')
    const file = join(dir, `${entry}.mjs`)
    await writeFile(file, result.outputFiles[0]!.text)
    const loaded = await import(pathToFileURL(file).href) as { handler?: unknown }
    t.equal(typeof loaded.handler, 'function', `${entry}: handler`)
  }
})
