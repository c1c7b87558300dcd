import t from 'tap'
import { Type } from '@sinclair/typebox'
import { ConfigError, EnvSchema, loadConfig } from '../../src/config/index.js'
import { readEnvironment, scalarsOf } from '../../src/config/coerce.js'

const variables = Object.entries(EnvSchema.properties)
const booleans = variables.filter(([, schema]) => scalarsOf(schema).has('boolean')).map(([name]) => name)
const integers = variables.filter(([, schema]) => scalarsOf(schema).has('integer')).map(([name]) => name)
// What makes every boolean's `true` valid together (SIGN_IN_AFTER_CONFIRM needs USER_AUTH, REDIS_CLUSTER a Redis).
const CONTEXT = { LOGIN_FLOW: 'USER_AUTH', REDIS_URL: 'redis://127.0.0.1:6379' }
// A boolean that only AWS mode has: its `true` needs a real pool (IDENTITY_POOL_GUEST needs an identity pool).
const AWS_CONTEXT: Record<string, Record<string, string>> = {
  IDENTITY_POOL_GUEST: {
    COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
    COGNITO_CLIENT_ID: 'abc123',
    COOKIE_SECRETS: 'k'.repeat(32),
    PUBLIC_URL: 'https://auth.example.com',
    IDENTITY_POOL_ID: 'eu-west-1:0b0b0b0b-1c1c-2d2d-3e3e-4f4f4f4f4f4f'
  }
}
const WORDS: Array<[string, boolean]> = [
  ['true', true], ['TRUE', true], ['True', true], ['1', true], ['yes', true], ['YES', true], ['Yes', true],
  ['false', false], ['FALSE', false], ['False', false], ['0', false], ['no', false], ['NO', false], ['No', false]
]

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}

t.test('the schema walk finds every boolean and integer variable (no list to keep)', async t => {
  for (const name of ['REVEAL_USER_EXISTENCE', 'SIGN_IN_AFTER_CONFIRM', 'OAUTH_EXTERNAL_STATE', 'REVOKE_ON_GROUP_CHANGE', 'REDIS_CLUSTER',
    'LOCAL_EXPOSE', 'LOCAL_CLIENT_SECRET']) {
    t.ok(booleans.includes(name), `${name} is a boolean`)
  }
  t.ok(integers.includes('PORT') && integers.includes('TOKEN_CLOCK_SKEW_S'))
  t.notOk(booleans.includes('TRUST_PROXY'), 'TRUST_PROXY is text ("true", a hop count or addresses), judged by its pattern')
})

t.test('every boolean variable takes true/false, 1/0, yes/no in any case, and refuses anything else naming the variable', async t => {
  let cases = 0
  for (const name of booleans) {
    for (const [word, value] of WORDS) {
      t.same(readEnvironment(EnvSchema, { [name]: word }), { values: { [name]: value }, problems: [] }, `${name}=${word} reads ${value}`)
      t.same(problemsOf({ ...CONTEXT, ...AWS_CONTEXT[name], [name]: word }), [], `${name}=${word} starts`)
      cases++
    }
    for (const word of ['maybe', 'on', 'y', '2', 'truee']) {
      t.same(problemsOf({ ...CONTEXT, [name]: word }), [`${name}: must be true or false (or 1/0, yes/no, in any case) (got "${word}")`])
      cases++
    }
  }
  t.equal(cases, booleans.length * (WORDS.length + 5), 'every case ran')
})

t.test('SIGN_IN_AFTER_CONFIRM=yes is accepted, like every other boolean', async t => {
  t.equal(loadConfig({ LOGIN_FLOW: 'USER_AUTH', SIGN_IN_AFTER_CONFIRM: 'yes' }).signInAfterConfirm, true)
  t.equal(loadConfig({ LOCAL_EXPOSE: 'YES', HOST: '0.0.0.0' }).host, '0.0.0.0')
})

t.test('every integer variable takes decimal digits and refuses other text naming the variable', async t => {
  let cases = 0
  for (const name of integers) {
    const fallback = (EnvSchema.properties as Record<string, { default?: unknown }>)[name]?.default
    t.same(readEnvironment(EnvSchema, { [name]: String(fallback) }).values, { [name]: fallback }, `${name}=${String(fallback)}`)
    for (const text of ['abc', '1.5', '0x10', '1e3', ' 3']) {
      t.same(problemsOf({ [name]: text }), [`${name}: must be an integer (got "${text}")`], `${name}=${text}`)
      cases++
    }
  }
  t.equal(cases, integers.length * 5, 'every case ran')
  t.equal(loadConfig({ PORT: '8080' }).port, 8080)
  t.match(problemsOf({ PORT: '70000' }), [/^PORT: Expected integer to be less or equal to 65535/], 'a number out of range is the schema\'s to refuse')
})

t.test('a union with a boolean takes the boolean words, and its other members take the rest', async t => {
  const schema = Type.Object({
    FLAG_OR_TEXT: Type.Union([Type.Boolean(), Type.String()]),
    FLAG_OR_COUNT: Type.Union([Type.Boolean(), Type.Integer()]),
    RATIO: Type.Number(),
    HIDDEN: Type.Boolean({ secret: true })
  })
  t.same(readEnvironment(schema, { FLAG_OR_TEXT: 'No', FLAG_OR_COUNT: '7', RATIO: '0.5' }).values,
    { FLAG_OR_TEXT: false, FLAG_OR_COUNT: 7, RATIO: 0.5 })
  t.same(readEnvironment(schema, { FLAG_OR_TEXT: 'maybe' }).values, { FLAG_OR_TEXT: 'maybe' })
  t.same(readEnvironment(schema, { FLAG_OR_COUNT: 'maybe', RATIO: 'half', HIDDEN: 'hunter2' }).problems, [
    'FLAG_OR_COUNT: must be true or false (or 1/0, yes/no, in any case), or an integer (got "maybe")',
    'RATIO: must be a number (got "half")',
    'HIDDEN: must be true or false (or 1/0, yes/no, in any case)'
  ], 'a secret\'s text is not echoed')
  t.same(readEnvironment(schema, { FLAG_OR_TEXT: '', OTHER: 'x' }), { values: {}, problems: [] }, 'empty is unset; other keys are not read')
})
