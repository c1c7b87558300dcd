/**
 * The Postman scripts the walkthroughs run (pre-request and test), as source text. They run in Postman's
 * sandbox (and newman's): `pm`, `require('crypto-js')`, no Node modules. Each is a function of its
 * parameters so the walkthroughs read as steps.
 */

/** Lines of a script, as a collection's `exec` holds them. */
export function lines (source: string): string[] {
  return source.trim().split('\n')
}

/** Starts a walkthrough: a username no earlier run used, and its password. */
export const newUser = `
pm.collectionVariables.set('username', 'pm-' + Date.now())
pm.collectionVariables.set('password', 'Correct-Horse-9')
pm.collectionVariables.set('newPassword', 'New-Password-77')
for (const name of ['accessToken', 'idToken', 'refreshToken', 'code', 'session', 'totpSecret', 'totpCode']) pm.collectionVariables.unset(name)
`

/** Asserts the status, and that the body is JSON. */
export function status (code: number, what: string): string {
  return `
pm.test('${what}: status ${code}', () => { pm.response.to.have.status(${code}) })
`
}

/** Asserts the status and a problem document's `code`. */
export function problem (code: number, errorCode: string): string {
  return `
pm.test('answers ${code} ${errorCode} (problem+json)', () => {
  pm.response.to.have.status(${code})
  pm.expect(pm.response.headers.get('Content-Type')).to.include('application/problem+json')
  pm.expect(pm.response.json().code).to.equal('${errorCode}')
})
`
}

/**
 * Stores the tokens of an answer with tokenDelivery "body" (login, refresh, a challenge's answer) in the
 * collection variables every authenticated request reads (the collection's Bearer {{accessToken}}). Refresh
 * answers no refresh token: the one kept goes on being used.
 */
export const storeTokens = `
const signedIn = pm.response.code === 200 ? pm.response.json() : {}
if (signedIn.tokens) {
  pm.collectionVariables.set('accessToken', signedIn.tokens.accessToken)
  pm.collectionVariables.set('idToken', signedIn.tokens.idToken)
  if (signedIn.tokens.refreshToken) pm.collectionVariables.set('refreshToken', signedIn.tokens.refreshToken)
}
`

/** Asserts a sign-in with the tokens in the body (and stores them). */
export function authenticated (usernameVariable = 'username'): string {
  return `
pm.test('signed in: 200, authenticated, the tokens in the body', () => {
  pm.response.to.have.status(200)
  const body = pm.response.json()
  pm.expect(body.status).to.equal('authenticated')
  pm.expect(body.username).to.equal(pm.variables.get('${usernameVariable}'))
  pm.expect(body.tokens.accessToken).to.be.a('string').and.not.empty
  pm.expect(body.tokens.idToken).to.be.a('string').and.not.empty
  pm.expect(body.tokens.tokenType).to.equal('Bearer')
})
${storeTokens}`
}

/** Reads the newest code sent to {{username}} from GET /local/messages into {{code}}. */
export function newestCode (kind: string): string {
  return `
pm.test('the newest message to the user is a ${kind} code', () => {
  pm.response.to.have.status(200)
  const messages = pm.response.json()
  pm.expect(messages).to.be.an('array').that.is.not.empty
  pm.expect(messages[0].username).to.equal(pm.collectionVariables.get('username'))
  pm.expect(messages[0].kind).to.equal('${kind}')
  pm.expect(messages[0].code).to.match(/^\\d{6}$/)
  pm.collectionVariables.set('code', messages[0].code)
})
`
}

/**
 * The current TOTP code of {{totpSecret}} into {{totpCode}}: RFC 6238 (HMAC-SHA1, 30-second steps, 6 digits)
 * over the base32 secret, with the sandbox's CryptoJS, as an authenticator app computes it.
 */
export const totpCode = `
const hmac = require('crypto-js')
function totp (secret, now) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const character of secret.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(character)
    if (value < 0) throw new Error('the TOTP secret is not base32')
    bits += value.toString(2).padStart(5, '0')
  }
  let key = ''
  for (let i = 0; i + 8 <= bits.length; i += 8) key += parseInt(bits.slice(i, i + 8), 2).toString(16).padStart(2, '0')
  const counter = Math.floor(now / 30000).toString(16).padStart(16, '0')
  const mac = hmac.HmacSHA1(hmac.enc.Hex.parse(counter), hmac.enc.Hex.parse(key)).toString(hmac.enc.Hex)
  const offset = parseInt(mac.slice(-1), 16)
  const binary = parseInt(mac.slice(offset * 2, offset * 2 + 8), 16) & 0x7fffffff
  return String(binary % 1000000).padStart(6, '0')
}
pm.collectionVariables.set('totpCode', totp(pm.collectionVariables.get('totpSecret'), Date.now()))
`
