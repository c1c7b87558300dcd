/**
 * The sign-in steps a pool's settings bring, walked through the client against real local-mode services (the embedded
 * emulator and its local layer): `selectChallenge` (LOGIN_FLOW=USER_AUTH, a username alone) and `mfaSetup` (a pool
 * requiring MFA, a user without it). Each answer goes back with the step's challenge and session, or the service
 * refuses it.
 */
import { authenticator } from 'otplib'
import t, { type Test } from 'tap'
import { buildTestApp, freePort, PASSWORD } from '../../../test/helper.js'
import { fileTimeout } from '../../../test/helpers/timeouts.js'
import { continueSignIn, createClient, ProblemError, signIn, unwrap, type SignInStep } from '../src/index.js'
import { cookieJar } from './cookie-jar.js'

t.setTimeout(fileTimeout(30_000))

/** A local-mode service on a port, and a browser-like client of it (cookies in a jar, the hint in memory). */
async function service (env: Record<string, string>) {
  const port = await freePort()
  const origin = `http://localhost:${port}`
  const built = await buildTestApp(t, { env: { PUBLIC_URL: origin, ...env } })
  await built.app.listen({ port, host: '127.0.0.1' })
  const browserClient = () => {
    const jar = cookieJar(origin)
    let hint = false
    return { jar, client: createClient({ baseUrl: origin, fetch: jar.fetch, sessionHint: { get: () => hint, set: on => { hint = on } } }) }
  }
  return { ...built, browserClient }
}

const choiceBased = await service({ LOGIN_FLOW: 'USER_AUTH' })
const mfaRequired = await service({ LOCAL_MFA: 'required' })

/** A code the authenticator does not show now, nor in the windows either side. */
function wrongCode (secret: string): string {
  const near = new Set([-30_000, 0, 30_000].map(offset => authenticator.clone({ epoch: Date.now() + offset }).generate(secret)))
  for (let n = 0; ; n++) if (!near.has(String(n).padStart(6, '0'))) return String(n).padStart(6, '0')
}

/** The step, or the test fails naming the one it got. */
function expectStep<S extends SignInStep['step']> (t: Test, step: SignInStep, name: S): SignInStep & { step: S } | undefined {
  if (step.step === name) return step as SignInStep & { step: S }
  t.fail(`expected the ${name} step, got ${JSON.stringify(step)}`)
  return undefined
}

t.test('selectChallenge: a username alone lists the factors; PASSWORD with the password signs in, EMAIL_OTP leads to the code step', async t => {
  const { client, jar } = choiceBased.browserClient()
  const { username } = await choiceBased.confirmedUser('select')

  const select = expectStep(t, await signIn(client, { username }), 'selectChallenge')
  if (!select) return
  t.same(select.options, ['PASSWORD', 'EMAIL_OTP'], 'the factors the pool offers, for the UI to show')
  t.match(select.challenge, { name: 'SELECT_CHALLENGE', username, session: /.{20,}/ })
  t.equal(jar.cookies.size, 0, 'no session yet')

  // The choice goes back with the step's challenge and session: a step with either wrong is refused.
  const byPassword = { answer: 'PASSWORD', password: PASSWORD }
  const wrongName = await continueSignIn(client, { challenge: { ...select.challenge, name: 'EMAIL_OTP' } }, byPassword).catch((e: unknown) => e)
  t.equal((wrongName as ProblemError).code, 'VALIDATION_FAILED', 'another challenge\'s name: refused')
  const noSession = await continueSignIn(client, { challenge: { ...select.challenge, session: '' } }, byPassword).catch((e: unknown) => e)
  t.equal((noSession as ProblemError).code, 'VALIDATION_FAILED', 'no session: refused')

  t.match(await continueSignIn(client, select, byPassword), { step: 'done', username })
  t.ok(jar.cookies.has('bff_access'), 'signed in: the session cookies')
  t.equal((await unwrap(client.api.GET('/me'))).username, username)

  // The other factor: the e-mail code step, its code from /local/messages, then done.
  const { client: other } = choiceBased.browserClient()
  const again = expectStep(t, await signIn(other, { username }), 'selectChallenge')
  if (!again) return
  const emailCode = expectStep(t, await continueSignIn(other, again, { answer: 'EMAIL_OTP' }), 'emailCode')
  if (!emailCode) return
  t.not(emailCode.challenge.session, again.challenge.session, 'the next step carries Cognito\'s next session')
  t.match(emailCode, { challenge: { name: 'EMAIL_OTP', username }, destination: `${username[0]!}***@e***` })
  t.match(await continueSignIn(other, emailCode, { code: choiceBased.latestCode(username) }), { step: 'done', username })
  t.equal((await unwrap(other.api.GET('/me'))).username, username)
})

t.test('mfaSetup: the TOTP enrolment (secret, otpauth URI, QR code), a wrong code, the right one: done, and TOTP asked next time', async t => {
  const { client, jar } = mfaRequired.browserClient()
  const { username } = await mfaRequired.confirmedUser('setup')

  const setup = expectStep(t, await signIn(client, { username, password: PASSWORD }), 'mfaSetup')
  if (!setup) return
  t.match(setup.challenge, { name: 'MFA_SETUP', username, session: /.{20,}/ })
  t.match(setup.setup, {
    secret: /^[A-Z2-7]{16,}=*$/,
    otpauthUri: new RegExp(`^otpauth://totp/cognito-bff:${username}\\?secret=`),
    qrCode: /^data:image\/svg\+xml;base64,/
  }, 'what an authenticator app needs: the secret, its URI and a QR code')
  const secret = setup.setup!.secret
  t.equal(jar.cookies.size, 0, 'no session before the set-up')

  const wrongName = await continueSignIn(client, { challenge: { ...setup.challenge, name: 'SOFTWARE_TOKEN_MFA' } }, {
    code: authenticator.generate(secret)
  }).catch((e: unknown) => e)
  t.equal((wrongName as ProblemError).code, 'SIGN_IN_RESTART', 'another challenge\'s name: refused')
  const noSession = await continueSignIn(client, { challenge: { ...setup.challenge, session: '' } }, { code: authenticator.generate(secret) })
    .catch((e: unknown) => e)
  t.equal((noSession as ProblemError).code, 'VALIDATION_FAILED', 'no session: refused')
  const mismatch = await continueSignIn(client, setup, { code: wrongCode(secret) }).catch((e: unknown) => e)
  t.equal((mismatch as ProblemError).code, 'CODE_MISMATCH', 'a wrong code: CODE_MISMATCH, the set-up goes on')

  t.match(await continueSignIn(client, setup, { code: authenticator.generate(secret) }), { step: 'done', username })
  t.same(await unwrap(client.api.GET('/me/mfa')), { enabled: ['TOTP'], preferred: 'TOTP' }, 'signed in, with TOTP on')

  const { client: next } = mfaRequired.browserClient()
  const totp = expectStep(t, await signIn(next, { username, password: PASSWORD }), 'totp')
  if (!totp) return
  t.match(await continueSignIn(next, totp, { code: authenticator.generate(secret) }), { step: 'done', username })
})
