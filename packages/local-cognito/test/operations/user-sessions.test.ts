/**
 * Session management the local layer adds (operations/user-sessions.ts),
 * through a real SDK client: ListUserSessions pages and marks the caller's
 * session, RevokeUserSession ends another one and refuses the caller's own or
 * an unknown one, and the Admin… forms do the same for any user, as Cognito's
 * model declares the shapes and exceptions.
 */
import {
  AdminListUserSessionsCommand,
  AdminRevokeUserSessionCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserSessionsCommand,
  RevokeUserSessionCommand,
  type SessionDescriptionType
} from '@aws-sdk/client-cognito-identity-provider'
import { UnsupportedError } from 'cognito-local/lib/errors.js'
import t from 'tap'
import { PAGE_SIZE } from '../../src/operations/user-sessions.ts'
import { startTestCognito } from '../helper.ts'
import { login, raw, refused, sdkFor } from '../emulator.ts'

const { local, config, confirmedUser } = await startTestCognito(t)
const sdk = sdkFor(t, local)
const { clientId: ClientId, userPoolId: UserPoolId } = config.pool
const SESSION_ID = /^tkn[a-z0-9]{25}$/

/** Every page of the caller's sessions, and how many pages there were. */
async function allSessions (AccessToken: string): Promise<{ sessions: SessionDescriptionType[], pages: number }> {
  const sessions: SessionDescriptionType[] = []
  let NextToken: string | undefined
  let pages = 0
  do {
    const out = await sdk.send(new ListUserSessionsCommand({ AccessToken, NextToken }))
    pages++
    sessions.push(...(out.Sessions ?? []))
    NextToken = out.NextToken
  } while (NextToken !== undefined && pages < 10)
  return { sessions, pages }
}

const refreshWorks = async (RefreshToken: string) => await sdk.send(new InitiateAuthCommand({
  ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: RefreshToken }
})).then(() => true, () => false)

t.test('the emulator alone has no session operations', async t => {
  const { username, password } = await confirmedUser('alone')
  const { AccessToken } = await login(sdk, ClientId, username, password)
  for (const [target, request] of [['ListUserSessions', { AccessToken }], ['AdminListUserSessions', { UserPoolId, Username: username }]] as const) {
    const err = await raw(local, target, request).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof UnsupportedError, `${target}: cognito-local answers Unsupported`)
  }
})

t.test('ListUserSessions: one session per sign-in, in pages, the caller\'s marked current', async t => {
  const { username, password } = await confirmedUser('pages')
  const signIns = []
  for (let i = 0; i < PAGE_SIZE + 2; i++) signIns.push(await login(sdk, ClientId, username, password))
  const caller = signIns[3]!

  const first = await sdk.send(new ListUserSessionsCommand({ AccessToken: caller.AccessToken }))
  t.equal(first.Sessions?.length, PAGE_SIZE, 'a full first page')
  t.type(first.NextToken, 'string', 'and a token for the next')
  const { sessions, pages } = await allSessions(caller.AccessToken!)
  t.equal(pages, 2)
  t.equal(sessions.length, PAGE_SIZE + 2, 'every sign-in is a session')
  t.equal(new Set(sessions.map(s => s.SessionId)).size, sessions.length, 'ids are distinct')
  // (No ClientId: cognito-local's refresh tokens name no client, and the session is read from the refresh token.)
  for (const s of sessions) {
    t.match(s, { SessionId: SESSION_ID, SessionType: 'TOKEN', CreateDate: Date, LastActiveDate: Date, DeviceType: 'unknown' })
  }
  t.equal(sessions.filter(s => s.IsCurrentSession === true).length, 1, 'exactly one is current')
  const current = sessions.find(s => s.IsCurrentSession === true)!
  const other = await allSessions(signIns[7]!.AccessToken!)
  t.not(other.sessions.find(s => s.IsCurrentSession === true)?.SessionId, current.SessionId, 'another sign-in\'s token marks its own')

  await refused(t, sdk.send(new ListUserSessionsCommand({ AccessToken: caller.AccessToken, NextToken: 'bm90LWEtcGFnZQ' })),
    'InvalidParameterException', 'Invalid pagination token.')
})

t.test('RevokeUserSession: another session ends; the caller\'s own and an unknown one are refused', async t => {
  const { username, password } = await confirmedUser('revoke')
  const phone = await login(sdk, ClientId, username, password)
  const laptop = await login(sdk, ClientId, username, password)
  const { sessions } = await allSessions(laptop.AccessToken!)
  const mine = sessions.find(s => s.IsCurrentSession === true)!.SessionId!
  const theirs = sessions.find(s => s.IsCurrentSession !== true)!.SessionId!

  await refused(t, sdk.send(new RevokeUserSessionCommand({ AccessToken: laptop.AccessToken, SessionId: mine })),
    'InvalidParameterException', 'The current session cannot be revoked; sign out instead.')
  await refused(t, sdk.send(new RevokeUserSessionCommand({ AccessToken: laptop.AccessToken, SessionId: `tkn${'0'.repeat(25)}` })),
    'ResourceNotFoundException', 'Session not found.')
  t.ok(await refreshWorks(laptop.RefreshToken!), 'a refused revocation ends nothing')

  const out = await sdk.send(new RevokeUserSessionCommand({ AccessToken: laptop.AccessToken, SessionId: theirs }))
  t.equal(out.$metadata.httpStatusCode, 200)
  t.notOk(await refreshWorks(phone.RefreshToken!), 'the revoked session\'s refresh token is dead')
  await refused(t, sdk.send(new GetUserCommand({ AccessToken: phone.AccessToken })), 'NotAuthorizedException', 'Access Token has been revoked',
    'and its access token refused')
  t.ok(await refreshWorks(laptop.RefreshToken!), 'the caller\'s session goes on')
  t.same((await allSessions(laptop.AccessToken!)).sessions.map(s => s.SessionId), [mine], 'only the caller\'s is left')
  await refused(t, sdk.send(new RevokeUserSessionCommand({ AccessToken: laptop.AccessToken, SessionId: theirs })),
    'ResourceNotFoundException', 'Session not found.', 'revoking it again')
})

t.test('AdminListUserSessions and AdminRevokeUserSession: every session, none current; one ended', async t => {
  const { username, password } = await confirmedUser('admin')
  const one = await login(sdk, ClientId, username, password)
  const two = await login(sdk, ClientId, username, password)
  const listed = await sdk.send(new AdminListUserSessionsCommand({ UserPoolId, Username: username }))
  t.equal(listed.Sessions?.length, 2)
  t.ok(listed.Sessions?.every(s => s.IsCurrentSession === false && SESSION_ID.test(s.SessionId ?? '')), 'none is current')
  const ids = (await allSessions(two.AccessToken!)).sessions
  const oneId = ids.find(s => s.IsCurrentSession !== true)!.SessionId

  await sdk.send(new AdminRevokeUserSessionCommand({ UserPoolId, Username: username, SessionId: oneId }))
  t.notOk(await refreshWorks(one.RefreshToken!), 'ended')
  t.ok(await refreshWorks(two.RefreshToken!), 'the other goes on')
  await refused(t, sdk.send(new AdminRevokeUserSessionCommand({ UserPoolId, Username: username, SessionId: oneId })),
    'ResourceNotFoundException', 'Session not found.')
  await refused(t, sdk.send(new AdminListUserSessionsCommand({ UserPoolId, Username: 'no-such-user' })),
    'UserNotFoundException', 'User does not exist.')
})
