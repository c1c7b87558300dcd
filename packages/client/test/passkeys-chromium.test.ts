/**
 * The client's passkey ceremonies as a browser lives them: Debian's Chromium (headless) with a CDP virtual
 * authenticator (platform, resident keys, user verification), the client bundled by esbuild as the demo page's is and
 * loaded in a page on the service's own origin, so navigator.credentials.create() and get() really run.
 * Local mode has no passkeys (the emulator cannot do WebAuthn), so the service runs in AWS mode over a mocked Cognito
 * SDK, which plays Cognito's part of the ceremony: the creation and request options (the challenge) out, the
 * credential and the assertion in. Needs `chromium` at /usr/bin/chromium (.ci/run installs it).
 */
import { randomBytes } from 'node:crypto'
import {
  CompleteWebAuthnRegistrationCommand, GetUserCommand, InitiateAuthCommand,
  RespondToAuthChallengeCommand, StartWebAuthnRegistrationCommand
} from '@aws-sdk/client-cognito-identity-provider'
import type { CDPSession, Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { browserModule } from '../../../src/local/demo-bundle.js'
import { freePort, PASSWORD } from '../../../test/helper.js'
import { launchChromium, openContext } from '../../../test/helpers/chromium.js'
import { mockedCognitoApp } from '../../../test/helpers/mocked-cognito.js'
import { fileTimeout } from '../../../test/helpers/timeouts.js'
import { answerWithPasskey, createClient, PasskeyError, type BffClient } from '../src/index.js'

t.setTimeout(fileTimeout(30_000))

const port = await freePort()
const origin = `http://localhost:${port}`
const { app, jwks, cognito } = await mockedCognitoApp(t, { PUBLIC_URL: origin, LOGIN_FLOW: 'USER_AUTH' })
await app.listen({ port, host: '127.0.0.1' })

// The client as the demo page gets it (src/local/demo-bundle.ts): one ES module, minified, for the browser.
const CLIENT_JS = await browserModule(new URL('../src/index.ts', import.meta.url).pathname)
// window.attempt(run): `run` with the module and a client on the page's origin; what it returns, or its error's name,
// reason and message.
const PAGE = `<!doctype html><title>client</title><script type="module">
import * as bff from '/client-test/client.js'
window.attempt = async run => {
  try {
    return { ok: true, value: await run(bff, bff.createClient()) }
  } catch (e) {
    return { ok: false, name: e.name, reason: e.reason, message: e.message }
  }
}
</script>`

type Outcome = { ok: true, value: unknown } | { ok: false, name: string, reason?: string, message: string }
declare global {
  interface Window { attempt (run: (bff: typeof import('../src/index.js'), client: BffClient) => Promise<unknown>): Promise<Outcome> }
}

const browser = await launchChromium(t)
const USER_ID = Buffer.from('e344a418-00a1-70d4-alice').toString('base64url')
const challenge = () => randomBytes(32).toString('base64url')
const decoded = (base64url: string) => JSON.parse(Buffer.from(base64url, 'base64url').toString()) as Record<string, unknown>

/** What Cognito's StartWebAuthnRegistration answers for this origin's relying party, with a fresh challenge. */
function creationOptions (excludeCredentials: Array<{ type: 'public-key', id: string }> = []) {
  return {
    challenge: challenge(),
    rp: { id: 'localhost', name: 'localhost' },
    user: { id: USER_ID, name: 'alice', displayName: 'alice' },
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
    timeout: 60000,
    excludeCredentials,
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' }
  }
}

/** Cognito's sign-in: a password signs alice in; WEB_AUTHN is the challenge with request options naming `allow`. */
function signInAnswers (allow: string[]) {
  const issued = challenge()
  cognito.on(InitiateAuthCommand).callsFake((input: { AuthParameters?: Record<string, string> }) => {
    if (input.AuthParameters?.PREFERRED_CHALLENGE === 'WEB_AUTHN') {
      const allowCredentials = allow.map(id => ({ type: 'public-key', id }))
      const options = { challenge: issued, rpId: 'localhost', timeout: 60000, userVerification: 'required', allowCredentials }
      return {
        ChallengeName: 'WEB_AUTHN', Session: 'cognito-webauthn-session', ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify(options) }
      }
    }
    return { AuthenticationResult: tokens() }
  })
  cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: tokens() })
  return issued
}

function tokens () {
  const accessToken = jwks.accessToken('alice')
  const sub = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sub as string
  const idToken = jwks.sign({ token_use: 'id', sub, 'cognito:username': 'alice', aud: 'x' })
  return { AccessToken: accessToken, IdToken: idToken, RefreshToken: 'refresh-token' }
}

/** A device's built-in authenticator (Touch ID, Windows Hello...): discoverable credentials, the user verified. */
const PLATFORM_AUTHENTICATOR = {
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true
} as const

interface Browsing { page: Page, cdp: CDPSession, authenticatorId: string }

/** A page on the service's origin with the client as window.bff, and a virtual platform authenticator. */
async function browse (t: Test): Promise<Browsing> {
  const context = await openContext(t, browser)
  const page = await context.newPage()
  await page.route(`${origin}/client-test/**`, route => route.request().url().endsWith('.js')
    ? route.fulfill({ contentType: 'text/javascript', body: CLIENT_JS })
    : route.fulfill({ contentType: 'text/html', body: PAGE }))
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { ...PLATFORM_AUTHENTICATOR, automaticPresenceSimulation: true }
  })
  await page.goto(`${origin}/client-test/page`)
  await page.waitForFunction(() => 'attempt' in window)
  return { page, cdp, authenticatorId }
}

/** The credential ids the virtual authenticator holds, base64url. */
async function held ({ cdp, authenticatorId }: Browsing): Promise<string[]> {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
  return credentials.map(c => Buffer.from(c.credentialId, 'base64').toString('base64url'))
}

t.test('(mocked Cognito SDK) registering a passkey in Chromium: Cognito gets the credential the authenticator holds, for its challenge', async t => {
  cognito.reset()
  signInAnswers([])
  const options = creationOptions()
  cognito.on(StartWebAuthnRegistrationCommand).resolves({ CredentialCreationOptions: options })
  cognito.on(CompleteWebAuthnRegistrationCommand).resolves({})
  const browsing = await browse(t)

  const registered = await browsing.page.evaluate(password => window.attempt(async (bff, client) => {
    const step = await bff.signIn(client, { username: 'alice', password })
    if (step.step !== 'done') throw new Error('not signed in: ' + step.step)
    await bff.registerPasskey(client)
  }), PASSWORD)
  t.same(registered, { ok: true, value: undefined }, 'registerPasskey resolved')

  const ids = await held(browsing)
  t.equal(ids.length, 1, 'the authenticator holds one new credential')
  const calls = cognito.commandCalls(CompleteWebAuthnRegistrationCommand)
  t.equal(calls.length, 1, 'one CompleteWebAuthnRegistration')
  const credential = calls[0]!.args[0].input.Credential as { id: string, rawId: string, type: string, response: Record<string, string> }
  t.equal(credential.id, ids[0], 'the credential Cognito got is the one the authenticator holds')
  t.equal(credential.rawId, ids[0])
  t.equal(credential.type, 'public-key')
  t.match(decoded(credential.response.clientDataJSON!), { type: 'webauthn.create', challenge: options.challenge, origin })
  t.type(credential.response.attestationObject, 'string', 'with its attestation')
  const startToken = cognito.commandCalls(StartWebAuthnRegistrationCommand)[0]?.args[0].input.AccessToken
  t.equal(calls[0]!.args[0].input.AccessToken, startToken, 'for the signed-in user\'s access token')
})

t.test('(mocked Cognito SDK) a passkey sign-in in Chromium: the assertion answers Cognito\'s challenge, and the user is signed in', async t => {
  cognito.reset()
  const browsing = await browse(t)
  const created = creationOptions()
  const id = await registered(t, browsing, created)
  const issued = signInAnswers([id])
  cognito.on(GetUserCommand).resolves({ Username: 'alice', UserAttributes: [] })

  const signedIn = await browsing.page.evaluate(() => window.attempt(async (bff, client) => {
    const step = await bff.signIn(client, { username: 'alice', preferredChallenge: 'WEB_AUTHN' })
    if (step.step !== 'passkey') throw new Error('expected the passkey step, got ' + step.step)
    const done = await bff.answerWithPasskey(client, step)
    if (done.step !== 'done') throw new Error('expected done, got ' + done.step)
    const me = await bff.unwrap(client.api.GET('/me'))
    return { step: done.step, username: done.username, me: me.username }
  }))
  t.same(signedIn, { ok: true, value: { step: 'done', username: 'alice', me: 'alice' } }, 'done, and /me answers with the cookies set')
  const cookies = await browsing.page.context().cookies(origin)
  t.ok(cookies.some(c => c.name === 'bff_access' && c.httpOnly), 'an httpOnly session cookie')

  const respond = cognito.commandCalls(RespondToAuthChallengeCommand)
  t.equal(respond.length, 1)
  const input = respond[0]!.args[0].input
  t.equal(input.ChallengeName, 'WEB_AUTHN')
  t.equal(input.Session, 'cognito-webauthn-session', 'Cognito\'s session of the challenge')
  const assertion = JSON.parse(input.ChallengeResponses?.CREDENTIAL ?? '{}') as { id: string, response: Record<string, string> }
  t.equal(assertion.id, id, 'the registered credential')
  const clientData = decoded(assertion.response.clientDataJSON!)
  t.match(clientData, { type: 'webauthn.get', challenge: issued, origin }, 'for the challenge Cognito issued, from this origin')
  t.type(assertion.response.signature, 'string', 'signed')
  t.equal(Buffer.from(assertion.response.userHandle!, 'base64url').toString('base64url'), USER_ID, 'the user handle Cognito gave at registration')
})

t.test('(mocked Cognito SDK) in Chromium, the passkey is gone or already there: a PasskeyError the UI can show, nothing sent to Cognito', async t => {
  cognito.reset()
  const browsing = await browse(t)
  const id = await registered(t, browsing, creationOptions())

  // Registering again on the same device: Cognito excludes the credential it knows, the authenticator refuses.
  cognito.on(StartWebAuthnRegistrationCommand).resolves({ CredentialCreationOptions: creationOptions([{ type: 'public-key', id }]) })
  const again = await browsing.page.evaluate(() => window.attempt((bff, client) => bff.registerPasskey(client)))
  t.match(again, { ok: false, name: 'PasskeyError', reason: 'exists', message: /already has a passkey/ })
  t.equal(cognito.commandCalls(CompleteWebAuthnRegistrationCommand).length, 1, 'only the first registration was completed')

  // The credential removed from the device (or the user cancels: WebAuthn tells them apart from nothing else).
  const credentialId = Buffer.from(id, 'base64url').toString('base64')
  await browsing.cdp.send('WebAuthn.removeCredential', { authenticatorId: browsing.authenticatorId, credentialId })
  signInAnswers([id])
  const gone = await browsing.page.evaluate(() => window.attempt(async (bff, client) => {
    const step = await bff.signIn(client, { username: 'alice', preferredChallenge: 'WEB_AUTHN' })
    if (step.step !== 'passkey') throw new Error('expected the passkey step, got ' + step.step)
    await bff.answerWithPasskey(client, step)
  }))
  t.match(gone, { ok: false, name: 'PasskeyError', reason: 'cancelled', message: /No passkey was used/ })
  t.equal(cognito.commandCalls(RespondToAuthChallengeCommand).length, 0, 'no answer sent to Cognito')

  // Where there is no WebAuthn at all (here: Node, whose navigator has no credentials), the same error class says so.
  const step = { challenge: { name: 'WEB_AUTHN', username: 'alice', session: 'sealed' }, options: JSON.stringify({ challenge: challenge() }) }
  const nowhere = await answerWithPasskey(createClient({ baseUrl: origin }), step).catch((e: unknown) => e)
  t.ok(nowhere instanceof PasskeyError, 'a PasskeyError')
  t.match(nowhere, { reason: 'unsupported', message: 'Passkeys cannot be used in this browser or on this page.' })
  t.equal(cognito.commandCalls(RespondToAuthChallengeCommand).length, 0, 'nothing sent')
})

/** Signs alice in and registers a passkey through the page's client; its credential id. */
async function registered (t: Test, browsing: Browsing, options: ReturnType<typeof creationOptions>): Promise<string> {
  signInAnswers([])
  cognito.on(StartWebAuthnRegistrationCommand).resolves({ CredentialCreationOptions: options })
  cognito.on(CompleteWebAuthnRegistrationCommand).resolves({})
  const outcome = await browsing.page.evaluate(password => window.attempt(async (bff, client) => {
    await bff.signIn(client, { username: 'alice', password })
    await bff.registerPasskey(client)
  }), PASSWORD)
  t.same(outcome, { ok: true, value: undefined }, 'a passkey registered')
  const [id] = await held(browsing)
  return id!
}
