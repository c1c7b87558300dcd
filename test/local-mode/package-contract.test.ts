/**
 * The service and the local Cognito package meet at one declared interface:
 * src/local/local-mode.ts declares what it uses of @cognito-bff/local-cognito
 * (so that src/ compiles without the package), and the package must satisfy
 * it. The assignment below is that check, made by `npm run typecheck`; the
 * rest keeps src/ off the emulator, which a production install does not have.
 */
import * as localCognito from '@cognito-bff/local-cognito'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import t from 'tap'
import type { LocalCognitoPackage } from '../../src/local/local-mode.js'

const used: LocalCognitoPackage = localCognito
const src = join(import.meta.dirname, '..', '..', 'src')

async function sources (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter(e => e.isFile() && e.name.endsWith('.ts')).map(e => join(e.parentPath, e.name))
}

t.test('the package gives what the service uses', async t => {
  t.equal(typeof used.startLocalCognito, 'function')
})

t.test('src/ never imports cognito-local, and the package only from local-mode.ts, by a name the build does not resolve', async t => {
  const files = await sources(src)
  t.ok(files.length > 50, `${files.length} files read`)
  const importing = async (pattern: RegExp) => {
    const found = await Promise.all(files.map(async file => pattern.test(await readFile(file, 'utf8')) ? relative(src, file) : undefined))
    return found.filter(Boolean)
  }
  t.same(await importing(/from '(cognito-local|@cognito-bff\/local-cognito)[/']|import\('(cognito-local|@cognito-bff)/), [], 'no static import, no literal import()')
  t.same(await importing(/@cognito-bff\/local-cognito/), ['local/local-mode.ts'], 'the package is named in one place')
})
