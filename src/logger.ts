/**
 * Logger options: one line per request with its id, and no secret ever.
 * Redaction covers credentials wherever they could appear in a logged object;
 * the request serializer drops query values, since e-mail links carry codes.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import type { FastifyChildLoggerFactory } from 'fastify/types/logger.js'
import { pino, type Logger } from 'pino'
import type { Config } from './config/index.js'

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password', '*.newPassword', '*.previousPassword', '*.proposedPassword',
  '*.token', '*.accessToken', '*.idToken', '*.refreshToken', '*.session',
  '*.AccessToken', '*.IdToken', '*.RefreshToken', '*.Session', '*.Password', '*.ConfirmationCode', '*.SecretHash',
  '*.cookieSecret', '*.clientSecret', '*.credentials',
  // The identity pool's answers and requests: AWS credentials, and the ID token under its provider name in Logins.
  '*.secretAccessKey', '*.sessionToken', '*.SecretKey', '*.SessionToken', '*.Credentials', '*.Logins'
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

type Bindings = Record<string, unknown>
type ChildOptions = Record<string, unknown>
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
type LogMethod = (...args: unknown[]) => void

/**
 * Fastify gives every request a child logger carrying its id, and pino's
 * child() costs more than the rest of a cached token check (bindings are
 * serialized up front). Most requests log nothing but the request line, which
 * has its own logger: this child is made only when a route first writes a
 * line at an enabled level.
 */
class LazyRequestLogger {
  readonly #parent: Logger
  readonly #bindings: Bindings
  readonly #options: ChildOptions
  #child: Logger | undefined

  constructor (parent: Logger, bindings: Bindings, options: ChildOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
    // A route with a log level of its own: its lines are judged by that level, which only the child knows.
    if (options.level !== undefined) this.#child = parent.child(bindings, options)
  }

  get #logger (): Logger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options)
    return this.#child
  }

  #write (level: Level, args: unknown[]): void {
    if (this.#child === undefined && !this.#parent.isLevelEnabled(level)) return
    (this.#logger[level] as LogMethod)(...args)
  }

  get level (): string { return (this.#child ?? this.#parent).level }
  set level (level: string) { this.#logger.level = level }

  fatal (...args: unknown[]): void { this.#write('fatal', args) }
  error (...args: unknown[]): void { this.#write('error', args) }
  warn (...args: unknown[]): void { this.#write('warn', args) }
  info (...args: unknown[]): void { this.#write('info', args) }
  debug (...args: unknown[]): void { this.#write('debug', args) }
  trace (...args: unknown[]): void { this.#write('trace', args) }
  silent (): void {}
  child (bindings: Bindings, options?: ChildOptions): Logger { return this.#logger.child(bindings, options) }
}

/** Fastify's `childLoggerFactory`: the request's logger, made on first use. */
export const lazyRequestLogger: FastifyChildLoggerFactory = (logger, bindings, options) =>
  new LazyRequestLogger(logger as Logger, bindings, options as ChildOptions) as unknown as FastifyBaseLogger
