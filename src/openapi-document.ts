/**
 * The OpenAPI document as committed in openapi/openapi.json: generated from
 * the route schemas of a local-mode app on a placeholder pool (nothing is
 * contacted), so the local-mode routes are included, and with a placeholder
 * METRICS_TOKEN, so GET /metrics is.
 */
import { buildApp } from './app.js'
import { completeLocalConfig, loadConfig } from './config/index.js'

export async function openApiDocument (): Promise<string> {
  // An https public URL: the document names the cookies as production sets them.
  // A placeholder METRICS_TOKEN: the document describes GET /metrics, which exists when one is set.
  const start = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_URL: 'https://auth.example.com', METRICS_TOKEN: 'placeholder'.repeat(4) })
  if (start.mode !== 'local') throw new Error('an empty environment is local mode')
  // A closed loopback port: the JWKS warm-up fails at once and nothing leaves the machine.
  const config = completeLocalConfig(start, {
    endpoint: 'http://127.0.0.1:1',
    userPoolId: 'local_Placeholder',
    clientId: 'placeholder',
    cookieSecret: 'x'.repeat(32)
  })
  const app = await buildApp(config)
  await app.ready()
  const document = { 'x-generated': 'by `npm run openapi` from the route schemas; do not edit', ...app.swagger() }
  await app.close()
  return JSON.stringify(document, null, 2) + '\n'
}
