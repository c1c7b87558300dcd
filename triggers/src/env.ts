/**
 * The triggers' configuration: the Lambda's environment, read per invocation (cheap, and a test sets it),
 * every variable named once here. The names are a contract with the CDK app (infra/): triggers/README.md.
 */

/** Where a trigger reads its settings; `process.env` in Lambda. */
export type Env = Readonly<Record<string, string | undefined>>

/** A variable that must be set; a missing one fails the invocation with its name (a deployment mistake, not a user's). */
export function required (env: Env, name: string): string {
  const value = env[name]?.trim()
  if (value === undefined || value === '') throw new Error(`${name} is not set`)
  return value
}

export function optional (env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/** An integer within bounds, else the default: a timeout is never left unbounded by a typo. */
export function boundedInteger (env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = optional(env, name)
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}`)
  return value
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * An endpoint the trigger sends secrets or personal data to: `https:`, or plain `http:` only for a loopback host
 * (a local stub, the tests), as the service's PUBLIC_URL rule.
 */
export function endpoint (env: Env, name: string): URL {
  const text = required(env, name)
  if (!URL.canParse(text)) throw new Error(`${name} is not a URL`)
  const url = new URL(text)
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
  if (!secure) throw new Error(`${name} must be https: (plain http: only for a loopback host)`)
  if (url.username !== '' || url.password !== '') throw new Error(`${name} must not carry credentials`)
  return url
}
