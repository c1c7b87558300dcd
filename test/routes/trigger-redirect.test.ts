/**
 * The body's `redirect` on every route that has Cognito send a code: on
 * REDIRECT_ALLOWLIST it reaches the pool's Lambda triggers as ClientMetadata
 * bff_redirect (absolute); anywhere else it is REDIRECT_NOT_ALLOWED and
 * Cognito is not asked. Over a mocked SDK: only the SDK command shows the
 * ClientMetadata a real pool's triggers would be given.
 */
import {
  CognitoIdentityProviderClient,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import t from 'tap'
import { createCognitoGateway } from '../../src/cognito/gateway.js'
import { buildAwsApp, expectProblem, PASSWORD } from '../helper.js'
import { COGNITO_TIMEOUT_MS, fileTimeout } from '../helpers/timeouts.js'

t.setTimeout(fileTimeout(30_000))

const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 })
const cognito = mockClient(client)
t.teardown(() => cognito.restore())
const delivery = { DeliveryMedium: 'EMAIL' as const, Destination: 'a***@e***.com', AttributeName: 'email' }
cognito.on(SignUpCommand).resolves({ UserSub: 'sub-1', UserConfirmed: false, CodeDeliveryDetails: delivery })
cognito.on(ResendConfirmationCodeCommand).resolves({ CodeDeliveryDetails: delivery })
cognito.on(ForgotPasswordCommand).resolves({ CodeDeliveryDetails: delivery })
cognito.on(GetUserAttributeVerificationCodeCommand).resolves({ CodeDeliveryDetails: delivery })
cognito.on(UpdateUserAttributesCommand).resolves({ CodeDeliveryDetailsList: [delivery] })
cognito.on(GetUserCommand).resolves({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] })
const { app, jwks } = await buildAwsApp(t, {
  env: { REDIRECT_ALLOWLIST: 'https://app.example.com/account/' },
  gateway: config => createCognitoGateway({ pool: config.pool, loginFlow: config.cognito.loginFlow, timeoutMs: COGNITO_TIMEOUT_MS, sdk: client })
})
/** The calls that send a code: SignUp, Resend, Forgot, UpdateUserAttributes, attribute code. */
const codeCalls = () => [
  cognito.commandCalls(SignUpCommand).map(call => call.args[0].input.ClientMetadata),
  cognito.commandCalls(ResendConfirmationCodeCommand).map(call => call.args[0].input.ClientMetadata),
  cognito.commandCalls(ForgotPasswordCommand).map(call => call.args[0].input.ClientMetadata),
  cognito.commandCalls(UpdateUserAttributesCommand).map(call => call.args[0].input.ClientMetadata),
  cognito.commandCalls(GetUserAttributeVerificationCodeCommand).map(call => call.args[0].input.ClientMetadata)
]

/** Each route that sends a code, with `redirect` in its body. */
const routes = (redirect: string) => [
  { method: 'POST' as const, url: '/auth/signup', payload: { username: 'alice', password: PASSWORD, redirect } },
  { method: 'POST' as const, url: '/auth/signup/resend', payload: { username: 'alice', redirect } },
  { method: 'POST' as const, url: '/auth/password/forgot', payload: { username: 'alice', redirect } },
  { method: 'PATCH' as const, url: '/me', payload: { attributes: { email: 'new@example.com' }, redirect }, signedIn: true },
  { method: 'POST' as const, url: '/me/attributes/verify/send', payload: { attribute: 'email', redirect }, signedIn: true }
]
const send = (route: ReturnType<typeof routes>[number]) => app.inject({
  method: route.method,
  url: route.url,
  payload: route.payload,
  headers: route.signedIn ? { authorization: `Bearer ${jwks.accessToken('alice')}` } : {}
})

t.test('(mocked SDK: ClientMetadata) an allowed redirect, a URL or a path, reaches the triggers as bff_redirect, absolute', async t => {
  for (const [redirect, expected] of [
    ['https://app.example.com/account/verified?from=mail', 'https://app.example.com/account/verified?from=mail'],
    ['/account/reset', 'https://app.example.com/account/reset']
  ] as const) {
    cognito.resetHistory()
    for (const route of routes(redirect)) t.ok((await send(route)).statusCode < 300, `${route.method} ${route.url}`)
    t.same(codeCalls(), Array(5).fill([{ bff_redirect: expected }]), `${redirect}: SignUp, Resend, Forgot, UpdateUserAttributes, attribute code`)
  }
})

t.test('(mocked SDK) a redirect off the allowlist is REDIRECT_NOT_ALLOWED on every route, and Cognito is not asked', async t => {
  const hostile: Array<[string, string]> = [
    ['https://evil.example/account/', 'origin-not-allowed'],
    ['//evil.example/account/', 'protocol-relative'],
    ['https://app.example.com.evil.example/account/', 'origin-not-allowed'],
    ['https://app.example.com/accounting', 'path-not-allowed'],
    ['javascript:alert(1)', 'scheme']
  ]
  for (const [redirect, reason] of hostile) {
    cognito.resetHistory()
    for (const route of routes(redirect)) {
      expectProblem(t, await send(route), 'REDIRECT_NOT_ALLOWED', { detail: `The redirect target is refused (${reason}).` })
    }
    t.same(codeCalls(), Array(5).fill([]), `${redirect}: no code was sent`)
  }
})
