/**
 * Revocation as a user sees it: a logout refuses every token of that session,
 * those minted by earlier refreshes included (they share the session's
 * origin_jti, which the local layer gives tokens as Cognito does), while the
 * same user's other sessions stay signed in.
 */
import t from 'tap'
import { buildTestApp } from '../helper.js'

t.test('logout refuses the whole session\'s tokens, not only the one presented, and no other session\'s', async t => {
  const { app, confirmedUser } = await buildTestApp(t)
  const user = await confirmedUser('revoke')
  const login = async () => {
    const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...user, tokenDelivery: 'body' } })
    return response.json().tokens as { accessToken: string, refreshToken: string }
  }
  const me = async (accessToken: string) =>
    (await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${accessToken}` } })).statusCode
  // The service's own check, with no Cognito call behind it (Cognito, or the local layer, refuses revoked tokens at /me too).
  const verify = async (token: string) => {
    const response = await app.inject({ method: 'POST', url: '/tokens/verify', payload: { token } })
    return response.statusCode === 200 ? 'good' : String(response.json().reason)
  }

  const session = await login()
  const other = await login()
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: session.refreshToken } })
  t.equal(refreshed.statusCode, 200)
  const newer = refreshed.json().tokens.accessToken as string
  t.not(newer, session.accessToken)
  t.equal(await me(session.accessToken), 200, 'before logout the older access token works')

  const logout = await app.inject({
    method: 'POST',
    url: '/auth/logout',
    headers: { authorization: `Bearer ${newer}` },
    payload: { refreshToken: session.refreshToken }
  })
  t.equal(logout.statusCode, 204)
  t.equal(await me(newer), 401, 'the presented token is refused')
  t.equal(await me(session.accessToken), 401, 'the token from before the refresh is refused too')
  t.equal(await me(other.accessToken), 200, 'another session of the same user is untouched')
  t.equal(await verify(newer), 'revoked')
  t.equal(await verify(session.accessToken), 'revoked', 'this service refuses the session\'s older token itself (origin_jti)')
  t.equal(await verify(other.accessToken), 'good')
})
