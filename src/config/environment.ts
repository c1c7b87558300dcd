/**
 * The environment this service reads: one TypeBox schema, assembled from the
 * groups in ./variables/ (one file each), every variable described in Markdown.
 * The configuration reference (`npm run docs:config`, docs/configuration.md)
 * is written from it, and values are coerced by the types declared there
 * (./coerce.ts): a new variable goes in its group's file and in `.env.example`,
 * nowhere else.
 *
 * Two options of our own go beside TypeBox's: `defaultText`, the default as
 * the reference shows it when it is not one fixed value (computed, or
 * depending on the mode); `secret`, a value never echoed in an error.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { abuse } from './variables/abuse.js'
import { admin } from './variables/admin.js'
import { cognito } from './variables/cognito.js'
import { hostedUi } from './variables/hosted-ui.js'
import { identityPool } from './variables/identity-pool.js'
import { local } from './variables/local.js'
import { operations } from './variables/operations.js'
import { redis } from './variables/redis.js'
import { server } from './variables/server.js'
import { sessions } from './variables/sessions.js'
import { tokens } from './variables/tokens.js'

export interface EnvGroup { title: string, about: string, variables: Record<string, TSchema> }

/** The groups, in the order the reference shows them. */
export const ENV_GROUPS: readonly EnvGroup[] = [server, cognito, tokens, sessions, hostedUi, identityPool, admin, abuse, redis, operations, local]

export const EnvSchema = Type.Object({
  ...server.variables,
  ...cognito.variables,
  ...tokens.variables,
  ...sessions.variables,
  ...hostedUi.variables,
  ...identityPool.variables,
  ...admin.variables,
  ...abuse.variables,
  ...redis.variables,
  ...operations.variables,
  ...local.variables
})

export type Env = Static<typeof EnvSchema>

/** Our own schema options (see above). */
export interface VariableNotes { defaultText?: string, secret?: boolean }

export function notesOf (schema: TSchema): VariableNotes {
  return schema as VariableNotes
}

/** Whether a variable's value must never be echoed (in an error, a log line). */
export function isSecret (name: string): boolean {
  const schema = (EnvSchema.properties as Record<string, TSchema>)[name]
  return schema !== undefined && notesOf(schema).secret === true
}
