/**
 * The help desk's routes over a mocked SDK client (AWS mode), for what the
 * local pool cannot have: threat protection's sign-in events, remembered
 * devices, and external identities to link.
 */
import {
  AdminDisableProviderForUserCommand,
  AdminForgetDeviceCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminListDevicesCommand,
  AdminListUserAuthEventsCommand,
  AdminUpdateAuthEventFeedbackCommand,
  InvalidParameterException,
  ResourceNotFoundException
} from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { expectProblem } from '../../helper.js'
import { mockedCognitoApp } from '../../helpers/mocked-cognito.js'

const META = { httpStatusCode: 400, requestId: 'f00dcafe-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 }

async function mockedApp (t: Test) {
  const built = await mockedCognitoApp(t, { ADMIN_API: 'true' })
  const { cognito } = built
  const admin = built.jwks.accessToken('root', { 'cognito:groups': ['admins'] })
  const headers = { authorization: `Bearer ${admin}` }
  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    built.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
  return { ...built, cognito, inject }
}

t.test('mocked SDK: sign-in events, paged, and feedback on one', async t => {
  const { cognito, inject } = await mockedApp(t)
  cognito.on(AdminListUserAuthEventsCommand).resolves({
    AuthEvents: [{
      EventId: 'ev-1',
      EventType: 'SignIn',
      CreationDate: new Date('2026-12-01T10:00:00Z'),
      EventResponse: 'Fail',
      EventRisk: { RiskDecision: 'Block', RiskLevel: 'High', CompromisedCredentialsDetected: false },
      ChallengeResponses: [{ ChallengeName: 'Password', ChallengeResponse: 'Success' }],
      EventContextData: { IpAddress: '203.0.113.9', City: 'Lyon', Country: 'France' }
    }],
    NextToken: 'next-page'
  })
  const page = await inject('GET', '/admin/users/ann/auth-events?limit=10')
  t.same(page.json(), {
    events: [{
      eventId: 'ev-1',
      type: 'SignIn',
      createdAt: '2026-12-01T10:00:00.000Z',
      response: 'Fail',
      risk: { decision: 'Block', level: 'High', compromisedCredentials: false },
      challenges: [{ name: 'Password', response: 'Success' }],
      context: { ipAddress: '203.0.113.9', city: 'Lyon', country: 'France' }
    }],
    cursor: Buffer.from('next-page').toString('base64url')
  })
  t.match(cognito.commandCalls(AdminListUserAuthEventsCommand)[0]?.args[0].input, { Username: 'ann', MaxResults: 10 })
  await inject('GET', `/admin/users/ann/auth-events?cursor=${Buffer.from('next-page').toString('base64url')}`)
  t.equal(cognito.commandCalls(AdminListUserAuthEventsCommand)[1]?.args[0].input.NextToken, 'next-page', 'the cursor is Cognito\'s token')

  cognito.on(AdminUpdateAuthEventFeedbackCommand).resolves({})
  t.same((await inject('POST', '/admin/users/ann/auth-events/ev-1/feedback', { feedback: 'invalid' })).json(), { status: 'feedback-recorded' })
  t.match(cognito.commandCalls(AdminUpdateAuthEventFeedbackCommand)[0]?.args[0].input, { Username: 'ann', EventId: 'ev-1', FeedbackValue: 'Invalid' })

  cognito.on(AdminUpdateAuthEventFeedbackCommand).rejects(new ResourceNotFoundException({ message: 'Auth event not found.', $metadata: META }))
  expectProblem(t, await inject('POST', '/admin/users/ann/auth-events/ev-9/feedback', { feedback: 'valid' }), 'AUTH_EVENT_NOT_FOUND')
})

t.test('mocked SDK: devices, listed and forgotten', async t => {
  const { cognito, inject } = await mockedApp(t)
  const key = 'us-east-1_0a1b2c3d-0000-4000-8000-000000000000'
  cognito.on(AdminListDevicesCommand).resolves({
    Devices: [{
      DeviceKey: key,
      DeviceAttributes: [{ Name: 'device_name', Value: 'Ann\'s laptop' }],
      DeviceCreateDate: new Date('2026-11-01T00:00:00Z'),
      DeviceLastAuthenticatedDate: new Date('2026-12-01T00:00:00Z')
    }]
  })
  t.same((await inject('GET', '/admin/users/ann/devices')).json(), {
    devices: [{
      deviceKey: key,
      name: 'Ann\'s laptop',
      attributes: { device_name: 'Ann\'s laptop' },
      createdAt: '2026-11-01T00:00:00.000Z',
      lastAuthenticatedAt: '2026-12-01T00:00:00.000Z'
    }]
  })
  cognito.on(AdminForgetDeviceCommand).resolvesOnce({})
    .rejectsOnce(new ResourceNotFoundException({ message: 'Device does not exist.', $metadata: META }))
  t.same((await inject('DELETE', `/admin/users/ann/devices/${key}`)).json(), { status: 'forgotten' })
  expectProblem(t, await inject('DELETE', `/admin/users/ann/devices/${key}`), 'DEVICE_NOT_FOUND')
  expectProblem(t, await inject('DELETE', '/admin/users/ann/devices/not-a-key'), 'VALIDATION_FAILED', {
    detail: '/params/deviceKey: must match pattern "^[\\w-]+_[0-9a-f-]+$"',
    errors: [{ field: '/params/deviceKey', message: 'must match pattern "^[\\w-]+_[0-9a-f-]+$"' }]
  })
})

t.test('mocked SDK: an identity linked, and unlinked by the user\'s identities attribute', async t => {
  const { cognito, inject } = await mockedApp(t)
  cognito.on(AdminLinkProviderForUserCommand).resolvesOnce({})
    .rejectsOnce(new InvalidParameterException({ message: 'Merging is not currently supported, provide a SourceUser...', $metadata: META }))
  t.same((await inject('POST', '/admin/users/ann/identities/Google', { providerUserId: '1098' })).json(), { status: 'linked' })
  t.same(cognito.commandCalls(AdminLinkProviderForUserCommand)[0]?.args[0].input, {
    UserPoolId: 'us-east-1_Mocked01',
    DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'ann' },
    SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '1098' }
  })
  expectProblem(t, await inject('POST', '/admin/users/ann/identities/Google', { providerUserId: '1098' }), 'INVALID_PARAMETER',
    { detail: 'Merging is not currently supported, provide a SourceUser...' })

  cognito.on(AdminGetUserCommand).resolves({
    Username: 'ann',
    UserAttributes: [{ Name: 'identities', Value: JSON.stringify([{ providerName: 'Google', userId: '1098' }]) }]
  })
  cognito.on(AdminDisableProviderForUserCommand).resolves({})
  t.same((await inject('DELETE', '/admin/users/ann/identities/Google')).json(), { status: 'unlinked' })
  t.same(cognito.commandCalls(AdminDisableProviderForUserCommand)[0]?.args[0].input.User,
    { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '1098' })
  expectProblem(t, await inject('DELETE', '/admin/users/ann/identities/Facebook'), 'IDENTITY_NOT_FOUND',
    { detail: 'The user has no identity linked from Facebook.' })
  t.equal(cognito.commandCalls(AdminDisableProviderForUserCommand).length, 1, 'nothing sent for an identity the user does not have')
})
