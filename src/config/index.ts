/**
 * The service's configuration: one TypeBox schema over the environment, read
 * once at start, every violation reported together, the result frozen.
 *
 * - ./environment.ts (groups in ./variables/): the variables, their types,
 *   defaults and descriptions; docs/configuration.md is generated from it.
 * - ./coerce.ts: text to booleans and numbers, by the schema's types.
 * - ./types.ts: the typed config, a union on `mode` (aws | local).
 * - ./rules.ts: rules between variables.
 * - ./derive.ts: derived values (region, issuer, JWKS URL...) and assembly.
 * - ./load.ts: `loadConfig`, the only reader of `process.env`.
 */
export { EnvSchema } from './environment.js'
export { AwsConfigSchema, LocalConfigSchema, LocalStartSchema } from './types.js'
export type { AwsConfig, Config, LocalConfig, LocalStart, LoginFlow, Pool } from './types.js'
export { ConfigError, loadConfig } from './load.js'
export { completeLocalConfig } from './derive.js'
