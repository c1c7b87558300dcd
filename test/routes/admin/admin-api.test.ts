/**
 * ADMIN_API mounts /admin/*: on by default in local mode, off by default
 * against AWS (whose admin calls need IAM credentials a deployment may not
 * have). Off, /admin/... is an unknown route, audited all the same. No call
 * reaches Cognito here: the only routed request is refused by the guard.
 */
import t from 'tap'
import { awsConfig, buildAwsApp, expectProblem } from '../../helper.js'
import { loadConfig } from '../../../src/config/index.js'

interface AuditLine { msg?: string, reqId?: string, audit?: { action?: string, result?: string, status?: number } }

t.test('ADMIN_API defaults: on in local mode, off in AWS mode; either can be set', async t => {
  t.equal(loadConfig({}).admin.enabled, true, 'local mode')
  t.equal(loadConfig({ ADMIN_API: 'false' }).admin.enabled, false, 'local mode, ADMIN_API=false')
  t.equal(awsConfig().admin.enabled, false, 'AWS mode')
  t.equal(awsConfig({ ADMIN_API: 'true' }).admin.enabled, true, 'AWS mode, ADMIN_API=true')
})

t.test('AWS mode without ADMIN_API: /admin/users is an unknown route (404), and still audited', async t => {
  const { app, jwks, logs } = await buildAwsApp(t)
  const admin = jwks.accessToken('root', { 'cognito:groups': ['admins'] })
  const response = await app.inject({ method: 'GET', url: '/admin/users', headers: { authorization: `Bearer ${admin}` } })
  expectProblem(t, response, 'NOT_FOUND', { detail: 'No route for GET /admin/users.' })
  const requestId = String(response.headers['x-request-id'])
  const audit = logs.map(line => JSON.parse(line) as AuditLine).filter(line => line.msg === 'admin action' && line.reqId === requestId)
  t.equal(audit.length, 1, 'one audit line')
  t.match(audit[0]?.audit, { action: 'unrouted', result: 'NOT_FOUND', status: 404 })
})

t.test('AWS mode with ADMIN_API=true: /admin/users is routed (the guard answers)', async t => {
  const { app } = await buildAwsApp(t, { env: { ADMIN_API: 'true' } })
  const response = await app.inject({ method: 'GET', url: '/admin/users' })
  expectProblem(t, response, 'UNAUTHENTICATED', { detail: 'Sign in, or send Authorization: Bearer <access token>.' })
})
