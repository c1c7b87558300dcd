/** The environment variables of the reference's "Server" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'
import { Literals } from './literals.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const server = {
  title: 'Server',
  about: 'Where the service listens and how it treats requests.',
  variables: {
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port the BFF listens on (0 picks a free one).' }),
    HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to bind; use `0.0.0.0` in a container.' }),
    PUBLIC_URL: Type.Optional(Type.String({
      format: 'uri',
      defaultText: 'local mode: `http://localhost:PORT`',
      description: 'Origin browsers use to reach the BFF. Required outside local mode, and `https:` there (plain `http:` only for a loopback ' +
        'host). Its scheme decides whether cookies are Secure (and `__Host-`/`__Secure-` prefixed) and whether HSTS is sent; its origin is always ' +
        'allowed by the origin check.'
    })),
    LOG_LEVEL: Literals(LOG_LEVELS, { default: 'info', description: 'pino log level.' }),
    BODY_LIMIT: Type.Integer({ minimum: 1024, default: 16384, description: 'Largest accepted request body in bytes.' }),
    REQUEST_TIMEOUT_MS: Type.Integer({
      minimum: 1000,
      default: 10000,
      description: 'A request, headers and body, must arrive within this many milliseconds, or its connection is closed (a client sending its body ' +
        'slowly holds no socket).'
    }),
    TRUST_PROXY: Type.String({
      default: 'false',
      pattern: '^(true|false|\\d+|[0-9a-fA-F.:/,\\s]+)$',
      description: 'Behind a load balancer: `true`, a hop count, or comma-separated proxy addresses/CIDRs, so client IPs (rate limits, logs) come ' +
        'from `X-Forwarded-For`.'
    })
  }
}
