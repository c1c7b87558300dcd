import { readFile } from 'node:fs/promises'
import t from 'tap'
import { EnvSchema } from '../src/config/index.js'

const read = (file: string) => readFile(new URL(`../${file}`, import.meta.url), 'utf8')

t.test('every configuration variable is in .env.example and in the README table', async t => {
  const [example, readme] = await Promise.all([read('.env.example'), read('README.md')])
  for (const name of Object.keys(EnvSchema.properties)) {
    t.match(example, new RegExp(`^${name}=`, 'm'), `${name} in .env.example`)
    t.match(readme, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `${name} in the README configuration table`)
  }
})

t.test('the README shows the two commands a new user needs', async t => {
  const readme = await read('README.md')
  t.match(readme, 'npm install && npm start')
  t.match(readme, 'npm test')
})
