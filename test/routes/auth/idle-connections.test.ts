/**
 * Sign-up after the embedded emulator closed the service's idle keep-alive
 * connections, as its http server does after 5 s idle. The close is made to
 * land at the worst moment, as when the service's event loop was busy past
 * that timeout: when the service has just handed its next Cognito request a
 * pooled socket, and before it could notice the close (no event loop turn).
 * Deterministic: Node's diagnostics channels give the moment and the
 * emulator's http server; nothing sleeps.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { Agent, ClientRequest, IncomingMessage, Server } from 'node:http'
import type { Socket } from 'node:net'
import t from 'tap'
import { buildTestApp, PASSWORD, uniqueUsername } from '../../helper.js'

t.test('POST /auth/signup after the emulator closed the idle connection it would reuse: 201, the SignUp reached the emulator once', async t => {
  const { app, local } = await buildTestApp(t)

  // The emulator's http server and the connection of each request it reads.
  let emulator: Server | undefined
  const connectionOf: Socket[] = []
  const onServerRequest = (message: unknown) => {
    const { server, request } = message as { server: Server, request: IncomingMessage }
    if (server.listening && local.config.pool.endpoint === `http://127.0.0.1:${(server.address() as { port: number }).port}`) {
      emulator = server
      connectionOf.push(request.socket)
    }
  }
  subscribe('http.server.request.start', onServerRequest)
  t.teardown(() => unsubscribe('http.server.request.start', onServerRequest))

  // Every failed client request of this process, with whether its socket came from the pool.
  const failures: Array<{ code?: string, reused: boolean }> = []
  const onClientError = (message: unknown) => {
    const { request, error } = message as { request: ClientRequest, error: NodeJS.ErrnoException }
    failures.push({ code: error.code, reused: request.reusedSocket })
  }
  subscribe('http.client.request.error', onClientError)
  t.teardown(() => unsubscribe('http.client.request.error', onClientError))

  const first = await app.inject({ method: 'POST', url: '/auth/signup', payload: signUpBody(uniqueUsername('idle')) })
  t.equal(first.statusCode, 201, first.body)
  if (emulator === undefined) throw new Error('the sign-up never reached the emulator')
  await untilPooled(local.sdk)

  // At the service's next Cognito request, the emulator closes every idle connection, that request's among them.
  const closeIdle = () => {
    unsubscribe('http.client.request.created', closeIdle)
    emulator?.closeIdleConnections()
  }
  subscribe('http.client.request.created', closeIdle)
  t.teardown(() => unsubscribe('http.client.request.created', closeIdle))

  const username = uniqueUsername('idle')
  const before = connectionOf.length
  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: signUpBody(username) })

  t.equal(res.statusCode, 201, res.body)
  t.same(res.json(), {
    username,
    userSub: res.json().userSub,
    confirmed: false,
    codeDelivery: { medium: 'EMAIL', destination: `${username}@example.com`, attribute: 'email' }
  })
  t.equal(failures.length, 1, 'one request failed (the close was noticed only by the request that met it)')
  t.same(failures.map(f => f.reused), [true], 'and it had a pooled socket')
  t.equal(connectionOf.length - before, 1, 'the emulator read the second SignUp once')
  t.notOk(connectionOf.slice(0, before).includes(connectionOf[before] as Socket), 'on a new connection')
  t.equal(local.outbox.list(username).length, 1, 'one confirmation code was sent')
})

function signUpBody (username: string) {
  return { username, password: PASSWORD, email: `${username}@example.com` }
}

/** Waits (deadline 30 s) until the SDK client has a socket back in its pool: the next call will reuse it. */
async function untilPooled (sdk: { config: { requestHandler: unknown } }): Promise<void> {
  const handler = sdk.config.requestHandler as { httpHandlerConfigs (): { httpAgent?: Agent } }
  const idle = () => Object.values(handler.httpHandlerConfigs().httpAgent?.freeSockets ?? {}).reduce((n, list) => n + (list?.length ?? 0), 0)
  const deadline = Date.now() + 30_000
  while (idle() === 0) {
    if (Date.now() > deadline) throw new Error('no socket returned to the pool')
    await new Promise(resolve => setImmediate(resolve))
  }
}
