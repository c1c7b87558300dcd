import t, { type Test } from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import { postConfirmation } from '../src/post-confirmation.ts'
import { sign } from '../src/webhook.ts'
import { POOL_ID, postConfirmationEvent } from './events.ts'

// Cognito admin calls from a Lambda cannot run here: the SDK is mocked (aws-sdk-client-mock) for AdminAddUserToGroup.
const cognito = mockClient(CognitoIdentityProviderClient)
t.beforeEach(() => { cognito.reset(); cognito.on(AdminAddUserToGroupCommand).resolves({}) })
t.teardown(() => { cognito.restore() })

const WEBHOOK_SECRET = 'webhook-signing-secret'
interface Call { body: string, signature?: string, timestamp?: string }

/** The webhook's receiver, a real HTTP server on 127.0.0.1. */
async function receiver (t: Test, status: number): Promise<{ url: string, calls: Call[] }> {
  const calls: Call[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => { body += chunk.toString() })
    request.on('end', () => {
      calls.push({ body, signature: request.headers['x-signature'] as string, timestamp: request.headers['x-signature-timestamp'] as string })
      response.writeHead(status).end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cognito`, calls }
}

t.test('mocked SDK: ConfirmSignUp adds the user to DEFAULT_GROUP; ConfirmForgotPassword does not', async (t) => {
  await postConfirmation(postConfirmationEvent('PostConfirmation_ConfirmSignUp'), { DEFAULT_GROUP: 'members' })
  const inputs = cognito.commandCalls(AdminAddUserToGroupCommand).map(call => call.args[0].input)
  t.same(inputs, [{ UserPoolId: POOL_ID, Username: 'alice', GroupName: 'members' }])
  cognito.resetHistory()
  await postConfirmation(postConfirmationEvent('PostConfirmation_ConfirmForgotPassword'), { DEFAULT_GROUP: 'members' })
  t.equal(cognito.commandCalls(AdminAddUserToGroupCommand).length, 0)
})

t.test('mocked SDK: a social account\'s first sign-in (ConfirmSignUp, EXTERNAL_PROVIDER) joins the group too', async (t) => {
  const firstSignIn = postConfirmationEvent('PostConfirmation_ConfirmSignUp', 'google_109876543210', 'EXTERNAL_PROVIDER')
  await postConfirmation(firstSignIn, { DEFAULT_GROUP: 'members' })
  t.same(cognito.commandCalls(AdminAddUserToGroupCommand).map(call => call.args[0].input.Username), ['google_109876543210'])
})

t.test('mocked SDK: without DEFAULT_GROUP no group call; a failed group call fails the confirmation', async (t) => {
  await postConfirmation(postConfirmationEvent('PostConfirmation_ConfirmSignUp'), {})
  t.equal(cognito.commandCalls(AdminAddUserToGroupCommand).length, 0)
  cognito.on(AdminAddUserToGroupCommand).rejects(Object.assign(new Error('Group not found.'), { name: 'ResourceNotFoundException' }))
  const event = postConfirmationEvent('PostConfirmation_ConfirmSignUp')
  await t.rejects(postConfirmation(event, { DEFAULT_GROUP: 'missing' }), { name: 'ResourceNotFoundException' })
})

t.test('mocked SDK: the webhook gets a body signed with HMAC-SHA256 over timestamp and body', async (t) => {
  const hook = await receiver(t, 204)
  const env = { DEFAULT_GROUP: 'members', WEBHOOK_URL: hook.url, WEBHOOK_SECRET }
  await postConfirmation(postConfirmationEvent('PostConfirmation_ConfirmSignUp'), env)
  t.equal(hook.calls.length, 1)
  const call = hook.calls[0]!
  t.same(JSON.parse(call.body), {
    type: 'user.confirmed',
    userPoolId: POOL_ID,
    username: 'alice',
    sub: '6a1b2c3d-1111-2222-3333-444455556666',
    email: 'alice@example.com',
    external: false,
    group: 'members'
  })
  t.match(call.signature, /^sha256=[0-9a-f]{64}$/)
  t.equal(call.signature, sign(WEBHOOK_SECRET, Number(call.timestamp), call.body), 'the receiver recomputes it')
  t.not(call.signature, sign('another-secret', Number(call.timestamp), call.body))
  t.ok(Math.abs(Number(call.timestamp) - Date.now() / 1000) < 60, 'a current timestamp')

  await postConfirmation(postConfirmationEvent('PostConfirmation_ConfirmForgotPassword'), env)
  t.equal(hook.calls.length, 1, 'no webhook for a password reset')
})

t.test('mocked SDK: a failing webhook is logged and the confirmation stands', async (t) => {
  const hook = await receiver(t, 500)
  const lines: string[] = []
  const original = console.error
  console.error = (...args: unknown[]) => { lines.push(args.map(String).join(' ')) }
  t.teardown(() => { console.error = original })
  const event = postConfirmationEvent('PostConfirmation_ConfirmSignUp')
  t.equal(await postConfirmation(event, { DEFAULT_GROUP: 'members', WEBHOOK_URL: hook.url, WEBHOOK_SECRET }), event)
  t.equal(await postConfirmation(event, { DEFAULT_GROUP: 'members', WEBHOOK_URL: 'http://127.0.0.1:1/nothing', WEBHOOK_SECRET }), event, 'unreachable')
  t.equal(await postConfirmation(event, { WEBHOOK_URL: hook.url }), event, 'no secret: logged, not sent')
  console.error = original
  t.equal(lines.length, 3)
  t.match(lines[0], /webhook failed.*answered 500/)
  t.match(lines[2], /WEBHOOK_SECRET/)
  t.equal(hook.calls.length, 1)
  t.notOk(lines.join('\n').includes(WEBHOOK_SECRET))
})
