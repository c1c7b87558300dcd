import { readFile } from 'node:fs/promises'
import { parseEnv } from 'node:util'
import t from 'tap'
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { ConfigError, EnvSchema, loadConfig } from '../../src/config/index.js'
import { ENV_GROUPS, isSecret } from '../../src/config/environment.js'
import { configurationReference } from '../../src/config/reference.js'

const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8')
const names = Object.keys(EnvSchema.properties)

t.test('docs/configuration.md is what the generator writes from the schema', async t => {
  const committed = await read('docs/configuration.md')
  t.equal(committed, configurationReference(), 'docs/configuration.md differs from the schema: run `npm run docs:config` and commit it')
  for (const name of names) t.match(committed, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `${name} has a row`)
})

t.test('the groups hold every variable of the schema exactly once, each described', async t => {
  const grouped = ENV_GROUPS.flatMap(group => Object.keys(group.variables))
  t.same([...grouped].sort(), [...names].sort(), 'the groups and the schema name the same variables')
  t.equal(new Set(grouped).size, grouped.length, 'no variable is in two groups')
  for (const [name, schema] of Object.entries(EnvSchema.properties as Record<string, TSchema>)) {
    t.match(schema.description, /^\S.*[.)]$/, `${name} has a description (a sentence)`)
  }
})

t.test('a text variable named like a secret is marked secret, and a refused secret is not echoed', async t => {
  const named = Object.entries(EnvSchema.properties as Record<string, TSchema>)
    .filter(([name, schema]) => /SECRET|PASSWORD|TOKEN$/.test(name) && KindGuard.IsString(schema))
  t.ok(named.length >= 4, 'the client secret, cookie keys, metrics token and demo password at least')
  for (const [name] of named) t.ok(isSecret(name), `${name} is secret`)
  const err = t.throws(() => loadConfig({ METRICS_TOKEN: 'tok-3141', LOCAL_DEMO_PASSWORD: 'pw-2718' })) as ConfigError
  t.match(err.problems, [/^METRICS_TOKEN: /, /^LOCAL_DEMO_PASSWORD: /])
  t.notMatch(err.message, /tok-3141|pw-2718/)
})

t.test('.env.example names every variable of the schema, once, nothing else, in the order of the reference', async t => {
  const assigned = [...(await read('.env.example')).matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(match => match[1])
  t.same([...assigned].sort(), [...names].sort())
  t.equal(new Set(assigned).size, assigned.length, 'no variable twice')
  t.same(assigned, names, 'grouped as in docs/configuration.md')
})

t.test('.env.example as it stands runs local mode with every default', async t => {
  const example = parseEnv(await read('.env.example'))
  for (const [name, value] of Object.entries(example)) {
    const fallback = (EnvSchema.properties as Record<string, TSchema>)[name]?.default as unknown
    if (value !== '') t.equal(value, String(fallback), `${name} is empty or its default`)
  }
  t.same(loadConfig(example), loadConfig({}))
})
