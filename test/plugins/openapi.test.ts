import { readFile } from 'node:fs/promises'
import t from 'tap'
import { OPERATION_COMMANDS, possibleCodes, type Operation } from '../../src/cognito/error-table.js'
import { ERROR_CATALOG, ERROR_CODES, type ErrorCode } from '../../src/errors/catalog.js'
import { BODY_REFUSALS, ORIGIN_REFUSALS, QUERY_REFUSALS, RATE_LIMIT_REFUSALS } from '../../src/schemas/problem.js'
import { openApiDocument } from '../../src/openapi-document.js'
import { NOT_SHED } from '../../src/plugins/load-shedding.js'
import { LICENSE, TAGS } from '../../src/plugins/openapi.js'
import { buildTestApp } from '../helper.js'
import { committed, declaredCodes, document, operations, raw, responseCodes } from '../helpers/committed-openapi.js'
import { declaredExceptions } from '../helpers/sdk-model.js'

t.test('openapi/openapi.json matches the route schemas (run `npm run openapi` after changing a route)', async t => {
  t.equal(await openApiDocument(), committed)
})

t.test('the published Problem schema lists exactly the catalog codes', async t => {
  const codes = raw.components.schemas?.Problem as { properties: { code: { enum: string[] } } }
  t.same([...codes.properties.code.enum].sort(), [...ERROR_CODES].sort())
})

t.test('the running app serves /openapi.json and renders /docs', async t => {
  const { app } = await buildTestApp(t)
  const json = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(json.statusCode, 200)
  t.ok(json.json().paths['/auth/login'])
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
  t.same(json.json().servers, [{ url: app.config.publicUrl.origin, description: 'This service, at its PUBLIC_URL.' }], 'its own PUBLIC_URL')
})

/* The document as a whole: what every operation and response must say (each test names what the document lacks). */

t.test('every operation has a description, a security declaration (`[]` when anonymous) and declared tags', async t => {
  const tags = new Map((document.tags ?? []).map(tag => [tag.name, tag.description]))
  for (const operation of operations) {
    t.ok(typeof operation.description === 'string' && operation.description.length > 0, `${operation.name}: a description`)
    t.ok(Array.isArray(operation.security), `${operation.name}: security (from its guard, or schema.security where the handler checks)`)
    for (const tag of operation.tags ?? []) t.ok(tags.get(tag), `${operation.name}: tag ${tag} is declared, with a description (TAGS)`)
  }
})

t.test('security follows how a route authenticates: its guard, or what its handler checks', async t => {
  const security = (name: string) => operations.find(operation => operation.name === name)?.security
  const signedIn = [{ bearer: [] }, { cookie: [] }]
  for (const operation of operations) {
    const [, path = ''] = operation.name.split(' ')
    if (path === '/me' || path.startsWith('/me/')) t.same(operation.security, signedIn, `${operation.name}: requireUser`)
    else if (path.startsWith('/admin/')) t.same(operation.security, [...signedIn, { adminClient: ['bff/admin'] }], `${operation.name}: requireAdmin`)
    else if (!['GET /metrics', 'POST /oauth/handoff'].includes(operation.name)) t.same(operation.security, [], `${operation.name}: anonymous`)
  }
  t.same(security('GET /metrics'), [{ metricsToken: [] }])
  t.same(security('POST /oauth/handoff'), [{ handoffSecret: [] }])
})

t.test('the document names its licence (package.json\'s) and a documented placeholder server', async t => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { license: string }
  t.same(document.info.license, LICENSE)
  t.same(document.tags, TAGS, 'the global tags')
  t.equal(LICENSE.identifier, pkg.license)
  t.equal(document.servers?.[0]?.url, '{publicUrl}')
  t.equal(document.servers?.[0]?.variables?.publicUrl?.default, 'http://localhost:3000')
})

t.test('problem answers are shared components, referenced by every operation that answers them', async t => {
  for (const [path, item] of Object.entries(raw.paths)) {
    for (const [method, { responses }] of Object.entries(item)) {
      for (const [status, response] of Object.entries(responses)) {
        if (response.content?.['application/problem+json'] !== undefined) t.fail(`${method} ${path} ${status}: an inline problem answer`)
      }
    }
  }
  // Its size: test/plugins/openapi-size.test.ts (each operation's budget, the fixed part's, the whole under 200 KB).
})

t.test('every operation has a unique camelCase operationId', async t => {
  const ids = operations.map(operation => operation.operationId)
  for (const operation of operations) t.match(operation.operationId, /^[a-z][a-zA-Z]+$/, `${operation.name}: ${operation.operationId}`)
  t.equal(new Set(ids).size, ids.length, 'no two operations share one')
})

t.test('every response carries x-request-id and Cache-Control (x-response-headers); 429 and problem 503s Retry-After; 303s Location', async t => {
  t.same(document['x-response-headers'], {
    'x-request-id': { $ref: '#/components/headers/RequestId' },
    'Cache-Control': { $ref: '#/components/headers/CacheControl' }
  }, 'declared once, for every response')
  for (const { name, responses } of operations) {
    for (const [status, response] of Object.entries(responses)) {
      const headers = response.headers ?? {}
      const problem = response.content?.['application/problem+json'] !== undefined
      if (status === '429' || (status === '503' && problem)) {
        t.equal(headers['Retry-After']?.$ref, '#/components/headers/RetryAfter', `${name} ${status}: Retry-After`)
      }
      if (status === '303') t.equal(headers.Location?.$ref, '#/components/headers/Location', `${name} ${status}: Location`)
      if (problem) {
        const codes = responseCodes(response)
        t.ok(codes.length > 0, `${name} ${status}: the problem codes are listed`)
        for (const code of codes) {
          t.equal(ERROR_CATALOG[code as ErrorCode].status, Number(status), `${name} ${status}: ${code} is answered with its status`)
        }
      }
    }
  }
  t.equal(document.components.headers.RequestId?.required, true, 'x-request-id is always there')
})

t.test('the routes that set or clear session cookies declare Set-Cookie', async t => {
  const setCookie = (path: string, status: string) => document.paths[path]!.post!.responses[status]!.headers?.['Set-Cookie']
  t.same(setCookie('/auth/login', '200'), { $ref: '#/components/headers/SetSessionCookies' })
  t.same(setCookie('/auth/challenge', '200'), { $ref: '#/components/headers/SetSessionCookies' })
  t.match(setCookie('/auth/refresh', '200'), { required: false })
  t.match(setCookie('/auth/refresh', '401'), { required: false })
  t.same(setCookie('/auth/logout', '204'), { $ref: '#/components/headers/ClearSessionCookies' })
  t.equal(document.components.headers.ClearSessionCookies?.required, true, 'logout always clears them')
})

t.test('a body is required exactly where one must be sent: refresh, logout and AWS credentials may send none', async t => {
  for (const { name, requestBody } of operations) {
    if (requestBody === undefined) continue
    t.equal(requestBody.required, !['POST /auth/refresh', 'POST /auth/logout', 'POST /me/aws-credentials'].includes(name), name)
  }
})

t.test('the cookie scheme names the cookie both ways: __Host- over https, plain over http', async t => {
  const scheme = document.components.securitySchemes.cookie!
  t.equal(scheme.name, '__Host-bff_access', 'the production name')
  t.match(scheme.description, /`__Host-bff_access` over https/)
  t.match(scheme.description, /`bff_access` on a plain-http service/)
})

t.test('every operation declares what the plugins before it can answer', async t => {
  for (const operation of operations) {
    const [method = '', path = ''] = operation.name.split(' ')
    const declared = declaredCodes(operation)
    const expect = (codes: readonly string[], why: string) => {
      for (const code of codes) t.ok(declared.has(code), `${operation.name} declares ${code}: ${why}`)
    }
    expect(['INTERNAL_ERROR'], 'any route can fail unexpectedly (problem-details)')
    if (operation.requestBody !== undefined) expect(BODY_REFUSALS, 'it takes a JSON body')
    if ((operation as { parameters?: unknown[] }).parameters?.length) expect(QUERY_REFUSALS, 'it takes a query')
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) expect(ORIGIN_REFUSALS, 'origin-check refuses a cookie-carrying request from elsewhere')
    if (path.startsWith('/auth/')) expect(RATE_LIMIT_REFUSALS, 'the /auth rate limit')
    if (!NOT_SHED.has(path)) expect(['OVERLOADED'], 'load shedding refuses before any handler (plugins/load-shedding.ts)')
    if (operation.operationId === 'getMe') {
      expect(['UNAUTHENTICATED', 'TOKEN_INVALID', 'INSUFFICIENT_SCOPE', 'UPSTREAM_UNAVAILABLE'], 'the sign-in guard (requireUser, requireScope)')
    }
  }
})

/**
 * The Cognito operations behind each route, and which of their answers come
 * through: every code the error table can make of an exception the SDK
 * declares must be among the route's declared codes. Routes that call no
 * Cognito operation say so with an empty list.
 */
const COGNITO_BEHIND: Record<string, { operations: Operation[], passes?: (code: ErrorCode) => boolean }> = {
  signUp: { operations: ['SignUp'] },
  confirmSignUp: { operations: ['ConfirmSignUp'] },
  // The link's page spends nothing; its button's POST confirms.
  confirmSignUpLink: { operations: [] },
  confirmSignUpLinkButton: { operations: ['ConfirmSignUp'] },
  // The reset link's page spends nothing; its form's POST resets, and answers every 4xx on the form again (200).
  resetPasswordLink: { operations: [] },
  resetPasswordLinkForm: { operations: ['ConfirmForgotPassword'], passes: code => ERROR_CATALOG[code].status >= 500 },
  resendConfirmationCode: { operations: ['ResendConfirmationCode'] },
  login: { operations: ['Login', 'MfaSetupAssociate'] },
  answerChallenge: { operations: ['RespondToAuthChallenge', 'MfaSetupAssociate', 'MfaSetupVerify'] },
  refresh: { operations: ['Refresh'] },
  // Logout tells the client nothing about a token Cognito would not revoke; throttling and outages come through.
  logout: { operations: ['RevokeToken'], passes: code => ERROR_CATALOG[code].status === 429 || ERROR_CATALOG[code].status >= 500 },
  forgotPassword: { operations: ['ForgotPassword'] },
  resetPassword: { operations: ['ConfirmForgotPassword'] },
  getMe: { operations: ['GetUser'] },
  startPasskeyRegistration: { operations: ['StartWebAuthnRegistration'] },
  completePasskeyRegistration: { operations: ['CompleteWebAuthnRegistration'] },
  listPasskeys: { operations: ['ListWebAuthnCredentials'] },
  deletePasskey: { operations: ['DeleteWebAuthnCredential'] },
  listSessions: { operations: ['UserSessions'] },
  revokeSession: { operations: ['UserSessions', 'RevokeUserSession'] },
  getMfa: { operations: ['GetUser'] },
  setMfa: { operations: ['SetUserMFAPreference', 'GetUser'] },
  startTotpSetup: { operations: ['AssociateSoftwareToken'] },
  verifyTotpSetup: { operations: ['VerifySoftwareToken'] },
  updateMe: { operations: ['UpdateUserAttributes', 'GetUser'] },
  sendAttributeCode: { operations: ['GetUserAttributeVerificationCode'] },
  verifyAttribute: { operations: ['VerifyUserAttribute'] },
  deleteAttributes: { operations: ['DeleteUserAttributes'] },
  changePassword: { operations: ['ChangePassword'] },
  signOutEverywhere: { operations: ['GlobalSignOut'] },
  deleteMe: { operations: ['DeleteUser'] },
  // The identity pool's calls, not the user pool's: test/cognito/identity-errors.test.ts checks what they declare.
  getAwsCredentials: { operations: [] },
  getGuestAwsCredentials: { operations: [] },
  // The hosted UI's token endpoint is OAuth, not an SDK operation: its answers are mapped in cognito/oauth-token.ts.
  oauthLogin: { operations: [] },
  oauthCallback: { operations: [] },
  oauthLogout: { operations: [] },
  oauthLogoutHosted: { operations: ['RevokeToken'], passes: code => ERROR_CATALOG[code].status === 429 || ERROR_CATALOG[code].status >= 500 },
  oauthLogoutHostedPost: { operations: ['RevokeToken'], passes: code => ERROR_CATALOG[code].status === 429 || ERROR_CATALOG[code].status >= 500 },
  oauthHandoff: { operations: [] },
  verifyToken: { operations: [] },
  checkToken: { operations: [] },
  health: { operations: [] },
  ready: { operations: [] },
  metrics: { operations: [] },
  localMessages: { operations: [] },
  localDemo: { operations: [] },
  problemIndex: { operations: [] },
  problemPage: { operations: [] },
  adminListUsers: { operations: ['ListUsers'] },
  adminInviteUser: { operations: ['AdminCreateUser'] },
  adminGetUser: { operations: ['AdminUser'] },
  adminUpdateUser: { operations: ['AdminUser'] },
  adminDeleteUser: { operations: ['AdminUser'] },
  adminResendInvite: { operations: ['AdminUser', 'AdminCreateUser'] },
  adminDisableUser: { operations: ['AdminUser'] },
  adminEnableUser: { operations: ['AdminUser'] },
  adminResetPassword: { operations: ['AdminUser'] },
  adminSetPassword: { operations: ['AdminUser'] },
  adminConfirmUser: { operations: ['AdminConfirmSignUp'] },
  adminSignOutUser: { operations: ['AdminUser'] },
  adminListSessions: { operations: ['AdminSessions'] },
  adminRevokeSession: { operations: ['AdminRevokeSession', 'AdminUser'] },
  adminListUserGroups: { operations: ['AdminUser'] },
  adminListGroups: { operations: ['AdminGroups'] },
  adminListGroupMembers: { operations: ['AdminGroups'] },
  adminAddGroupMember: { operations: ['AdminGroups', 'AdminUser'] },
  adminRemoveGroupMember: { operations: ['AdminGroups', 'AdminUser'] },
  adminCreateGroup: { operations: ['AdminCreateGroup'] },
  adminUpdateGroup: { operations: ['AdminGroupChanges'] },
  adminDeleteGroup: { operations: ['AdminGroupChanges'] },
  adminResetMfa: { operations: ['AdminUser', 'AdminMfaReset'] },
  adminListAuthEvents: { operations: ['AdminAuthEvents'] },
  adminAuthEventFeedback: { operations: ['AdminAuthEventFeedback'] },
  adminListDevices: { operations: ['AdminDevices'] },
  adminForgetDevice: { operations: ['AdminForgetDevice'] },
  adminLinkIdentity: { operations: ['AdminIdentities'] },
  adminUnlinkIdentity: { operations: ['AdminUser', 'AdminIdentities'] },
  adminGetAuthFactors: { operations: ['AdminGetUserAuthFactors'] },
  getMyAuthFactors: { operations: ['GetUserAuthFactors'] }
}

t.test('every code Cognito\'s answers can become is declared by the routes that call it', async t => {
  for (const operation of operations) {
    const behind = COGNITO_BEHIND[operation.operationId ?? '']
    if (!t.ok(behind, `${operation.name}: which Cognito operations it calls is listed in COGNITO_BEHIND`) || behind === undefined) continue
    const declared = declaredCodes(operation)
    for (const cognitoOperation of behind.operations) {
      const possible = new Set<ErrorCode>(['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'INTERNAL_ERROR'])
      for (const command of OPERATION_COMMANDS[cognitoOperation]) {
        for (const exception of await declaredExceptions(command)) {
          for (const code of possibleCodes(cognitoOperation, exception)) possible.add(code)
        }
      }
      for (const code of possible) {
        if (behind.passes?.(code) === false) continue
        t.ok(declared.has(code), `${operation.operationId} (${cognitoOperation}) declares ${code} (${ERROR_CATALOG[code].status})`)
      }
    }
  }
})
