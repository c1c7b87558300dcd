/**
 * What the CDK app deploys: one typed object, read from the CDK context (`cdk.json`'s `"cognitoBff"`, or
 * `-c cognitoBff='{…}'`, or `-c cognitoBffFile=path.json`) over the defaults below, and checked before any
 * construct is made (a wrong value stops the synth with its name).
 */
import { readFileSync } from 'node:fs'

export type LoginFlow = 'USER_PASSWORD_AUTH' | 'ADMIN_USER_PASSWORD_AUTH' | 'USER_AUTH'
export type MfaMode = 'off' | 'optional' | 'required'
export type MfaFactor = 'totp' | 'email' | 'sms'
export type FirstFactor = 'password' | 'emailOtp' | 'smsOtp' | 'passkey'
export type ThreatProtection = 'off' | 'audit' | 'enforced'

/** A secret in Secrets Manager, by ARN or name (a plain string, or a JSON secret's field). */
export interface SecretRef { secret: string, field?: string }

export type OAuthProviderConfig =
  | { type: 'google', clientId: string, clientSecret: SecretRef, scopes?: string[] }
  | { type: 'facebook', clientId: string, clientSecret: SecretRef, scopes?: string[] }
  | { type: 'apple', clientId: string, teamId: string, keyId: string, privateKey: SecretRef, scopes?: string[] }
  | { type: 'oidc', name: string, issuerUrl: string, clientId: string, clientSecret: SecretRef, scopes?: string[] }
  | { type: 'saml', name: string, metadataUrl: string }

export interface GroupConfig {
  name: string
  /** Lower wins when a user is in several groups (Cognito's precedence; also picks `cognito:preferred_role`). */
  precedence: number
  description?: string
  /** Give the group an IAM role the identity pool hands out to its members (no permissions until you add some). */
  identityPoolRole?: boolean
}

/**
 * The pool's Lambda triggers (triggers/src, bundled here); each absent one is off. Secrets by the complete ARN of a
 * Secrets Manager secret (a plain string), read by the function through the Parameters and Secrets extension.
 */
export interface TriggersConfig {
  /** Cognito's e-mails as links to the service's pages (PUBLIC_URL), targets checked against REDIRECT_ALLOWLIST. */
  customMessage?: boolean
  /** A social account's first sign-in linked to the native user with the same verified e-mail (one person, one user). */
  preSignUp?: boolean
  /** Each confirmed user (a social one at first sign-in too) added to `defaultGroup`; optionally a signed webhook. */
  postConfirmation?: { defaultGroup?: string, webhook?: { url: string, secretArn: string } }
  /** Users moved from a legacy user service at their first sign-in or password reset. */
  userMigration?: { legacyUsersUrl: string, secretArn: string }
}

export interface ServiceConfig {
  /** ACM certificate of the HTTPS listener (PUBLIC_URL's host must be on it; point its DNS at the ALB output). */
  certificateArn: string
  desiredCount: number
  minTasks: number
  maxTasks: number
  cpu: number
  memoryMiB: number
}

export interface InfraConfig {
  /** Prefix of resource names. */
  name: string
  /** PUBLIC_URL: the origin browsers reach the service at (https). The OAuth callback is `<publicUrl>/oauth/callback`. */
  publicUrl: string
  /** REDIRECT_ALLOWLIST entries: where the hosted UI may send users after sign-out (the app client's sign-out URLs). */
  redirectAllowlist: string[]
  /** The hosted UI's domain: a prefix on amazoncognito.com, or your own with an ACM certificate in us-east-1. */
  domain: { prefix: string } | { customDomain: string, certificateArn: string }
  selfSignUp: boolean
  signInAliases: { username: boolean, email: boolean }
  loginFlow: LoginFlow
  /** With LOGIN_FLOW=USER_AUTH: the first factors the sign-in policy offers (all but password need ESSENTIALS). */
  firstFactors: FirstFactor[]
  mfa: { mode: MfaMode, factors: MfaFactor[] }
  /** A verified SES identity (in sesRegion): Cognito sends through it. Unset: Cognito's own sender, a few dozen e-mails a day. */
  ses?: { fromEmail: string, fromName?: string, replyTo?: string, sesRegion: string, configurationSet?: string }
  /** Passkeys' relying party (your domain, e.g. `example.com`); needs the custom domain or the prefix domain's host. */
  passkeys?: { relyingPartyId: string, userVerification: 'preferred' | 'required' }
  threatProtection: ThreatProtection
  /** ADMIN_GROUP (always created, precedence 0). */
  adminGroup: string
  groups: GroupConfig[]
  /** ADMIN_SCOPES' resource server: `<identifier>/<scope>`; null: no resource server nor machine-to-machine client. */
  adminApi: { identifier: string, scopes: string[] } | null
  providers: OAuthProviderConfig[]
  /** OAUTH_SCOPES the service asks the hosted UI for. */
  oauthScopes: string[]
  tokens: { accessMinutes: number, idMinutes: number, refreshDays: number, authSessionMinutes: number, rotationGraceSeconds: number | null }
  deletionProtection: boolean
  identityPool: boolean
  /** The Lambda triggers; unset: none. */
  triggers?: TriggersConfig
  /** The service itself on ECS Fargate; null: only Cognito (run the service elsewhere with the outputs). */
  service: ServiceConfig | null
}

export const DEFAULT_CONFIG: InfraConfig = {
  name: 'cognito-bff',
  publicUrl: 'https://auth.example.com',
  redirectAllowlist: ['https://app.example.com'],
  domain: { prefix: 'cognito-bff-example' },
  selfSignUp: true,
  signInAliases: { username: true, email: true },
  loginFlow: 'USER_PASSWORD_AUTH',
  firstFactors: ['password'],
  mfa: { mode: 'optional', factors: ['totp'] },
  threatProtection: 'off',
  adminGroup: 'admins',
  groups: [],
  adminApi: { identifier: 'bff', scopes: ['admin'] },
  providers: [],
  oauthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
  tokens: { accessMinutes: 60, idMinutes: 60, refreshDays: 30, authSessionMinutes: 3, rotationGraceSeconds: 10 },
  deletionProtection: true,
  identityPool: true,
  service: null
}

/** The feature plan the settings need: threat protection needs PLUS, passkeys and first factors other than a password ESSENTIALS. */
export type PlanInputs = Pick<InfraConfig, 'threatProtection' | 'loginFlow' | 'firstFactors' | 'passkeys' | 'mfa'>

export function featurePlanFor (config: PlanInputs): 'LITE' | 'ESSENTIALS' | 'PLUS' {
  if (config.threatProtection !== 'off') return 'PLUS'
  const choiceBased = config.loginFlow === 'USER_AUTH' && config.firstFactors.some(f => f !== 'password')
  if (config.passkeys || choiceBased || config.mfa.factors.includes('email')) return 'ESSENTIALS'
  return 'LITE'
}

function fail (message: string): never {
  throw new Error(`cognito-bff infra config: ${message}`)
}

function httpsOrigin (value: string, name: string, pathAllowed = false): void {
  let url: URL
  try { url = new URL(value) } catch { fail(`${name}: not a URL: ${value}`) }
  if (url.protocol !== 'https:' && url.hostname !== 'localhost') fail(`${name}: must be https: ${value}`)
  if (!pathAllowed && url.pathname !== '/') fail(`${name}: an origin, without a path: ${value}`)
}

/** The checks CloudFormation or Cognito would otherwise make at deploy time, made at synth time. */
export function checkConfig (config: InfraConfig): InfraConfig {
  httpsOrigin(config.publicUrl, 'publicUrl')
  for (const entry of config.redirectAllowlist) httpsOrigin(entry, 'redirectAllowlist', true)
  if (!config.signInAliases.username && !config.signInAliases.email) fail('signInAliases: username, email or both')
  if (!['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'].includes(config.loginFlow)) fail(`loginFlow: ${config.loginFlow}`)
  if (!['off', 'optional', 'required'].includes(config.mfa.mode)) fail(`mfa.mode: ${config.mfa.mode}`)
  if (config.mfa.mode !== 'off' && config.mfa.factors.length === 0) fail('mfa.factors: at least one with mfa on')
  if (!['off', 'audit', 'enforced'].includes(config.threatProtection)) fail(`threatProtection: ${config.threatProtection}`)
  if (config.loginFlow === 'USER_AUTH' && !config.firstFactors.includes('password')) fail('firstFactors: password stays (Cognito requires it)')
  if (config.firstFactors.includes('passkey') && !config.passkeys) fail('firstFactors: passkey needs passkeys.relyingPartyId')
  if (!config.oauthScopes.includes('openid')) fail('oauthScopes: openid is required (the callback checks the ID token)')
  const grace = config.tokens.rotationGraceSeconds
  if (grace !== null && (grace < 0 || grace > 60)) fail('tokens.rotationGraceSeconds: 0 to 60, or null for no rotation')
  if (config.tokens.authSessionMinutes < 3 || config.tokens.authSessionMinutes > 15) fail('tokens.authSessionMinutes: 3 to 15')
  const names = new Set([config.adminGroup])
  for (const group of config.groups) {
    if (names.has(group.name)) fail(`groups: ${group.name} twice`)
    names.add(group.name)
  }
  if (config.adminApi && config.adminApi.scopes.length === 0) fail('adminApi.scopes: at least one, or adminApi: null')
  if ('prefix' in config.domain && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(config.domain.prefix)) {
    fail(`domain.prefix: lower-case letters, digits and hyphens: ${config.domain.prefix}`)
  }
  if (config.ses && !config.ses.sesRegion) fail('ses.sesRegion: the region of the verified identity')
  if (config.service && !config.service.certificateArn.startsWith('arn:')) fail('service.certificateArn: an ACM certificate ARN')
  if (config.triggers) checkTriggers(config.triggers, config)
  return config
}

const secretArn = (value: string, name: string): void => {
  if (!/^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(value)) fail(`${name}: a Secrets Manager secret's complete ARN`)
}

function checkTriggers (triggers: TriggersConfig, config: InfraConfig): void {
  const group = triggers.postConfirmation?.defaultGroup
  // Every new user in the admin group would make everyone an admin.
  if (group === config.adminGroup) fail(`triggers.postConfirmation.defaultGroup: not the admin group (${group})`)
  if (group !== undefined && !config.groups.some(g => g.name === group)) fail(`triggers.postConfirmation.defaultGroup: ${group} is not in groups`)
  const webhook = triggers.postConfirmation?.webhook
  if (webhook) {
    httpsOrigin(webhook.url, 'triggers.postConfirmation.webhook.url', true)
    secretArn(webhook.secretArn, 'triggers.postConfirmation.webhook.secretArn')
  }
  if (triggers.userMigration) {
    httpsOrigin(triggers.userMigration.legacyUsersUrl, 'triggers.userMigration.legacyUsersUrl', true)
    secretArn(triggers.userMigration.secretArn, 'triggers.userMigration.secretArn')
  }
}

/** A node's context as the app reads it (Construct's `node.tryGetContext`). */
export interface ContextReader { tryGetContext (key: string): unknown }

function parsed (value: unknown, name: string): Partial<InfraConfig> {
  if (value === undefined) return {}
  if (typeof value === 'string') {
    try { return JSON.parse(value) as Partial<InfraConfig> } catch { fail(`${name}: not JSON`) }
  }
  if (typeof value === 'object' && value !== null) return value as Partial<InfraConfig>
  return fail(`${name}: an object`)
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Top-level keys replace the defaults'; a settings object (tokens, mfa, signInAliases, service) is merged one level deep. `domain` is replaced. */
export function mergeConfig (base: InfraConfig, override: Partial<InfraConfig>): InfraConfig {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key]
    merged[key] = key !== 'domain' && isObject(current) && isObject(value) ? { ...current, ...value } : value
  }
  return merged as unknown as InfraConfig
}

/** The defaults, then the file named by `cognitoBffFile`, then the `cognitoBff` object; checked. */
export function configFromContext (node: ContextReader): InfraConfig {
  const file = node.tryGetContext('cognitoBffFile')
  const fromFile = typeof file === 'string' ? parsed(readFileSync(file, 'utf8'), file) : {}
  const fromContext = parsed(node.tryGetContext('cognitoBff'), 'cognitoBff')
  return checkConfig(mergeConfig(mergeConfig(DEFAULT_CONFIG, fromFile), fromContext))
}
