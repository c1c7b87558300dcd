/**
 * Writes openapi/openapi.json from the route schemas. The app is built on a
 * placeholder pool (nothing is contacted); local routes are included.
 */
import { writeFile } from 'node:fs/promises'
import { openApiDocument } from '../src/openapi-document.js'

const target = new URL('../openapi/openapi.json', import.meta.url)
await writeFile(target, await openApiDocument())
process.stdout.write(`wrote ${target.pathname}\n`)
