/**
 * The OpenAPI document as committed in openapi/openapi.json: generated from
 * the route schemas of an app built on a placeholder pool (nothing is
 * contacted), with the local-mode routes included.
 */
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { createOutbox } from './local/outbox.js'

// A closed loopback port: the JWKS warm-up fails at once and nothing leaves the machine.
const PLACEHOLDER_ISSUER = 'http://127.0.0.1:1/us-east-1_Placeholder'

export async function openApiDocument (): Promise<string> {
  const config = loadConfig({ LOG_LEVEL: 'silent', COGNITO_USER_POOL_ID: 'us-east-1_Placeholder', COGNITO_CLIENT_ID: 'placeholder', COOKIE_SECRETS: 'x'.repeat(32), PUBLIC_URL: 'https://auth.example.com' })
  const app = await buildApp(config, {
    cognito: { region: 'us-east-1', userPoolId: 'us-east-1_Placeholder', clientId: 'placeholder', issuer: PLACEHOLDER_ISSUER, jwksUri: `${PLACEHOLDER_ISSUER}/.well-known/jwks.json`, loginFlow: 'USER_PASSWORD_AUTH', timeoutMs: 1000 },
    cookieSecrets: ['x'.repeat(32)],
    outbox: createOutbox(() => {})
  })
  await app.ready()
  const document = { 'x-generated': 'by `npm run openapi` from the route schemas; do not edit', ...app.swagger() }
  await app.close()
  return JSON.stringify(document, null, 2) + '\n'
}
