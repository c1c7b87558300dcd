/**
 * Writes postman/cognito-bff.postman_collection.json and postman/local.postman_environment.json from the
 * contract, openapi/openapi.json (scripts/postman/collection.ts; a test fails when they drift).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { postmanFiles } from './postman/collection.js'

const root = new URL('..', import.meta.url)
const { collection, environment } = await postmanFiles(await readFile(new URL('openapi/openapi.json', root), 'utf8'))
await mkdir(new URL('postman/', root), { recursive: true })
const files: Array<[string, string]> = [['cognito-bff.postman_collection.json', collection], ['local.postman_environment.json', environment]]
for (const [name, text] of files) {
  const target = new URL(`postman/${name}`, root)
  await writeFile(target, text)
  process.stdout.write(`wrote ${target.pathname}\n`)
}
