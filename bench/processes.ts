/**
 * What the benches share to start the service: a free port, and the
 * environment of the compiled service in AWS mode against the benches' local
 * JWKS server, as production runs it (NODE_ENV=production, logging at info).
 */
import { createServer } from 'node:net'
import { CLIENT_ID, POOL_ID, type JwksServer } from './token-verify/jwt.js'

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

/** The service's environment on `port`; `env` adds to it (REDIS_URL...). */
export function awsModeEnv (port: number, jwks: JwksServer, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    PUBLIC_URL: `http://localhost:${port}`,
    COGNITO_USER_POOL_ID: POOL_ID,
    COGNITO_CLIENT_ID: CLIENT_ID,
    COOKIE_SECRETS: 'bench-cookie-secret-0123456789-abcdefghijklmnop',
    COGNITO_ISSUER: jwks.issuer,
    COGNITO_JWKS_URI: jwks.jwksUri('service'),
    ...env
  }
}
