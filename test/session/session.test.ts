/**
 * The session service without HTTP: plain values in (the Authorization
 * header, the request's cookies), the answer and cookie changes out. Cognito
 * and the verifier are stubbed only to force their answers and faults; the
 * flows against the emulator are in test/routes/auth/.
 */
import t from 'tap'
import type { CognitoGateway, Tokens } from '../../src/cognito/gateway.js'
import type { Config } from '../../src/config/index.js'
import { ApiError } from '../../src/errors/catalog.js'
import { createChallengeSessions } from '../../src/session/challenge-session.js'
import { createSessionCookies, type CookieChange, type RequestCookies, type ServiceLog } from '../../src/session/cookies.js'
import { createSealer } from '../../src/session/seal.js'
import { createSessionService, type Outcome, type Presented } from '../../src/session/session.js'
import { signedOutEverywhere } from '../../src/session/signed-out.js'
import { createMemoryStore } from '../../src/store/memory-store.js'
import type { TokenVerifier } from '../../src/verify/verifier.js'

const KEY = 'session-service-test-key-of-32-chars'
const config: Pick<Config, 'cookies'> = { cookies: { secure: false, sameSite: 'lax', secrets: [KEY] } }
const sealer = createSealer([KEY])
const cookies = createSessionCookies(config, sealer)

/** An unsigned JWT-shaped token (the service reads its claims unverified; the verifier is stubbed). */
function jwt (claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256' })}.${part(claims)}.signature`
}
const exp = Math.floor(Date.now() / 1000) + 3600
const tokens = (suffix = ''): Tokens => ({
  accessToken: jwt({ username: 'alice', exp, token_use: 'access', n: suffix }),
  idToken: jwt({ sub: 'sub-1', exp, token_use: 'id', n: suffix })
})

function recordingLog (): ServiceLog & { warnings: unknown[][], debugs: unknown[][] } {
  const warnings: unknown[][] = []
  const debugs: unknown[][] = []
  return { warnings, debugs, warn: (...args: unknown[]) => warnings.push(args), debug: (...args: unknown[]) => debugs.push(args) } as never
}

/** What a browser sends after these cookie changes. */
function sent (changes: readonly CookieChange[]): RequestCookies {
  const values: Record<string, string> = {}
  for (const { name, value } of changes) if (value !== null) values[name] = value
  return { values, header: Object.entries(values).map(([name, value]) => `${name}=${value}`).join('; ') }
}
const nothing: Presented = { authorization: undefined, cookies: { values: {}, header: undefined } }

function service (
  cognito: Partial<CognitoGateway> = {}, verifier: Partial<TokenVerifier> = {}, store = createMemoryStore(), revocation = true
) {
  return createSessionService({
    pool: () => ({ refreshLifetimeSeconds: 30 * 86_400, revocation }),
    cookies,
    challenges: createChallengeSessions(sealer, 'client-1'),
    cognito: cognito as CognitoGateway,
    verifier: verifier as TokenVerifier,
    store,
    sealer
  })
}

const failure = <T>(outcome: Outcome<T>) => outcome.ok ? undefined : outcome.error
const changeList = (changes: readonly CookieChange[]) => changes.map(c => [c.name, c.value === null ? 'cleared' : 'set', c.options.path])

t.test('issue: cookies for a browser, the tokens in the body for other clients', async t => {
  const sessions = service()
  const withRefresh = { ...tokens(), refreshToken: 'refresh-1' }
  const cases: Array<[string, Tokens, 'cookie' | 'body', unknown[]]> = [
    ['cookie, with a refresh token', withRefresh, 'cookie', [['bff_access', 'set', '/'], ['bff_id', 'set', '/'], ['bff_refresh', 'set', '/auth']]],
    ['cookie, no refresh token', tokens(), 'cookie', [['bff_access', 'set', '/'], ['bff_id', 'set', '/']]],
    ['body', withRefresh, 'body', []]
  ]
  for (const [name, given, delivery, expected] of cases) {
    const issued = await sessions.issue(given, delivery, Date.now())
    t.same(changeList(issued.cookies), expected, `${name}: cookies`)
    t.match(issued.value, { status: 'authenticated', username: 'alice', expiresAt: new Date(exp * 1000).toISOString() }, name)
    const inBody = delivery === 'body' ? given.accessToken : undefined
    t.equal(issued.value.tokens?.accessToken, inBody, `${name}: tokens in the body only for body delivery`)
  }
  const read = sent((await sessions.issue(withRefresh, 'cookie', Date.now())).cookies)
  t.equal(cookies.accessToken(read, recordingLog()), withRefresh.accessToken, 'round trip: the access cookie opens to the token')
  t.same(cookies.refresh(read, recordingLog()), { refreshToken: 'refresh-1', username: 'alice' }, 'round trip: the refresh cookie')
})

t.test('issue: tokens of a sign-out mark\'s own second get through it only for a sign-in that began after the mark', async t => {
  const store = createMemoryStore()
  const sessions = service({}, {}, store)
  const markMs = Date.now()
  await signedOutEverywhere(store, 'sub-1', markMs)
  const iat = Math.floor(markMs / 1000) // the mark's second: the mark itself is the next one
  let n = 0
  const signedIn = (): Tokens & { jtis: string[] } => {
    const jtis = [`access-${++n}`, `id-${n}`]
    return {
      accessToken: jwt({ sub: 'sub-1', username: 'alice', iat, exp, token_use: 'access', jti: jtis[0] }),
      idToken: jwt({ sub: 'sub-1', iat, exp, token_use: 'id', jti: jtis[1] }),
      jtis
    }
  }
  const refused = async (jti: string) => await store.isRevoked({ ids: [jti], sub: 'sub-1', issuedAt: iat })

  const racing = signedIn()
  await sessions.issue(racing, 'body', markMs - 1)
  for (const jti of racing.jtis) t.equal(await refused(jti), true, `a sign-in that began before the mark: ${jti} refused`)
  const handedOff = signedIn()
  await sessions.issue(handedOff, 'body', 0)
  for (const jti of handedOff.jtis) t.equal(await refused(jti), true, `tokens another request obtained (a hand-off): ${jti} refused`)
  const after = signedIn()
  await sessions.issue(after, 'body', markMs + 1)
  for (const jti of after.jtis) t.equal(await refused(jti), false, `a sign-in that began after the mark: ${jti} let through`)
  t.equal(await refused('issued-before'), true, 'any other token of that second is still refused')

  await signedOutEverywhere(store, 'sub-1', markMs + 2)
  for (const jti of after.jtis) t.equal(await refused(jti), true, `a newer mark in the same second: ${jti} refused again`)
})

t.test('presentedAccessToken: Bearer first, then the cookie; a malformed header is TOKEN_INVALID', async t => {
  const sessions = service()
  const browser = sent((await sessions.issue(tokens('cookie'), 'cookie', Date.now())).cookies)
  const bearer = tokens('bearer').accessToken
  const cases: Array<[string, Presented, string | undefined]> = [
    ['nothing', nothing, undefined],
    ['a Bearer header', { authorization: `Bearer ${bearer}`, cookies: nothing.cookies }, bearer],
    ['a Bearer header beside the cookie', { authorization: `bearer ${bearer} `, cookies: browser }, bearer],
    ['the cookie', { authorization: undefined, cookies: browser }, tokens('cookie').accessToken],
    ['the cookie sent twice', { authorization: undefined, cookies: { ...browser, header: `bff_access=planted; ${browser.header}` } }, undefined]
  ]
  for (const [name, presented, expected] of cases) t.equal(sessions.presentedAccessToken(presented, recordingLog()), expected, name)

  for (const header of ['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer not-a-jwt']) {
    const err = t.throws(() => sessions.presentedAccessToken({ authorization: header, cookies: browser }, recordingLog())) as ApiError
    t.match(err, { code: 'TOKEN_INVALID', headers: { 'www-authenticate': 'Bearer error="invalid_request"' } }, header)
  }
})

t.test('refresh: from the cookie or the body; a dead cookie session has its cookies cleared', async t => {
  const log = recordingLog()
  const browser = sent((await service().issue({ ...tokens(), refreshToken: 'refresh-cookie' }, 'cookie', Date.now())).cookies)
  const fromCookie: Presented = { authorization: undefined, cookies: browser }

  const none = await service().refresh(nothing, {}, log, Date.now())
  t.match(failure(none), { code: 'UNAUTHENTICATED' }, 'no refresh token anywhere')
  t.same(none.cookies, [])

  const asked: string[] = []
  const renewed = await service({ refresh: async ({ refreshToken }) => { asked.push(refreshToken); return tokens('new') } })
    .refresh(fromCookie, { tokenDelivery: 'body' }, log, Date.now())
  t.ok(renewed.ok)
  t.same(asked, ['refresh-cookie'], 'the cookie\'s refresh token was used')
  t.equal(renewed.ok && renewed.value.tokens, undefined, 'a cookie session stays in cookies, whatever tokenDelivery says')
  const kept = cookies.refresh(sent(renewed.cookies), log)
  t.same(kept, { refreshToken: 'refresh-cookie', username: 'alice' }, 'without rotation the cookie keeps the token')

  const expired = async () => { throw new ApiError('SESSION_EXPIRED') }
  const deadCookie = await service({ refresh: expired }).refresh(fromCookie, {}, log, Date.now())
  t.match(failure(deadCookie), { code: 'SESSION_EXPIRED' })
  t.same(changeList(deadCookie.cookies), [['bff_access', 'cleared', '/'], ['bff_id', 'cleared', '/'], ['bff_refresh', 'cleared', '/auth']])
  const deadBody = await service({ refresh: expired }).refresh(nothing, { refreshToken: 'refresh-body' }, log, Date.now())
  t.match(failure(deadBody), { code: 'SESSION_EXPIRED' })
  t.same(deadBody.cookies, [], 'a body client\'s failure touches no cookies')

  const outage = await service({ refresh: async () => { throw new ApiError('UPSTREAM_UNAVAILABLE') } }).refresh(fromCookie, {}, log, Date.now())
  t.match(failure(outage), { code: 'UPSTREAM_UNAVAILABLE' })
  t.same(outage.cookies, [], 'an outage does not end the session')
})

t.test('end: cookies cleared whatever happens; an outage at Cognito is reported, a refused token is not', async t => {
  const cleared = [['bff_access', 'cleared', '/'], ['bff_id', 'cleared', '/'], ['bff_refresh', 'cleared', '/auth']]
  const revoked: string[] = []
  const verifier = { verify: async () => ({ ok: false as const, refusal: 'expired' as const }) }
  const cases: Array<[string, () => Promise<void>, string | undefined]> = [
    ['revoked', async () => { revoked.push('refresh-1') }, undefined],
    ['already revoked (a client fault)', async () => { throw new ApiError('TOKEN_INVALID') }, undefined],
    ['Cognito unreachable', async () => { throw new ApiError('UPSTREAM_UNAVAILABLE') }, 'UPSTREAM_UNAVAILABLE']
  ]
  for (const [name, revokeRefreshToken, code] of cases) {
    const log = recordingLog()
    const presented: Presented = { authorization: 'Basic junk', cookies: nothing.cookies }
    const ended = await service({ revokeRefreshToken }, verifier).end(presented, { refreshToken: 'refresh-1' }, log)
    t.equal(ended.ok, code === undefined, name)
    if (code !== undefined) t.match(failure(ended), { code }, name)
    t.same(changeList(ended.cookies), cleared, `${name}: cookies cleared`)
  }
  t.same(revoked, ['refresh-1'])
})

t.test('end, the client without token revocation: Cognito not asked; a token without jti refused by a sign-out mark', async t => {
  const store = createMemoryStore()
  const asked: string[] = []
  const token = { sub: 'sub-1', exp, iat: exp - 3600, revocationIds: [] as string[] }
  const verifier = { verify: async () => ({ ok: true as const, token }), revoke: async () => { asked.push('revoke') } }
  const presented: Presented = { authorization: `Bearer ${tokens().accessToken}`, cookies: nothing.cookies }
  const revokeRefreshToken = async () => { asked.push('RevokeToken') }
  const ended = await service({ revokeRefreshToken }, verifier as never, store, false).end(presented, { refreshToken: 'refresh-1' }, recordingLog())
  t.equal(ended.ok, true, '204: nothing failed')
  t.same(asked, [], 'neither RevokeToken (UnsupportedOperationException) nor a jti revocation (the token has none)')
  t.ok(await store.signedOutMark('sub-1'), 'the user\'s tokens issued until now are refused')
})
