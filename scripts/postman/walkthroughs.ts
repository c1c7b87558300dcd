/**
 * The README's walkthroughs as Postman folders: each step names a contract operation (the request comes
 * from the converter's), with the body and query the walkthrough sends and the scripts that assert each
 * answer and carry what it returned (tokens, codes, the TOTP secret) to the next step.
 */
import { authenticated, newestCode, newUser, problem, status, storeTokens, totpCode } from './scripts.js'

export interface Step {
  name: string
  /** The operation, as `METHOD /path/{param}` in the contract. */
  operation: string
  body?: Record<string, unknown>
  query?: Record<string, string>
  path?: Record<string, string>
  /** Bearer {{accessToken}} from the collection, else none. */
  authenticated?: boolean
  prerequest?: string
  test: string
}

export interface Walkthrough {
  name: string
  description: string
  steps: Step[]
}

const signUpAndConfirm: Step[] = [
  {
    name: 'Sign up',
    operation: 'POST /auth/signup',
    prerequest: newUser,
    body: { username: '{{username}}', password: '{{password}}', email: '{{username}}@example.com', attributes: { given_name: 'Postman' } },
    test: `${status(201, 'signed up')}
pm.test('the account exists, not confirmed yet', () => {
  const body = pm.response.json()
  pm.expect(body.username).to.equal(pm.collectionVariables.get('username'))
  pm.expect(body.confirmed).to.equal(false)
  pm.expect(body.codeDelivery.medium).to.equal('EMAIL')
})`
  },
  {
    name: 'Read the code from /local/messages',
    operation: 'GET /local/messages',
    query: { username: '{{username}}' },
    test: newestCode('SignUp')
  },
  {
    name: 'Confirm the account',
    operation: 'POST /auth/signup/confirm',
    body: { username: '{{username}}', code: '{{code}}' },
    test: `${status(200, 'confirmed')}
pm.test('status: confirmed', () => { pm.expect(pm.response.json().status).to.equal('confirmed') })`
  }
]

const login: Step = {
  name: 'Sign in (tokens in the body)',
  operation: 'POST /auth/login',
  body: { username: '{{username}}', password: '{{password}}', tokenDelivery: 'body' },
  test: authenticated()
}

const me: Step = {
  name: 'Who am I (/me)',
  operation: 'GET /me',
  authenticated: true,
  test: `${status(200, '/me')}
pm.test('the signed-in user, with the attributes of the sign-up', () => {
  const body = pm.response.json()
  pm.expect(body.username).to.equal(pm.collectionVariables.get('username'))
  pm.expect(body.attributes.email).to.equal(pm.collectionVariables.get('username') + '@example.com')
  pm.expect(body.attributes.given_name).to.equal('Postman')
})`
}

export const walkthroughs: Walkthrough[] = [
  {
    name: 'Walkthrough: sign-up to logout',
    description: 'Sign up, read the code from /local/messages (local mode), confirm, sign in with the tokens in the body, /me, refresh, ' +
      'log out: the old access token is then refused.',
    steps: [
      ...signUpAndConfirm,
      login,
      me,
      {
        name: 'Refresh the tokens',
        operation: 'POST /auth/refresh',
        body: { refreshToken: '{{refreshToken}}', tokenDelivery: 'body' },
        test: `${status(200, 'refreshed')}
pm.test('new access and ID tokens, no new refresh token', () => {
  const body = pm.response.json()
  pm.expect(body.status).to.equal('authenticated')
  pm.expect(body.tokens.accessToken).to.be.a('string').and.not.empty
  pm.expect(body.tokens).to.not.have.property('refreshToken')
})
${storeTokens}`
      },
      { ...me, name: '/me with the refreshed token' },
      {
        name: 'Log out',
        operation: 'POST /auth/logout',
        body: { refreshToken: '{{refreshToken}}' },
        test: status(204, 'logged out')
      },
      { ...me, name: '/me after logout is refused', test: problem(401, 'TOKEN_INVALID') }
    ]
  },
  {
    name: 'Walkthrough: forgot and reset the password',
    description: 'A new account forgets its password: the reset code from /local/messages sets a new one; ' +
      'the old password no longer signs in, the new one does.',
    steps: [
      ...signUpAndConfirm,
      {
        name: 'Forgot the password',
        operation: 'POST /auth/password/forgot',
        body: { username: '{{username}}' },
        test: `${status(202, 'forgot')}
pm.test('status: sent', () => { pm.expect(pm.response.json().status).to.equal('sent') })`
      },
      {
        name: 'Read the reset code from /local/messages',
        operation: 'GET /local/messages',
        query: { username: '{{username}}' },
        test: newestCode('ForgotPassword')
      },
      {
        name: 'Reset the password',
        operation: 'POST /auth/password/reset',
        body: { username: '{{username}}', code: '{{code}}', password: '{{newPassword}}' },
        test: status(200, 'reset')
      },
      {
        name: 'Sign in with the old password is refused',
        operation: 'POST /auth/login',
        body: { username: '{{username}}', password: '{{password}}', tokenDelivery: 'body' },
        test: problem(401, 'INVALID_CREDENTIALS')
      },
      {
        name: 'Sign in with the new password',
        operation: 'POST /auth/login',
        body: { username: '{{username}}', password: '{{newPassword}}', tokenDelivery: 'body' },
        test: authenticated()
      }
    ]
  },
  {
    name: 'Walkthrough: TOTP',
    description: 'A new account enrols an authenticator app: the TOTP secret from POST /me/mfa/totp, a code computed in the script ' +
      '(RFC 6238, CryptoJS), verify, turn TOTP on; the next sign-in answers the SOFTWARE_TOKEN_MFA challenge, answered with the current code.',
    steps: [
      ...signUpAndConfirm,
      login,
      {
        name: 'Ask for a TOTP secret',
        operation: 'POST /me/mfa/totp',
        authenticated: true,
        test: `${status(200, 'TOTP secret')}
pm.test('a base32 secret, its otpauth URI and a QR code', () => {
  const body = pm.response.json()
  pm.expect(body.secret).to.match(/^[A-Z2-7]+=*$/)
  pm.expect(body.otpauthUri).to.include('secret=' + body.secret)
  pm.expect(body.qrCode).to.match(/^data:image\\/svg\\+xml;base64,/)
  pm.collectionVariables.set('totpSecret', body.secret)
})`
      },
      {
        name: 'Verify the first code',
        operation: 'POST /me/mfa/totp/verify',
        authenticated: true,
        prerequest: totpCode,
        body: { code: '{{totpCode}}', deviceName: 'Postman' },
        test: status(204, 'verified')
      },
      {
        name: 'Turn TOTP on, preferred',
        operation: 'PUT /me/mfa',
        authenticated: true,
        body: { totp: { enabled: true, preferred: true } },
        test: `${status(200, 'MFA set')}
pm.test('TOTP enabled and preferred', () => {
  const body = pm.response.json()
  pm.expect(body.enabled).to.include('TOTP')
  pm.expect(body.preferred).to.equal('TOTP')
})`
      },
      {
        name: 'Sign in: the TOTP challenge',
        operation: 'POST /auth/login',
        body: { username: '{{username}}', password: '{{password}}', tokenDelivery: 'body' },
        test: `${status(200, 'challenged')}
pm.test('the SOFTWARE_TOKEN_MFA challenge, with its session', () => {
  const body = pm.response.json()
  pm.expect(body.status).to.equal('challenge')
  pm.expect(body.challenge).to.equal('SOFTWARE_TOKEN_MFA')
  pm.expect(body.session).to.be.a('string').and.not.empty
  pm.collectionVariables.set('session', body.session)
})`
      },
      {
        name: 'Answer with the current code',
        operation: 'POST /auth/challenge',
        prerequest: totpCode,
        body: { username: '{{username}}', challenge: 'SOFTWARE_TOKEN_MFA', session: '{{session}}', code: '{{totpCode}}', tokenDelivery: 'body' },
        test: authenticated()
      }
    ]
  },
  {
    name: 'Walkthrough: admin',
    description: 'Sign in as local mode\'s admin (`admin`, in the admins group; its password is the demo password, LOCAL_DEMO_PASSWORD), ' +
      'list the users, read a user\'s groups.',
    steps: [
      {
        name: 'Sign in as the admin',
        operation: 'POST /auth/login',
        body: { username: '{{adminUsername}}', password: '{{adminPassword}}', tokenDelivery: 'body' },
        test: authenticated('adminUsername')
      },
      {
        name: 'List the users',
        operation: 'GET /admin/users',
        authenticated: true,
        test: `${status(200, 'users')}
pm.test('the admin and the demo user are listed', () => {
  const names = pm.response.json().users.map(user => user.username)
  pm.expect(names).to.include(pm.variables.get('adminUsername'))
  pm.expect(names).to.include('demo')
})`
      },
      {
        name: 'The admin\'s groups',
        operation: 'GET /admin/users/{username}/groups',
        authenticated: true,
        path: { username: '{{adminUsername}}' },
        test: `${status(200, 'groups')}
pm.test('the admin is in the admins group', () => {
  pm.expect(pm.response.json().groups.map(group => group.name)).to.include('admins')
})`
      }
    ]
  }
]
