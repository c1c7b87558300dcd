/**
 * What reaches the app before any route: requests Node's HTTP parser or
 * Fastify's router refuse, over a real socket. Each is a problem document,
 * and a body that never finishes arriving does not hold the connection.
 */
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { awsConfig, captureLines, contractChecked } from './helper.js'
import { CONDITION_MS, LATE_MS } from './helpers/timeouts.js'

// The request timeout under test: the client below never finishes its body, so the timeout is the only way out.
const REQUEST_TIMEOUT_MS = 1000

// Raw socket requests are not seen by the contract check; the one inject is.
const app = contractChecked(await buildApp(
  awsConfig({ REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), COGNITO_ISSUER: 'http://127.0.0.1:1/us-east-1_Mocked01' }),
  { logStream: captureLines().stream }
))
t.teardown(() => app.close())
await app.listen({ port: 0, host: '127.0.0.1' })
const port = (app.server.address() as AddressInfo).port

/** Writes raw bytes, returns everything the server sent until it closed, and when. */
async function raw (bytes: string, waitMs = CONDITION_MS): Promise<{ text: string, ms: number }> {
  const started = Date.now()
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    let text = ''
    socket.on('data', chunk => { text += chunk.toString() })
    socket.on('error', reject)
    socket.on('close', () => resolve({ text, ms: Date.now() - started }))
    setTimeout(() => { socket.destroy(); resolve({ text, ms: Date.now() - started }) }, waitMs).unref()
  })
}

function problemOf (text: string): { status: string, headers: string, body: Record<string, unknown> } {
  const [head = '', body = ''] = text.split('\r\n\r\n')
  return { status: head.split('\r\n')[0] ?? '', headers: head.toLowerCase(), body: JSON.parse(body) }
}

t.test('a body that never finishes arriving is cut off after REQUEST_TIMEOUT_MS with a 408 problem', async t => {
  const { text, ms } = await raw('POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 16000\r\n\r\n{"username"')
  t.ok(ms >= REQUEST_TIMEOUT_MS - 50 && ms < REQUEST_TIMEOUT_MS + LATE_MS, `closed after ${ms} ms, not minutes`)
  const { status, headers, body } = problemOf(text)
  t.equal(status, 'HTTP/1.1 408 Request Timeout')
  t.match(headers, 'content-type: application/problem+json')
  t.match(body, { code: 'REQUEST_TIMEOUT', status: 408, type: '/problems/request-timeout', instance: /^urn:request:[\w-]+$/ })
})

t.test('headers too large are a 431 problem', async t => {
  const { text } = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  const { status, body } = problemOf(text)
  t.equal(status, 'HTTP/1.1 431 Request Header Fields Too Large')
  t.match(body, { code: 'HEADERS_TOO_LARGE', status: 431 })
})

t.test('bytes that are not HTTP are a 400 problem', async t => {
  const { text } = await raw('HELLO THERE\r\n\r\n')
  const { status, body } = problemOf(text)
  t.equal(status, 'HTTP/1.1 400 Bad Request')
  t.match(body, { code: 'VALIDATION_FAILED', status: 400, detail: 'The request is not valid HTTP.' })
})

t.test('a URL that is not validly percent-encoded is a 400 problem with a request id', async t => {
  const response = await app.inject({ method: 'GET', url: '/auth/%E0%A4%A' })
  t.equal(response.statusCode, 400)
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(response.headers['cache-control'], 'no-store')
  const instance = `urn:request:${String(response.headers['x-request-id'])}`
  t.match(response.json(), { code: 'VALIDATION_FAILED', detail: 'The URL is not valid.', instance })
})
