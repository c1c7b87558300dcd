/**
 * Keep-alive sockets the peer closed (src/cognito/connections.ts), with real
 * parts only: the SDK client `createSdkClient` builds, real sockets, and a
 * fake Cognito endpoint in a worker thread. The worker has its own event
 * loop, so it can close a connection while this thread is blocked: the
 * client then hands its next request to a socket it has not yet seen
 * closed, which is the race that made SignUp answer 503 after an idle gap.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { Agent, ClientRequest } from 'node:http'
import { Worker } from 'node:worker_threads'
import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { createSdkClient, type SdkClient } from '../../src/cognito/client.js'
import { buildAwsApp, expectProblem, PASSWORD } from '../helper.js'
import { createCognitoGateway } from '../../src/cognito/gateway.js'

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' }
/** Slots of the counters the worker shares: connections accepted, requests read, connections closed, then each request's connection number. */
const CONNECTIONS = 0
const REQUESTS = 1
const CLOSED = 2
const CONNECTION_OF = 3

/**
 * The fake endpoint. Every request is counted (with the number of the
 * connection it came on) and answered as SignUp, except:
 *  - 'reset-fresh': the first request on a connection (from connection number
 *    `resetFrom` on) is answered with a TCP reset;
 *  - 'partial-on-reuse': a second request on a connection gets the first line
 *    of an answer, then the connection ends.
 * The message 'fin' or 'rst' closes every connection (gracefully, or with a
 * reset); each close is counted and wakes an Atomics.wait on CLOSED.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { createServer } = require('node:http')
const counts = new Int32Array(workerData.shared)
const sockets = new Set()
const server = createServer({ keepAliveTimeout: 600000 }, (req, res) => {
  const n = Atomics.add(counts, ${REQUESTS}, 1)
  Atomics.store(counts, ${CONNECTION_OF} + n, req.socket.number)
  req.socket.served = (req.socket.served || 0) + 1
  req.resume()
  req.on('end', () => {
    if (workerData.mode === 'reset-fresh' && req.socket.served === 1 && req.socket.number >= workerData.resetFrom) return req.socket.resetAndDestroy()
    if (workerData.mode === 'partial-on-reuse' && req.socket.served === 2) return req.socket.end('HTTP/1.1 200 OK\\r\\n')
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake-' + n })
    res.end(JSON.stringify({ UserConfirmed: false, UserSub: '0b0f5a0e-6f1d-4d25-9f39-3c1e8e8b2a11' }))
  })
})
server.on('connection', socket => {
  socket.number = Atomics.add(counts, ${CONNECTIONS}, 1) + 1
  sockets.add(socket)
  socket.on('close', () => {
    sockets.delete(socket)
    Atomics.add(counts, ${CLOSED}, 1)
    Atomics.notify(counts, ${CLOSED})
  })
})
parentPort.on('message', how => {
  for (const socket of sockets) how === 'rst' ? socket.resetAndDestroy() : socket.destroy()
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
`

interface FakeCognito {
  endpoint: string
  connections (): number
  requests (): number
  /** The connection (1, 2...) each request came on. */
  connectionOfEach (): number[]
  /**
   * When this process next creates an HTTP request (the SDK has just given
   * it a pooled socket), has the worker close every connection and blocks
   * this thread until the worker saw them closed: no event loop turn, so the
   * client learns nothing before it writes the request to that socket.
   */
  closeAllAtNextRequest (t: Test, how: 'fin' | 'rst'): void
}

async function fakeCognito (t: Test, mode: 'answer' | 'reset-fresh' | 'partial-on-reuse', resetFrom = 1): Promise<FakeCognito> {
  const shared = new SharedArrayBuffer(16 * Int32Array.BYTES_PER_ELEMENT)
  const counts = new Int32Array(shared)
  const worker = new Worker(WORKER, { eval: true, workerData: { shared, mode, resetFrom } })
  t.teardown(() => worker.terminate())
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => Atomics.load(counts, CONNECTIONS),
    requests: () => Atomics.load(counts, REQUESTS),
    connectionOfEach: () => Array.from(counts.subarray(CONNECTION_OF, CONNECTION_OF + Atomics.load(counts, REQUESTS))),
    closeAllAtNextRequest (t, how) {
      const closeAll = () => {
        unsubscribe('http.client.request.created', closeAll)
        const target = Atomics.load(counts, CONNECTIONS)
        worker.postMessage(how)
        const deadline = Date.now() + 30_000
        for (let closed = Atomics.load(counts, CLOSED); closed < target; closed = Atomics.load(counts, CLOSED)) {
          if (Date.now() > deadline) throw new Error('the fake Cognito did not close its connections within 30 s')
          Atomics.wait(counts, CLOSED, closed, deadline - Date.now())
        }
      }
      subscribe('http.client.request.created', closeAll)
      t.teardown(() => unsubscribe('http.client.request.created', closeAll))
    }
  }
}

/** Every error a ClientRequest of this process emits, with whether its socket came from the pool (diagnostics channel). */
function requestErrors (t: Test): Array<{ code?: string, reused: boolean }> {
  const seen: Array<{ code?: string, reused: boolean }> = []
  const listener = (message: unknown) => {
    const { request, error } = message as { request: ClientRequest, error: NodeJS.ErrnoException }
    seen.push({ code: error.code, reused: request.reusedSocket })
  }
  subscribe('http.client.request.error', listener)
  t.teardown(() => unsubscribe('http.client.request.error', listener))
  return seen
}

function sdkAt (t: Test, endpoint: string): SdkClient {
  const sdk = createSdkClient({ region: 'us-east-1', endpoint, timeoutMs: 10_000, credentials: CREDENTIALS })
  t.teardown(() => sdk.destroy())
  return sdk
}

/** The SDK client's pooled idle sockets. */
function idleSockets (sdk: SdkClient): number {
  const handler = sdk.config.requestHandler as unknown as { httpHandlerConfigs (): { httpAgent?: Agent } }
  const agent = handler.httpHandlerConfigs().httpAgent
  if (agent === undefined) throw new Error('the SDK client has no http agent yet')
  return Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0)
}

/** Waits (deadline 30 s) until the first call's socket is back in the pool: the next call will reuse it. */
async function untilPooled (sdk: SdkClient): Promise<void> {
  const deadline = Date.now() + 30_000
  while (idleSockets(sdk) === 0) {
    if (Date.now() > deadline) throw new Error('the socket never returned to the pool')
    await new Promise(resolve => setImmediate(resolve))
  }
}

const signUp = (username: string) => new SignUpCommand({ ClientId: 'client', Username: username, Password: PASSWORD })

for (const how of ['fin', 'rst'] as const) {
  t.test(`a SignUp on a pooled socket the peer closed (${how}) is sent once more on a new connection, and succeeds`, async t => {
    const cognito = await fakeCognito(t, 'answer')
    const sdk = sdkAt(t, cognito.endpoint)
    const errors = requestErrors(t)

    await sdk.send(signUp('first'))
    await untilPooled(sdk)
    t.equal(idleSockets(sdk), 1, 'one socket waits in the pool')

    cognito.closeAllAtNextRequest(t, how)
    const answer = await sdk.send(signUp('second'))

    t.equal(answer.UserSub, '0b0f5a0e-6f1d-4d25-9f39-3c1e8e8b2a11', 'the second SignUp succeeded')
    t.same(errors.map(e => e.reused), [true], 'exactly one request failed, and it had a pooled socket (the race was reproduced)')
    t.match(errors[0]?.code, /^(ECONNRESET|EPIPE)$/, 'it failed as a closed socket fails')
    t.equal(cognito.connections(), 2, 'the retry opened a second connection')
    t.same(cognito.connectionOfEach(), [1, 2], 'the fake saw the first SignUp on connection 1 and the second once, on connection 2')
  })
}

t.test('a SignUp reset on a new connection is not sent again', async t => {
  const cognito = await fakeCognito(t, 'reset-fresh')
  const sdk = sdkAt(t, cognito.endpoint)
  const errors = requestErrors(t)

  await t.rejects(sdk.send(signUp('first')), { code: 'ECONNRESET' })
  t.same(errors, [{ code: 'ECONNRESET', reused: false }], 'one failure, on a new connection')
  t.equal(cognito.requests(), 1, 'the fake saw the SignUp once')
  t.equal(cognito.connections(), 1, 'no second connection')
})

t.test('the retry is once: a SignUp whose retry on a new connection is reset fails', async t => {
  const cognito = await fakeCognito(t, 'reset-fresh', 2)
  const sdk = sdkAt(t, cognito.endpoint)
  const errors = requestErrors(t)

  await sdk.send(signUp('first'))
  await untilPooled(sdk)
  cognito.closeAllAtNextRequest(t, 'fin')
  await t.rejects(sdk.send(signUp('second')), { code: 'ECONNRESET' })
  t.same(errors.map(e => e.reused), [true, false], 'the pooled socket failed, then the retry on a new connection')
  t.same(cognito.connectionOfEach(), [1, 2], 'the retry reached the fake once, on connection 2')
  t.equal(cognito.connections(), 2, 'no third connection')
})

/** The app in AWS mode over the real gateway (real SDK client, the gateway's own settings) at `endpoint`. */
async function appAt (t: Test, endpoint: string) {
  return await buildAwsApp(t, {
    env: { COGNITO_ENDPOINT: endpoint },
    gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: 10_000, credentials: CREDENTIALS })
  })
}

const signUpBody = (username: string) => ({ username, password: PASSWORD, email: `${username}@example.com` })

t.test('a SignUp reset on a new connection is not sent again (Cognito may have acted on it): 503 UPSTREAM_UNAVAILABLE', async t => {
  const cognito = await fakeCognito(t, 'reset-fresh')
  const { app } = await appAt(t, cognito.endpoint)
  const errors = requestErrors(t)

  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: signUpBody('alice') })
  expectProblem(t, res, 'UPSTREAM_UNAVAILABLE')
  t.equal(res.headers['retry-after'], '1')
  t.same(errors, [{ code: 'ECONNRESET', reused: false }], 'the one request failed on a new connection')
  t.equal(cognito.requests(), 1, 'the fake saw the SignUp once')
  t.equal(cognito.connections(), 1)
})

t.test('a SignUp on a pooled socket that ends after the first bytes of an answer is not sent again: 503 UPSTREAM_UNAVAILABLE', async t => {
  const cognito = await fakeCognito(t, 'partial-on-reuse')
  const { app } = await appAt(t, cognito.endpoint)
  const errors = requestErrors(t)

  const first = await app.inject({ method: 'POST', url: '/auth/signup', payload: signUpBody('alice') })
  t.equal(first.statusCode, 201, first.body)
  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: signUpBody('bob') })
  expectProblem(t, res, 'UPSTREAM_UNAVAILABLE')
  t.same(errors, [{ code: 'ECONNRESET', reused: true }], 'the second request failed on the pooled socket, after bytes of an answer')
  t.equal(cognito.requests(), 2, 'the fake saw each SignUp once')
  t.equal(cognito.connections(), 1, 'no new connection was opened for a retry')
})
