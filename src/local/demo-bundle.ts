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
  bundle ??= (async () => {
    const { build } = await import('esbuild')
    const result = await build({
      entryPoints: [ENTRY],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent'
    })
    return result.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script')
  })()
  // A failed build is tried again on the next request.
  bundle.catch(() => { bundle = undefined })
  return bundle
}
