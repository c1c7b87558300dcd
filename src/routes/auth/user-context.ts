/**
 * The end user's context for Cognito's threat protection (adaptive
 * authentication, compromised-credential checks): their address, not this
 * service's, and the device fingerprint Cognito's advanced-security script
 * computes in the browser, which a client passes in the
 * `X-User-Context-Data` header.
 */
import type { FastifyRequest } from 'fastify'
import type { UserContext } from '../../cognito/gateway.js'

export const USER_CONTEXT_HEADER = 'x-user-context-data'
/** What the script produces: base64 text. Anything else is not passed on. */
const ENCODED_DATA = /^[A-Za-z0-9+/=_-]{1,8192}$/
/** Headers that describe the client, for the admin flow's ContextData; never cookies or credentials. */
const DESCRIPTIVE_HEADERS = ['user-agent', 'accept-language']

export function userContext (request: FastifyRequest, publicUrl: URL): UserContext {
  const encoded = request.headers[USER_CONTEXT_HEADER]
  const headers = DESCRIPTIVE_HEADERS.flatMap(name => {
    const value = request.headers[name]
    return typeof value === 'string' ? [{ headerName: name, headerValue: value }] : []
  })
  return {
    ipAddress: request.ip,
    encodedData: typeof encoded === 'string' && ENCODED_DATA.test(encoded) ? encoded : undefined,
    serverName: publicUrl.host,
    serverPath: request.url.split('?')[0] ?? '/',
    headers
  }
}
