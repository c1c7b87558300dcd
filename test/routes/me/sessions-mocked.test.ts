/**
 * Sessions over a mocked SDK client (AWS mode, tokens from a real JWKS
 * server), for what the local layer cannot do: a pool with session tracking
 * off (OperationNotEnabledException, with Cognito's real exception class), and
 * Cognito's device, IP address and location, paged as the SDK model shows.
 */
import {
  AdminListUserSessionsCommand,
  AdminRevokeUserSessionCommand,
  ListUserSessionsCommand,
  OperationNotEnabledException,
  RevokeUserSessionCommand
} from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { expectProblem } from '../../helper.js'
import { mockedCognitoApp } from '../../helpers/mocked-cognito.js'

const META = { httpStatusCode: 400, requestId: 'f00dcafe-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 }
const TRACKING_OFF = 'Session tracking is off for the user pool: its administrator turns it on with SetUserPoolSessionConfiguration ' +
  '(UserSessionTracking ENABLED; aws cognito-idp set-user-pool-session-configuration). Sessions begun before then are not tracked.'
const OTHER = 'tknm5k9p2q7r4s8t1v6w3x0y5z2b'

async function mockedApp (t: Test) {
  const built = await mockedCognitoApp(t, { ADMIN_API: 'true' })
  const { cognito } = built
  const user = built.jwks.accessToken('alice')
  const admin = built.jwks.accessToken('root', { 'cognito:groups': ['admins'] })
  const call = (method: 'GET' | 'DELETE', url: string, token = user) =>
    built.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } })
  return { ...built, cognito, admin, call }
}

t.test('mocked SDK: session tracking off for the pool answers SESSION_TRACKING_OFF, saying how to turn it on', async t => {
  const { cognito, admin, call } = await mockedApp(t)
  const off = () => new OperationNotEnabledException({ message: 'User session tracking is not enabled for this user pool.', $metadata: META })
  cognito.on(ListUserSessionsCommand).rejects(off())
  cognito.on(RevokeUserSessionCommand).rejects(off())
  cognito.on(AdminListUserSessionsCommand).rejects(off())
  cognito.on(AdminRevokeUserSessionCommand).rejects(off())

  expectProblem(t, await call('GET', '/me/sessions'), 'SESSION_TRACKING_OFF', { detail: TRACKING_OFF })
  expectProblem(t, await call('DELETE', `/me/sessions/${OTHER}`), 'SESSION_TRACKING_OFF', { detail: TRACKING_OFF })
  expectProblem(t, await call('GET', '/admin/users/alice/sessions', admin), 'SESSION_TRACKING_OFF', { detail: TRACKING_OFF })
  expectProblem(t, await call('DELETE', `/admin/users/alice/sessions/${OTHER}`, admin), 'SESSION_TRACKING_OFF', { detail: TRACKING_OFF })
})

t.test('mocked SDK: every page, with device, last activity, IP address and location as Cognito gives them', async t => {
  const { cognito, call } = await mockedApp(t)
  cognito.on(ListUserSessionsCommand, { NextToken: undefined }).resolves({
    Sessions: [{
      SessionId: 'tknb8c4d0e6f2g8h4j0k6m2n8p4q',
      SessionType: 'TOKEN',
      ClientId: '1example23456789',
      CreateDate: new Date('2026-10-18T00:00:00Z'),
      LastActiveDate: new Date('2026-10-19T00:00:00Z'),
      DeviceType: 'Chrome 125 / macOS 15.0',
      LastIPAddress: '192.0.2.42',
      LastLocation: { City: 'Seattle', Country: 'United States' },
      IsCurrentSession: true
    }],
    NextToken: 'page-2'
  })
  cognito.on(ListUserSessionsCommand, { NextToken: 'page-2' }).resolves({
    Sessions: [{ SessionId: OTHER, SessionType: 'SSO', DeviceType: 'unknown', IsCurrentSession: false }]
  })
  const res = await call('GET', '/me/sessions')
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    sessions: [{
      sessionId: 'tknb8c4d0e6f2g8h4j0k6m2n8p4q',
      type: 'TOKEN',
      clientId: '1example23456789',
      createdAt: '2026-10-18T00:00:00.000Z',
      lastActiveAt: '2026-10-19T00:00:00.000Z',
      device: 'Chrome 125 / macOS 15.0',
      ipAddress: '192.0.2.42',
      location: { city: 'Seattle', country: 'United States' },
      current: true
    }, { sessionId: OTHER, type: 'SSO', device: 'unknown', current: false }]
  })
  t.equal(cognito.commandCalls(ListUserSessionsCommand).length, 2, 'both pages')
})
