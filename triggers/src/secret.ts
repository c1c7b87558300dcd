/**
 * Shared secrets (the legacy service's bearer token, the webhook's signing key): `<NAME>` holds the value, or
 * `<NAME>_ARN` names a Secrets Manager secret read through the AWS Parameters and Secrets Lambda Extension
 * (a layer the CDK app adds; it listens on localhost:2773 and authenticates with the function's session token).
 * No Secrets Manager SDK in the bundle; values are cached for five minutes per container, so a rotation lands soon.
 */
import { type Env, optional } from './env.ts'

const CACHE_MS = 5 * 60_000
const cache = new Map<string, { value: string, until: number }>()

export async function readSecret (env: Env, name: string): Promise<string | undefined> {
  const direct = optional(env, name)
  if (direct !== undefined) return direct
  const arn = optional(env, `${name}_ARN`)
  if (arn === undefined) return undefined
  const cached = cache.get(arn)
  if (cached !== undefined && cached.until > Date.now()) return cached.value
  const port = optional(env, 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT') ?? '2773'
  const token = optional(env, 'AWS_SESSION_TOKEN') ?? ''
  const answer = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(arn)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': token },
    signal: AbortSignal.timeout(1000)
  })
  if (!answer.ok) throw new Error(`${name}_ARN: the secrets extension answered ${answer.status}`)
  const body = await answer.json() as { SecretString?: unknown }
  if (typeof body.SecretString !== 'string' || body.SecretString === '') throw new Error(`${name}_ARN: the secret has no string value`)
  cache.set(arn, { value: body.SecretString, until: Date.now() + CACHE_MS })
  return body.SecretString
}

/** For tests: forget cached secrets. */
export function clearSecretCache (): void {
  cache.clear()
}
