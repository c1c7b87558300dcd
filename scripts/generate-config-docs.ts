/** Writes docs/configuration.md from the environment schema (src/config/variables/). */
import { writeFile } from 'node:fs/promises'
import { configurationReference } from '../src/config/reference.js'

const target = new URL('../docs/configuration.md', import.meta.url)
await writeFile(target, configurationReference())
process.stdout.write(`wrote ${target.pathname}\n`)
