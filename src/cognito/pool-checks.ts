/**
 * The pool's settings checked against what the service does with them: a
 * pure function of the config and the pool as Cognito describes it. `fail`
 * rows make the service unusable (it refuses to start), `warn` rows make it
 * weaker than it could be (logged, and `/readyz` says `checks.pool: "warn"`).
 * `npm run doctor` prints the same rows. No row carries a secret: the client
 * secret is reported as "set" or "none".
 */
import type { Config } from '../config/index.js'
import type { PoolDescription } from './pool.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'

/** One setting of the pool or app client, as the service sees it. */
export interface Check {
  /** Where the setting lives in Cognito's answers, e.g. `client.ExplicitAuthFlows`. */
  setting: string
  /** What the pool has, printable (never a secret). */
  poolValue: string
  /** What the service does with that value. */
  whatTheServiceDoes: string
  status: CheckStatus
  /** One line: how to fix it (empty when ok). */
  fix: string
}

/** The flow each LOGIN_FLOW needs on the app client, and its legacy (pre-`ALLOW_`) name where there is one. */
const FLOW_NEEDS: Record<Config['cognito']['loginFlow'], { flow: string, legacy?: string }> = {
  USER_PASSWORD_AUTH: { flow: 'ALLOW_USER_PASSWORD_AUTH', legacy: 'USER_PASSWORD_AUTH' },
  ADMIN_USER_PASSWORD_AUTH: { flow: 'ALLOW_ADMIN_USER_PASSWORD_AUTH', legacy: 'ADMIN_NO_SRP_AUTH' },
  USER_AUTH: { flow: 'ALLOW_USER_AUTH' }
}
/** An app client created without explicit flows gets these. */
const DEFAULT_FLOWS = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH']

const list = (values: readonly string[] | undefined): string => values === undefined || values.length === 0 ? '(none)' : values.join(', ')

function row (setting: string, poolValue: string, status: CheckStatus, whatTheServiceDoes: string, fix = ''): Check {
  return { setting, poolValue, whatTheServiceDoes, status, fix: status === 'ok' ? '' : fix }
}

/** Every check, in the order `npm run doctor` prints them. */
export function checkPool (config: Config, { pool, client, mfa }: PoolDescription): Check[] {
  return [
    ...authFlows(config, client.ExplicitAuthFlows, client.RefreshTokenRotation?.Feature === 'ENABLED'),
    clientSecret(config, client.ClientSecret !== undefined && client.ClientSecret !== ''),
    deviceTracking(pool.DeviceConfiguration),
    ...hostedUi(config, client),
    tokenRevocation(client.EnableTokenRevocation),
    userContext(config, pool.UserPoolAddOns?.AdvancedSecurityMode, client.EnablePropagateAdditionalUserContextData),
    userExistence(client.PreventUserExistenceErrors),
    emailSender(pool.EmailConfiguration?.EmailSendingAccount),
    relyingParty(config, pool.Policies?.SignInPolicy?.AllowedFirstAuthFactors, mfa.WebAuthnConfiguration?.RelyingPartyId)
  ]
}

/** The worst status among `checks` (`ok` when there are none). */
export function worstStatus (checks: readonly Check[]): CheckStatus {
  if (checks.some(check => check.status === 'fail')) return 'fail'
  return checks.some(check => check.status === 'warn') ? 'warn' : 'ok'
}

/** One line for a check that is not ok: the setting, its value, what the service does, and the fix. */
export function describeCheck (check: Check): string {
  return `${check.setting} is ${check.poolValue}: ${check.whatTheServiceDoes} Fix: ${check.fix}`
}

/** The pool makes the service unusable: thrown before the server listens, turned into one line by server.ts. */
export class PoolMisconfiguredError extends Error {
  readonly failures: readonly Check[]
  constructor (failures: readonly Check[]) {
    super(`the user pool's settings make the service unusable: ${failures.map(describeCheck).join(' | ')}`)
    this.name = 'PoolMisconfiguredError'
    this.failures = failures
  }
}

function authFlows (config: Config, listed: readonly string[] | undefined, rotation: boolean): Check[] {
  const flows = listed === undefined || listed.length === 0 ? DEFAULT_FLOWS : listed
  // Legacy values (no ALLOW_ prefix) cannot be mixed with ALLOW_ ones; with them, refresh is always allowed.
  const legacy = !flows.some(flow => flow.startsWith('ALLOW_'))
  const { flow, legacy: legacyName } = FLOW_NEEDS[config.cognito.loginFlow]
  const signIn = flows.includes(flow) || (legacy && legacyName !== undefined && flows.includes(legacyName))
  // With refresh-token rotation on, Cognito refuses ALLOW_REFRESH_TOKEN_AUTH and refreshes only through
  // GetTokensFromRefreshToken, which is what the service sends.
  const refresh = flows.includes('ALLOW_REFRESH_TOKEN_AUTH') || legacy || rotation
  return [
    row('client.ExplicitAuthFlows (sign-in)', list(flows), signIn ? 'ok' : 'fail',
      signIn
        ? `LOGIN_FLOW=${config.cognito.loginFlow} signs users in with ${flow}.`
        : `LOGIN_FLOW=${config.cognito.loginFlow} needs ${flow}: every sign-in would be refused.`,
      `add ${flow} to the app client's authentication flows, or set LOGIN_FLOW to a flow the client allows.`),
    row('client.ExplicitAuthFlows (refresh)', list(flows), refresh ? 'ok' : 'fail',
      refresh
        ? `Refresh renews sessions with the refresh token${rotation ? ' (GetTokensFromRefreshToken, rotating it)' : ''}.`
        : 'Refresh needs ALLOW_REFRESH_TOKEN_AUTH: every session would end at the access token\'s expiry.',
      'add ALLOW_REFRESH_TOKEN_AUTH to the app client\'s authentication flows, or turn refresh-token rotation on.')
  ]
}

function clientSecret (config: Config, clientHasOne: boolean): Check {
  const configured = config.pool.clientSecret !== undefined
  const poolValue = clientHasOne ? 'set' : 'none'
  if (configured === clientHasOne) {
    return row('client.ClientSecret', poolValue, 'ok', clientHasOne
      ? 'SECRET_HASH is sent with every call that names a user (COGNITO_CLIENT_SECRET).'
      : 'No SECRET_HASH is sent (no COGNITO_CLIENT_SECRET).')
  }
  return configured
    ? row('client.ClientSecret', poolValue, 'fail', 'COGNITO_CLIENT_SECRET is set but the client has no secret: Cognito refuses every SECRET_HASH.',
      'unset COGNITO_CLIENT_SECRET, or use an app client that has a secret.')
    : row('client.ClientSecret', poolValue, 'fail',
      'The client has a secret but COGNITO_CLIENT_SECRET is unset: Cognito refuses every call without SECRET_HASH.',
      'set COGNITO_CLIENT_SECRET to the app client\'s secret (see the client in the Cognito console).')
}

function deviceTracking (device: PoolDescription['pool']['DeviceConfiguration']): Check {
  // Cognito answers null when devices are not remembered; any property set turns remembering on.
  const on = device != null && (device.ChallengeRequiredOnNewDevice !== undefined || device.DeviceOnlyRememberedOnUserPrompt !== undefined)
  const poolValue = !on ? 'off' : device.DeviceOnlyRememberedOnUserPrompt === true ? 'user opt-in' : 'always'
  return row('pool.DeviceConfiguration', poolValue, on ? 'fail' : 'ok',
    on
      ? 'Refresh sends no device key, and Cognito binds refresh tokens to devices: every refresh would fail.'
      : 'Refresh sends no device key, as a pool that does not remember devices expects.',
    'set the pool\'s "Remember user devices" to "Don\'t remember" (UpdateUserPool without DeviceConfiguration).')
}

function hostedUi (config: Config, client: PoolDescription['client']): Check[] {
  if (config.hostedUiDomain === undefined) {
    return [row('client.CallbackURLs', list(client.CallbackURLs), 'ok',
      'No /oauth/* routes (COGNITO_DOMAIN unset): hosted-UI settings are not used.')]
  }
  const callback = config.oauth.callbackUrl
  const registered = (client.CallbackURLs ?? []).includes(callback)
  const codeGrant = client.AllowedOAuthFlowsUserPoolClient === true && (client.AllowedOAuthFlows ?? []).includes('code')
  const scopes = client.AllowedOAuthScopes ?? []
  const missingScopes = config.oauth.scopes.filter(scope => !scopes.includes(scope))
  const providers = client.SupportedIdentityProviders ?? []
  const missingProviders = config.oauth.providers.filter(provider => !providers.includes(provider))
  const logoutUrls = client.LogoutURLs ?? []
  const unregistered = config.oauth.redirects.filter(({ origin, pathPrefix }) => !logoutUrls.some(url => {
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    return parsed !== undefined && parsed.origin === origin && parsed.pathname.startsWith(pathPrefix)
  })).map(({ origin, pathPrefix }) => origin + pathPrefix)
  return [
    row('client.CallbackURLs', list(client.CallbackURLs), registered ? 'ok' : 'fail',
      registered
        ? `/oauth/login sends users to the hosted UI with redirect_uri ${callback}.`
        : `/oauth/login sends redirect_uri ${callback}, which the client does not list: every hosted-UI sign-in would be refused.`,
      `add ${callback} to the app client's callback URLs (PUBLIC_URL + /oauth/callback).`),
    row('client.AllowedOAuthFlows', `${list(client.AllowedOAuthFlows)}${client.AllowedOAuthFlowsUserPoolClient === true ? '' : ' (OAuth off)'}`,
      codeGrant ? 'ok' : 'fail',
      codeGrant
        ? '/oauth/* uses the authorization code grant with PKCE.'
        : '/oauth/* uses the authorization code grant, which the client does not allow: every hosted-UI sign-in would be refused.',
      'turn on OAuth for the app client with the "Authorization code grant" flow.'),
    row('client.AllowedOAuthScopes', list(client.AllowedOAuthScopes), missingScopes.length === 0 ? 'ok' : 'fail',
      missingScopes.length === 0
        ? `/oauth/login asks for OAUTH_SCOPES (${config.oauth.scopes.join(' ')}).`
        : `/oauth/login asks for ${missingScopes.join(', ')}, which the client does not allow: every hosted-UI sign-in would be refused.`,
      `allow ${missingScopes.join(', ')} on the app client, or remove them from OAUTH_SCOPES.`),
    row('client.SupportedIdentityProviders', list(client.SupportedIdentityProviders), missingProviders.length === 0 ? 'ok' : 'warn',
      missingProviders.length === 0
        ? `/oauth/login?provider= accepts OAUTH_PROVIDERS (${config.oauth.providers.join(', ')}).`
        : `/oauth/login?provider= accepts ${missingProviders.join(', ')}, which the client does not support: those sign-ins fail at the hosted UI.`,
      `enable ${missingProviders.join(', ')} on the app client, or remove them from OAUTH_PROVIDERS.`),
    row('client.LogoutURLs', list(client.LogoutURLs), unregistered.length === 0 ? 'ok' : 'warn',
      unregistered.length === 0
        ? '/oauth/logout returns to a REDIRECT_ALLOWLIST target through Cognito\'s /logout.'
        : `/oauth/logout may return to ${unregistered.join(', ')} (REDIRECT_ALLOWLIST), which no sign-out URL covers: Cognito refuses those.`,
      `add the pages users return to after sign-out under ${unregistered.join(', ')} to the app client's sign-out URLs.`)
  ]
}

function tokenRevocation (enabled: boolean | undefined): Check {
  // An app client created without the setting has revocation on.
  const on = enabled !== false
  return row('client.EnableTokenRevocation', String(on), on ? 'ok' : 'warn',
    on
      ? 'Logout revokes the refresh token (RevokeToken): its access and ID tokens stop working at Cognito too.'
      : 'Logout clears the cookies and answers 204, but cannot revoke at Cognito: only the service\'s own sign-out mark refuses the tokens.',
    'turn on token revocation for the app client (UpdateUserPoolClient EnableTokenRevocation=true); tokens issued before keep no jti.')
}

function userContext (config: Config, mode: string | undefined, propagated: boolean | undefined): Check {
  const threatProtection = mode === 'AUDIT' || mode === 'ENFORCED'
  const poolValue = `${String(propagated === true)} (threat protection ${mode ?? 'OFF'})`
  if (!threatProtection || propagated === true) {
    return row('client.EnablePropagateAdditionalUserContextData', poolValue, 'ok', threatProtection
      ? 'Public calls carry the user\'s address in UserContextData, and Cognito\'s threat protection sees it.'
      : 'No threat protection: the user\'s address is sent but not judged.')
  }
  return row('client.EnablePropagateAdditionalUserContextData', poolValue, 'warn',
    'Threat protection judges public calls (sign-up, sign-in, recovery) by the service\'s address, not the user\'s: ' +
      'one user\'s risk blocks everyone.',
    config.pool.clientSecret === undefined
      ? 'turn on EnablePropagateAdditionalUserContextData on an app client with a secret, and set COGNITO_CLIENT_SECRET.'
      : 'turn on EnablePropagateAdditionalUserContextData on the app client.')
}

function userExistence (value: string | undefined): Check {
  const on = value === 'ENABLED'
  return row('client.PreventUserExistenceErrors', value ?? 'LEGACY', on ? 'ok' : 'warn',
    on
      ? 'Cognito answers unknown and known users alike, as the service does.'
      : 'The service answers unknown users as it answers known ones, but Cognito tells them apart (UserNotFoundException), ' +
        'and sooner: timing can tell.',
    'set the app client\'s "Prevent user existence errors" to ENABLED.')
}

function emailSender (account: string | undefined): Check {
  const fallback = account === undefined || account === 'COGNITO_DEFAULT'
  return row('pool.EmailConfiguration.EmailSendingAccount', account ?? 'COGNITO_DEFAULT', fallback ? 'warn' : 'ok',
    fallback
      ? 'Codes go out through Cognito\'s own sender, which allows only a limited number of e-mails a day: past it, sign-up and ' +
        'recovery codes are not sent (the account exists, the code never arrives).'
      : 'Codes go out through the pool\'s own SES identity.',
    'configure the pool to send e-mail with Amazon SES (EmailSendingAccount DEVELOPER).')
}

/** Whether `rpId` is `host` or a parent domain of it (a WebAuthn relying party the page at `host` may use). */
export function isRegistrableSuffix (rpId: string, host: string): boolean {
  const id = rpId.toLowerCase().replace(/\.$/, '')
  const name = host.toLowerCase().replace(/\.$/, '')
  if (id === name) return true
  // A bare top-level label (`com`) is never a relying party; a public suffix (`co.uk`) is refused by browsers.
  return id.includes('.') && name.endsWith(`.${id}`)
}

function relyingParty (config: Config, firstFactors: readonly string[] | undefined, rpId: string | undefined): Check {
  const passkeys = config.cognito.loginFlow === 'USER_AUTH' && (firstFactors ?? []).includes('WEB_AUTHN')
  const host = config.publicUrl.hostname
  const poolValue = rpId ?? '(unset: the pool\'s domain)'
  if (!passkeys) {
    return row('mfa.WebAuthnConfiguration.RelyingPartyId', poolValue, 'ok', 'Passkey sign-in is not in use (LOGIN_FLOW=USER_AUTH with WEB_AUTHN).')
  }
  const fits = rpId !== undefined && isRegistrableSuffix(rpId, host)
  return row('mfa.WebAuthnConfiguration.RelyingPartyId', poolValue, fits ? 'ok' : 'warn',
    fits
      ? `Passkeys made on pages under ${rpId} work with /me/passkeys and passkey sign-in.`
      : `Browsers refuse passkeys for a relying party that is not ${host} or a parent domain of it: ` +
        '/me/passkeys and passkey sign-in fail from pages there.',
    `set the pool's passkey relying party to ${host} or a parent domain of it (SetUserPoolMfaConfig WebAuthnConfiguration.RelyingPartyId).`)
}
