/**
 * Connections to Cognito: keep-alive sockets, and the one retry a request
 * earns when the socket it was given had already been closed by the peer.
 *
 * A peer closes a keep-alive connection it has kept idle long enough (Node's
 * http server after 5 s, the emulator with it; Cognito's endpoints too). If
 * this process does not notice in time (its event loop was busy, or the close
 * crosses the next request on the wire), the next request goes out on that
 * socket and fails with ECONNRESET or EPIPE before a byte comes back. Such a
 * request never reached Cognito, so it cannot have taken effect: it is sent
 * again, once, on a new connection, whatever the operation (Node's http docs
 * recommend the same: `if (req.reusedSocket && err.code === 'ECONNRESET')`).
 * A reset on a new connection, or after the answer began, may follow a
 * request Cognito acted on: that stays an error, and `call` decides.
 */
import type { ClientRequest } from 'node:http'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { NodeHttpHandler } from '@smithy/node-http-handler'

/**
 * How long a socket may sit unused in the pool: under the 5 s after which
 * Node's http server (and so the emulator) closes an idle connection. A peer
 * that announces a shorter `Keep-Alive: timeout=N` is honoured by Node's
 * agent (N - 1 s). After an idle gap the next call opens a new connection.
 */
export const IDLE_SOCKET_MS = 4000

/** What a socket the peer had closed answers a request with, as Node names it. */
const PEER_CLOSED = new Set(['ECONNRESET', 'EPIPE'])

/** The errors of requests that went out on a reused socket the peer had closed, before any byte of an answer. */
const neverDelivered = new WeakSet<object>()

/** Whether `err` is a request's failure on a reused keep-alive socket the peer had already closed: safe to send again. */
export function failedOnClosedSocket (err: unknown): boolean {
  return typeof err === 'object' && err !== null && neverDelivered.has(err)
}

type AgentClass = new (...args: any[]) => HttpAgent

/**
 * An agent that marks the failures of requests sent on a reused socket the
 * peer had closed (`reuseSocket` is where Node hands a pooled socket to a
 * request, before the SDK's handler listens on it), and then drops the rest
 * of its idle sockets: they have been idle as long, and the retry must go
 * out on a new connection.
 */
function closedSocketAware<T extends AgentClass> (Base: T) {
  return class extends Base {
    override reuseSocket (socket: Duplex, request: ClientRequest): void {
      super.reuseSocket(socket, request)
      // Bytes read so far were earlier answers; any more belong to this request's.
      const bytesBefore = (socket as Socket).bytesRead
      request.prependOnceListener('error', (err: NodeJS.ErrnoException) => {
        if (!PEER_CLOSED.has(err.code ?? '') || (socket as Socket).bytesRead !== bytesBefore) return
        neverDelivered.add(err)
        for (const idle of Object.values(this.freeSockets)) idle?.forEach(s => s.destroy())
      })
    }
  }
}

const ClosedSocketAwareHttpAgent = closedSocketAware(HttpAgent)
const ClosedSocketAwareHttpsAgent = closedSocketAware(HttpsAgent)

type HandleArgs = Parameters<NodeHttpHandler['handle']>

/**
 * The SDK's Node handler, sending a request once more when its first try
 * failed on a reused socket the peer had closed (see the module comment).
 * Everything else (timeouts, errors on a new connection or mid-answer)
 * passes through as the SDK's handler reports it.
 */
class ReconnectingHttpHandler extends NodeHttpHandler {
  override async handle (...[request, options]: HandleArgs): ReturnType<NodeHttpHandler['handle']> {
    try {
      return await super.handle(request, options)
    } catch (err) {
      if (!failedOnClosedSocket(err) || !replayable(request.body) || options?.abortSignal?.aborted === true) throw err
      return await super.handle(request, options)
    }
  }
}

/** A body that can be sent twice: Cognito's JSON is a string; a stream would be spent. */
function replayable (body: unknown): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array
}

/**
 * The SDK client's request handler: keep-alive agents that close sockets
 * idle for IDLE_SOCKET_MS, and the retry on a closed reused socket.
 */
export function cognitoRequestHandler (timeouts: { connectionTimeout: number, requestTimeout: number }): NodeHttpHandler {
  const agentOptions = { keepAlive: true, maxSockets: 50, timeout: IDLE_SOCKET_MS }
  return new ReconnectingHttpHandler({
    ...timeouts,
    // Without it the SDK only logs a warning when requestTimeout passes, and waits on.
    throwOnRequestTimeout: true,
    httpAgent: new ClosedSocketAwareHttpAgent(agentOptions),
    httpsAgent: new ClosedSocketAwareHttpsAgent(agentOptions)
  })
}
