/**
 * The admin audit covers every request under /admin, whatever its case, its
 * status or whether a route matched: one "admin action" line each, nothing
 * for other paths. Dot segments are sent on a real socket (inject resolves
 * them as a URL parser does, a socket does not).
 */
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { isAdminPath } from '../../../src/routes/admin/audit.js'
import { buildTestApp } from '../../helper.js'

interface AuditLine { msg?: string, reqId?: string, audit?: { action?: string, result?: string, status?: number, actor?: unknown } }

t.test('every request whose path starts with /admin, in any case, routed or not, writes one audit line', async t => {
  const { app, local, logs } = await buildTestApp(t)
  const { username, password } = local.demoAdmin
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  if (login.statusCode !== 200) throw new Error(`the demo admin cannot sign in: ${login.body}`)
  const authorization = `Bearer ${String(login.json().tokens.accessToken)}`
  const auditOf = (requestId: string) => logs.map(line => JSON.parse(line) as AuditLine)
    .filter(line => line.msg === 'admin action' && line.reqId === requestId)

  const injected: Array<[string, string, number]> = [
    ['GET', '/admin/', 404],
    ['PUT', '/admin/users/x', 404],
    ['GET', '/ADMIN/users', 404],
    ['GET', '/Admin/Groups', 404],
    ['GET', '/admin/groups/', 404],
    ['DELETE', '/admin', 404],
    ['GET', '/admin/groups', 200]
  ]
  for (const [method, url, status] of injected) {
    const response = await app.inject({ method: method as 'GET', url, headers: { authorization } })
    t.equal(response.statusCode, status, `${method} ${url}: ${status}`)
    const lines = auditOf(String(response.headers['x-request-id']))
    t.equal(lines.length, 1, `${method} ${url}: one audit line`)
    t.match(lines[0]?.audit, { status, result: status < 400 ? 'ok' : 'NOT_FOUND' }, `${method} ${url}: its status and result`)
    if (status === 404) t.equal(lines[0]?.audit?.action, 'unrouted', `${method} ${url}: no admin route matched`)
  }

  // A socket, where the path is not normalised on the way in.
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const raw = (method: string, path: string) => new Promise<{ status: number, requestId: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { authorization } }, response => {
      response.resume()
      response.on('end', () => resolve({ status: response.statusCode ?? 0, requestId: String(response.headers['x-request-id']) }))
    })
    req.on('error', reject)
    req.end()
  })
  for (const path of ['/admin/../me', '/admin/./users', '//admin/users', '/%61dmin/users', '/x/../admin/users']) {
    const { status, requestId } = await raw('GET', path)
    t.equal(auditOf(requestId).length, 1, `GET ${path} (${status}): one audit line`)
  }

  for (const url of ['/me', '/auth/admin', '/openapi.json']) {
    const response = await app.inject({ method: 'GET', url, headers: { authorization } })
    t.same(auditOf(String(response.headers['x-request-id'])), [], `GET ${url}: not an admin request, no audit line`)
  }
})

t.test('isAdminPath: /admin in any case, as sent, decoded, or with dot segments resolved', async t => {
  const admin = ['/admin', '/admin/', '/ADMIN/users', '/admin/users?x=1', '/admin/../me', '/%61dmin', '//admin', '/x/../admin', '/admin%2fusers',
    // Forms whose text has no "admin" until decoded, or until the URL parser drops a tab or newline.
    '/%41DMIN/users', '/ad%6din', '/ad\tmin', '/adm\nin/users']
  for (const path of admin) t.ok(isAdminPath(path), path)
  for (const path of ['/', '/me', '/auth/admin', '/me?next=/admin', '/%zz', '/adm']) t.notOk(isAdminPath(path), path)
})
