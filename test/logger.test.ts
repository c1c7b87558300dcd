import { pino } from 'pino'
import t from 'tap'
import { lazyRequestLogger, loggerOptions } from '../src/logger.js'
import { buildTestApp, captureLines, cookieHeader, PASSWORD, uniqueUsername } from './helper.js'

t.test('no password, code, token, cookie or Authorization header reaches the log', async t => {
  // trace: the most the app can ever log
  const { app, logs, latestCode, config } = await buildTestApp(t, { env: { LOG_LEVEL: 'trace' } })
  const username = uniqueUsername('secret')
  const secrets: Record<string, string> = { password: PASSWORD, cookieKey: config.cookies.secrets[0]! }

  await app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: PASSWORD, email: `${username}@example.com` } })
  secrets.signupCode = latestCode(username)
  // The e-mail link carries the code in its query string, its page's button in the form body.
  const page = await app.inject({ method: 'GET', url: `/auth/signup/confirm?username=${username}&code=${secrets.signupCode}` })
  const confirmation = /name="confirmation" value="([^"]+)"/.exec(page.body)?.[1]
  t.ok(confirmation, 'the page carries the sealed confirmation')
  secrets.sealedConfirmation = confirmation!
  const button = await app.inject({
    method: 'POST',
    url: '/auth/signup/confirm/link',
    headers: { origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded' },
    payload: `confirmation=${confirmation}`
  })
  t.equal(button.statusCode, 303)

  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'Not-The-Password-42' } })
  t.equal(wrong.statusCode, 401)
  secrets.wrongPassword = 'Not-The-Password-42'

  const cookieLogin = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
  const cookie = cookieHeader(cookieLogin)
  cookieLogin.cookies.forEach(c => { secrets[`cookie ${c.name}`] = c.value })
  await app.inject({ method: 'GET', url: '/me', headers: { cookie } })
  await app.inject({ method: 'POST', url: '/auth/refresh', headers: { cookie } })

  const bodyLogin = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD, tokenDelivery: 'body' } })
  const { tokens } = bodyLogin.json()
  Object.assign(secrets, { accessToken: tokens.accessToken, idToken: tokens.idToken, refreshToken: tokens.refreshToken })
  await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${tokens.accessToken}` } })
  await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: tokens.refreshToken } })

  await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username } })
  secrets.resetCode = latestCode(username)
  secrets.newPassword = 'Brand-New-Pass-88'
  await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { username, code: secrets.resetCode, password: secrets.newPassword } })
  await app.inject({
    method: 'POST',
    url: '/auth/logout',
    payload: { refreshToken: tokens.refreshToken },
    headers: { authorization: `Bearer ${tokens.accessToken}` }
  })
  await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } })

  const log = logs.join('\n')
  t.ok(logs.length >= 13, `the log was captured (${logs.length} lines)`)
  t.match(log, /"url":"\/auth\/signup\/confirm\?username=…&code=…"/, 'query values are dropped from logged URLs')
  for (const [name, value] of Object.entries(secrets)) {
    t.equal(log.includes(value), false, `${name} is not in the log`)
  }
  t.notMatch(log, /Bearer /, 'no Authorization header value in the log')
  t.notMatch(log, /eyJ[\w-]{10,}\.[\w-]{10,}/, 'no JWT of any kind in the log')
})

t.test('AWS credentials and the identity pool\'s Logins are redacted wherever a logged object holds them', async t => {
  const { stream, lines } = captureLines()
  const logger = pino(loggerOptions({ logLevel: 'info' }) as object, stream)
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY'
  const sessionToken = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue'
  const idToken = 'eyJraWQiOiJrIn0.eyJzdWIiOiJhIn0.c2lnbmF0dXJl'
  logger.info({ answer: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: secret, sessionToken } }, 'answer')
  logger.info({ output: { Credentials: { SecretKey: secret, SessionToken: sessionToken } } }, 'sdk answer')
  logger.info({ input: { IdentityPoolId: 'us-east-1:x', Logins: { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_X': idToken } } }, 'sdk input')
  await new Promise(resolve => setImmediate(resolve))
  const log = lines.join('\n')
  t.equal(lines.length, 3)
  for (const value of [secret, sessionToken, idToken]) t.notOk(log.includes(value), 'redacted')
  t.match(log, '"accessKeyId":"ASIAEXAMPLE"', 'the key id (not a secret) stays readable')
})

t.test('one line per request, with the problem code of a refused one', async t => {
  const { app, logs } = await buildTestApp(t)
  await app.inject({
    method: 'POST',
    url: '/auth/login',
    headers: { 'x-request-id': 'one-line-1' },
    payload: { username: 'demo', password: 'wrong-password-1' }
  })
  const lines = logs.map(line => JSON.parse(line)).filter(line => line.reqId === 'one-line-1')
  t.equal(lines.length, 1)
  t.match(lines[0], { msg: 'request', status: 401, code: 'INVALID_CREDENTIALS', req: { method: 'POST', url: '/auth/login' }, ms: Number })
})

t.test('a request\'s own logger carries its id, and is made only when the route logs', async t => {
  const lines: Array<Record<string, unknown>> = []
  const root = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  let children = 0
  const child = root.child
  root.child = function (this: typeof root, ...args: Parameters<typeof child>) { children++; return child.apply(this, args) } as typeof child
  const log = lazyRequestLogger.call(undefined as never, root, { reqId: 'req-1' }, {}, undefined as never)

  t.equal(log.level, 'info')
  log.debug('below the level')
  t.equal(children, 0, 'no child logger for a request that logs nothing')
  log.info({ attempt: 1 }, 'first')
  log.child({ step: 'two' }).warn('second')
  t.equal(children, 2, 'made once, on the first line (the second is the route\'s own child)')
  t.match(lines, [{ reqId: 'req-1', attempt: 1, msg: 'first', level: 30 }, { reqId: 'req-1', step: 'two', msg: 'second', level: 40 }])
  log.level = 'debug'
  log.debug('now shown')
  t.match(lines[2], { reqId: 'req-1', msg: 'now shown', level: 20 })
  t.equal(lines.length, 3, 'nothing below the level was written')
})
