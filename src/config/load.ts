/**
 * Loading: the environment read once, every violation (schema, rules,
 * derivations) reported together in one ConfigError, the result frozen.
 * This is the only module that reads `process.env`.
 */
import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { readEnvironment } from './coerce.js'
import { assemble, derive } from './derive.js'
import { EnvSchema, isSecret, type Env } from './environment.js'
import { crossFieldProblems } from './rules.js'
import type { AwsConfig, LocalStart } from './types.js'

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Builds the config from an environment; throws one ConfigError listing every problem. */
export function loadConfig (source: NodeJS.ProcessEnv = process.env): AwsConfig | LocalStart {
  // TypeBox checks formats only once they are registered (done here, not on import).
  if (!FormatRegistry.Has('uri')) FormatRegistry.Set('uri', value => URL.canParse(value))
  // A text that cannot be coerced is reported here and left unset, so what follows sees only the schema's types.
  const { values, problems } = readEnvironment(EnvSchema, source)
  const env = Value.Default(EnvSchema, values) as Env
  for (const error of Value.Errors(EnvSchema, env)) {
    const name = error.path.slice(1)
    const shown = error.value !== undefined && !isSecret(name) ? ` (got ${JSON.stringify(error.value)})` : ''
    problems.push(`${name || 'config'}: ${error.message}${shown}`)
  }
  const mode = env.COGNITO_USER_POOL_ID ? 'aws' : 'local'
  const derived = derive(env, mode)
  problems.push(...crossFieldProblems(env, mode, derived), ...derived.problems)
  if (problems.length > 0) throw new ConfigError(problems)
  return assemble(env, mode, derived)
}
