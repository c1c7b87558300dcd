import {
  CompleteWebAuthnRegistrationCommand,
  DeleteWebAuthnCredentialCommand,
  InitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  NotAuthorizedException,
  ResourceNotFoundException,
  RespondToAuthChallengeCommand,
  StartWebAuthnRegistrationCommand,
  WebAuthnChallengeNotFoundException,
  WebAuthnNotEnabledException,
  WebAuthnOriginNotAllowedException
} from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { buildTestApp, expectProblem } from '../../helper.js'
import { mockedCognitoApp } from '../../helpers/mocked-cognito.js'
import { fileTimeout } from '../../helpers/timeouts.js'

// Dozens of emulator round trips: 100-140 s on a busy machine, past tap's default for one file (see fileTimeout).
t.setTimeout(fileTimeout(30_000))

const FAULT = { httpStatusCode: 400, requestId: 'f00dcafe-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 }

/** What Cognito's StartWebAuthnRegistration answers (PublicKeyCredentialCreationOptions as JSON). */
const CREATION_OPTIONS = {
  challenge: 'q5Jx1mY2uQkz4fVvO4c9bA',
  rp: { id: 'auth.example.com', name: 'auth.example.com' },
  user: { id: 'ZTM0NGE0MTgtMDBhMS03MGQ0', name: 'alice', displayName: 'alice' },
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
  timeout: 60000,
  excludeCredentials: [],
  authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }
}

/** What a browser's navigator.credentials.create() makes (toJSON()). */
const REGISTRATION = {
  id: 'AbCdEf0123456789_-',
  rawId: 'AbCdEf0123456789_-',
  type: 'public-key',
  response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0', attestationObject: 'o2NmbXRkbm9uZQ', transports: ['internal', 'hybrid'] },
  authenticatorAttachment: 'platform',
  clientExtensionResults: { credProps: { rk: true } }
}

/** What navigator.credentials.get() makes at sign-in. */
const ASSERTION = {
  id: 'AbCdEf0123456789_-',
  rawId: 'AbCdEf0123456789_-',
  type: 'public-key',
  response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0', authenticatorData: 'SZYN5YgO', signature: 'MEUCIQD', userHandle: 'ZTM0NGE0' },
  clientExtensionResults: {}
}

async function mockedApp (t: Test, env: Record<string, string> = {}) {
  const built = await mockedCognitoApp(t, env)
  return { ...built, auth: { authorization: `Bearer ${built.jwks.accessToken('alice')}` } }
}

t.test('(mocked Cognito SDK) registering a passkey: the options and the credential pass through unchanged', async t => {
  const { app, cognito, auth } = await mockedApp(t)
  cognito.on(StartWebAuthnRegistrationCommand).resolves({ CredentialCreationOptions: CREATION_OPTIONS })
  cognito.on(CompleteWebAuthnRegistrationCommand).resolves({})

  const start = await app.inject({ method: 'POST', url: '/me/passkeys/start', headers: auth })
  t.equal(start.statusCode, 200)
  t.same(start.json(), { credentialCreationOptions: CREATION_OPTIONS }, 'the options as Cognito made them')
  t.match(cognito.commandCalls(StartWebAuthnRegistrationCommand)[0]?.args[0].input, { AccessToken: auth.authorization.slice(7) })

  const complete = await app.inject({ method: 'POST', url: '/me/passkeys/complete', headers: auth, payload: { credential: REGISTRATION } })
  t.equal(complete.statusCode, 204)
  t.same(cognito.commandCalls(CompleteWebAuthnRegistrationCommand)[0]?.args[0].input, {
    AccessToken: auth.authorization.slice(7),
    Credential: REGISTRATION
  }, 'the credential as the browser made it')
})

t.test('(mocked Cognito SDK) Cognito\'s refusals of a registration are clear problems', async t => {
  const { app, cognito, auth } = await mockedApp(t)
  cognito.on(CompleteWebAuthnRegistrationCommand)
    .rejectsOnce(new WebAuthnChallengeNotFoundException({ message: 'Challenge not found.', $metadata: FAULT }))
    .rejectsOnce(new WebAuthnOriginNotAllowedException({ message: 'Origin not allowed.', $metadata: FAULT }))
  cognito.on(StartWebAuthnRegistrationCommand).rejects(new WebAuthnNotEnabledException({ message: 'WebAuthn is not enabled.', $metadata: FAULT }))

  const complete = () => app.inject({ method: 'POST', url: '/me/passkeys/complete', headers: auth, payload: { credential: REGISTRATION } })
  expectProblem(t, await complete(), 'PASSKEY_REJECTED')
  expectProblem(t, await complete(), 'PASSKEY_REJECTED')
  expectProblem(t, await app.inject({ method: 'POST', url: '/me/passkeys/start', headers: auth }), 'PASSKEYS_NOT_AVAILABLE')

  const unknownField = await app.inject({
    method: 'POST', url: '/me/passkeys/complete', headers: auth, payload: { credential: { ...REGISTRATION, extra: 1 } }
  })
  t.equal(unknownField.statusCode, 400, 'unknown fields in the credential are refused')
  t.equal(unknownField.json().code, 'VALIDATION_FAILED')
  const notPublicKey = await app.inject({
    method: 'POST', url: '/me/passkeys/complete', headers: auth, payload: { credential: { ...REGISTRATION, type: 'password' } }
  })
  t.equal(notPublicKey.json().code, 'VALIDATION_FAILED')
  t.equal(cognito.commandCalls(CompleteWebAuthnRegistrationCommand).length, 2, 'invalid bodies never reach Cognito')
  expectProblem(t, await app.inject({ method: 'POST', url: '/me/passkeys/start' }), 'UNAUTHENTICATED', {
    detail: 'Sign in, or send Authorization: Bearer <access token>.'
  })
})

t.test('(mocked Cognito SDK) listing every page of passkeys, and removing one', async t => {
  const { app, cognito, auth } = await mockedApp(t)
  const created = new Date('2026-11-30T10:00:00.000Z')
  cognito.on(ListWebAuthnCredentialsCommand, { NextToken: undefined }).resolves({
    Credentials: [{
      CredentialId: 'cred-1',
      FriendlyCredentialName: 'MacBook',
      RelyingPartyId: 'auth.example.com',
      AuthenticatorAttachment: 'platform',
      AuthenticatorTransports: ['internal'],
      CreatedAt: created
    }],
    NextToken: 'page-2'
  })
  cognito.on(ListWebAuthnCredentialsCommand, { NextToken: 'page-2' }).resolves({
    Credentials: [{
      CredentialId: 'cred-2',
      FriendlyCredentialName: 'YubiKey',
      RelyingPartyId: 'auth.example.com',
      AuthenticatorTransports: ['usb'],
      CreatedAt: created
    }]
  })
  cognito.on(DeleteWebAuthnCredentialCommand, { CredentialId: 'cred-1' }).resolves({})
  cognito.on(DeleteWebAuthnCredentialCommand, { CredentialId: 'gone' })
    .rejects(new ResourceNotFoundException({ message: 'Credential not found.', $metadata: FAULT }))

  const list = await app.inject({ method: 'GET', url: '/me/passkeys', headers: auth })
  t.equal(list.statusCode, 200)
  t.same(list.json(), {
    passkeys: [
      {
        credentialId: 'cred-1',
        name: 'MacBook',
        relyingPartyId: 'auth.example.com',
        authenticatorAttachment: 'platform',
        transports: ['internal'],
        createdAt: created.toISOString()
      },
      { credentialId: 'cred-2', name: 'YubiKey', relyingPartyId: 'auth.example.com', transports: ['usb'], createdAt: created.toISOString() }
    ]
  })
  t.equal(cognito.commandCalls(ListWebAuthnCredentialsCommand).length, 2, 'both pages')

  const removed = await app.inject({ method: 'DELETE', url: '/me/passkeys/cred-1', headers: auth })
  t.equal(removed.statusCode, 204)
  t.match(cognito.commandCalls(DeleteWebAuthnCredentialCommand)[0]?.args[0].input, { CredentialId: 'cred-1' })
  expectProblem(t, await app.inject({ method: 'DELETE', url: '/me/passkeys/gone', headers: auth }), 'PASSKEY_NOT_FOUND')

  cognito.on(ListWebAuthnCredentialsCommand).rejects(new NotAuthorizedException({ message: 'Access Token has been revoked', $metadata: FAULT }))
  const revoked = await app.inject({ method: 'GET', url: '/me/passkeys', headers: auth })
  t.equal(revoked.statusCode, 401)
  t.equal(revoked.json().code, 'TOKEN_INVALID', 'a token Cognito refuses is the token\'s problem')
})

t.test('(mocked Cognito SDK) signing in with a passkey: WEB_AUTHN passes the request options out and the assertion in unchanged', async t => {
  const { app, cognito, jwks } = await mockedApp(t, { LOGIN_FLOW: 'USER_AUTH' })
  const requestOptions = JSON.stringify({
    challenge: 'c2lnbi1pbi1jaGFsbGVuZ2U', rpId: 'auth.example.com', timeout: 180000, userVerification: 'preferred', allowCredentials: []
  })
  cognito.on(InitiateAuthCommand).resolves({
    ChallengeName: 'WEB_AUTHN', Session: 'cognito-session', ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: requestOptions }
  })
  const accessToken = jwks.accessToken('alice')
  cognito.on(RespondToAuthChallengeCommand).resolves({
    AuthenticationResult: { AccessToken: accessToken, IdToken: jwks.sign({ token_use: 'id', sub: 'alice' }), RefreshToken: 'refresh-token' }
  })

  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', preferredChallenge: 'WEB_AUTHN' } })
  t.equal(login.statusCode, 200)
  t.match(login.json(), { status: 'challenge', challenge: 'WEB_AUTHN', respondWith: ['credential'] })
  t.equal(login.json().parameters.CREDENTIAL_REQUEST_OPTIONS, requestOptions, 'the request options exactly as Cognito sent them')
  t.same(cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input.AuthParameters, { USERNAME: 'alice', PREFERRED_CHALLENGE: 'WEB_AUTHN' })
  t.equal(cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input.AuthFlow, 'USER_AUTH')

  const missing = await app.inject({
    method: 'POST', url: '/auth/challenge', payload: { username: 'alice', challenge: 'WEB_AUTHN', session: login.json().session }
  })
  expectProblem(t, missing, 'VALIDATION_FAILED', {
    detail: 'WEB_AUTHN needs credential.',
    errors: [{ field: '/body/credential', message: 'is required' }]
  })

  const answer = await app.inject({
    method: 'POST',
    url: '/auth/challenge',
    payload: { username: 'alice', challenge: 'WEB_AUTHN', session: login.json().session, credential: ASSERTION, tokenDelivery: 'body' }
  })
  t.equal(answer.statusCode, 200)
  t.match(answer.json(), { status: 'authenticated', tokens: { accessToken } })
  const input = cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input
  t.equal(input?.ChallengeName, 'WEB_AUTHN')
  t.equal(input?.Session, 'cognito-session', 'Cognito\'s own session, unsealed')
  t.same(JSON.parse(input?.ChallengeResponses?.CREDENTIAL ?? '{}'), ASSERTION, 'the assertion as the browser made it, as JSON')
  t.equal(input?.ChallengeResponses?.USERNAME, 'alice')
})

t.test('local mode does not support passkeys: every passkey route answers PASSKEYS_NOT_AVAILABLE', async t => {
  const { app, confirmedUser } = await buildTestApp(t)
  const { username, password } = await confirmedUser('passkey')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, tokenDelivery: 'body' } })
  const auth = { authorization: `Bearer ${login.json().tokens.accessToken as string}` }
  expectProblem(t, await app.inject({ method: 'POST', url: '/me/passkeys/start', headers: auth }), 'PASSKEYS_NOT_AVAILABLE')
  expectProblem(t, await app.inject({ method: 'GET', url: '/me/passkeys', headers: auth }), 'PASSKEYS_NOT_AVAILABLE')
  expectProblem(t, await app.inject({ method: 'DELETE', url: '/me/passkeys/cred-1', headers: auth }), 'PASSKEYS_NOT_AVAILABLE')
  const complete = await app.inject({ method: 'POST', url: '/me/passkeys/complete', headers: auth, payload: { credential: REGISTRATION } })
  expectProblem(t, complete, 'PASSKEYS_NOT_AVAILABLE')
  const badToken = await app.inject({ method: 'GET', url: '/me/passkeys', headers: { authorization: 'Bearer not-a-token' } })
  t.equal(badToken.statusCode, 401, 'the token is checked first')
})
