/**
 * The OpenAPI document as committed in openapi/openapi.json: generated from
 * the route schemas of a local-mode app on a placeholder pool (nothing is
 * contacted), so the local-mode routes are included, and with a placeholder
 * METRICS_TOKEN, so GET /metrics is, and a placeholder admin client, so the
 * client-credentials way to the admin API is. What only a running service
 * knows is a documented placeholder: `servers` (the served /openapi.json names
 * its PUBLIC_URL) and the admin client's token URL (its pool's domain).
 */
import { buildApp } from './app.js'
import { completeLocalConfig, loadConfig } from './config/index.js'
import { TOKEN_URL_PLACEHOLDER } from './plugins/openapi.js'

/**
 * The committed document's server: PUBLIC_URL as a variable, local mode's
 * default as its value (an import works against `npm run dev` as it is).
 */
export const SERVER_PLACEHOLDER = {
  url: '{publicUrl}',
  description: 'This service, at its PUBLIC_URL. A running service serves this document at /openapi.json with its own PUBLIC_URL here.',
  variables: { publicUrl: { default: 'http://localhost:3000', description: 'The service\'s PUBLIC_URL (local mode\'s default shown).' } }
}

export async function openApiDocument (): Promise<string> {
  // An https public URL: the document names the cookies as production sets them.
  // A placeholder METRICS_TOKEN: the document describes GET /metrics, which exists when one is set.
  const start = loadConfig({
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://auth.example.com',
    METRICS_TOKEN: 'placeholder'.repeat(4),
    ADMIN_SCOPES: 'bff/admin',
    ADMIN_CLIENT_IDS: 'placeholderadminclient'
  })
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
  const generated = app.swagger()
  await app.close()
  const document = { 'x-generated': 'by `npm run openapi` from the route schemas; do not edit', ...generated, servers: [SERVER_PLACEHOLDER] }
  const schemes = (generated as { components?: { securitySchemes?: Record<string, { flows?: { clientCredentials?: { tokenUrl: string } } }> } })
    .components?.securitySchemes
  const clientCredentials = schemes?.adminClient?.flows?.clientCredentials
  if (clientCredentials !== undefined) clientCredentials.tokenUrl = TOKEN_URL_PLACEHOLDER
  return layout(document) + '\n'
}

/** The depth whose values each take one line: an operation (paths → path → method), a component (components → kind → name). */
const LINE_DEPTH = 3

/**
 * The committed layout: JSON, broken into lines down to one line per operation, per component, per tag, so a route's
 * change is a change of its operation's line (and of the components it adds or changes) and the file stays small;
 * indented with two spaces, short values on one line. Pretty-printing it whole would double its size.
 */
export function layout (value: unknown, depth = 0, indent = ''): string {
  const line = JSON.stringify(value)
  if (typeof value !== 'object' || value === null || depth >= LINE_DEPTH || line.length + indent.length <= 100) return line
  const inner = `${indent}  `
  const entries = Array.isArray(value)
    ? value.map(item => inner + layout(item, depth + 1, inner))
    : Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${layout(item, depth + 1, inner)}`)
  if (entries.length === 0) return line
  return Array.isArray(value) ? `[\n${entries.join(',\n')}\n${indent}]` : `{\n${entries.join(',\n')}\n${indent}}`
}
