/**
 * The demo page's script: packages/client/demo/demo-page.ts with the client
 * (@cognito-bff/client), bundled by esbuild once per process in local mode, the
 * first time it is asked for. esbuild comes with the development install (tsx
 * runs on it), as local mode does; a production install has neither, and never
 * gets here. Imported by `import()` so that nothing loads it otherwise.
 */
import { fileURLToPath } from 'node:url'

const ENTRY = fileURLToPath(new URL('../../packages/client/demo/demo-page.ts', import.meta.url))

let bundle: Promise<string> | undefined

/** The ES module's text, minified, safe to put inside a <script> element. */
export function demoBundle (): Promise<string> {
  bundle ??= (async () => (await browserModule(ENTRY)).replace(/<\/script/gi, '<\\/script'))()
  // A failed build is tried again on the next request.
  bundle.catch(() => { bundle = undefined })
  return bundle
}

/** `entry` and what it imports as one minified ES module for the browser (the client's tests load it as the page does). */
export async function browserModule (entry: string): Promise<string> {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent'
  })
  return result.outputFiles[0]!.text
}
