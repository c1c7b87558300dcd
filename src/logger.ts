/**
 * Logger options: one line per request with its id, and no secret ever.
 * Redaction covers credentials wherever they could appear in a logged object;
 * the request serializer drops query values, since e-mail links carry codes.
 */
import type { FastifyServerOptions } from 'fastify'
import { pino, type Logger } from 'pino'
import type { Config } from './config.js'

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password', '*.newPassword', '*.previousPassword', '*.proposedPassword',
  '*.token', '*.accessToken', '*.idToken', '*.refreshToken', '*.session',
  '*.AccessToken', '*.IdToken', '*.RefreshToken', '*.Session', '*.Password', '*.ConfirmationCode', '*.SecretHash',
  '*.cookieSecret', '*.clientSecret', '*.credentials'
]

interface LoggedRequest {
  method: string
  url: string
  id?: string
  ip?: string
  headers: Record<string, unknown>
}

/** Keeps the path and the names of query parameters, never their values. */
function safeUrl (url: string): string {
  const question = url.indexOf('?')
  if (question === -1) return url
  const names = new URLSearchParams(url.slice(question + 1)).keys()
  return `${url.slice(0, question)}?${[...names].map(name => `${name}=…`).join('&')}`
}

const serializers = {
  req: (request: LoggedRequest) => ({
    method: request.method,
    url: safeUrl(request.url),
    ip: request.ip,
    userAgent: request.headers['user-agent']
  })
}

export function loggerOptions (config: Pick<Config, 'logLevel'>, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers,
    ...(stream ? { stream } : {})
  } as FastifyServerOptions['logger']
}

/**
 * The logger of the one line per request (plugins/request-log.ts), on the
 * same stream. It has no redaction: that line is built from fields known to
 * carry no secret (method, the URL without query values, address, user agent,
 * status, time, problem code, Cognito's exception), and redaction's wildcard
 * paths cost more than the rest of the line on every request.
 */
export function requestLineLogger (config: Pick<Config, 'logLevel'>, stream: NodeJS.WritableStream): Logger {
  return pino({ level: config.logLevel, serializers }, stream)
}
