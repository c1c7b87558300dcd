/**
 * Rules the schema cannot express: between variables, or inside a list value.
 * Each returns its problems, one line each, naming the variable to change;
 * `loadConfig` reports them all together with the schema's own.
 */
import type { Env } from './environment.js'
import { isLoopback, isOrigin, poolIdRegion, type Derived, type Mode } from './derive.js'

export function crossFieldProblems (env: Env, mode: Mode, derived: Derived): string[] {
  return [
    ...(mode === 'aws' ? awsModeRules(env) : localModeRules(env)),
    ...adminRules(env),
    ...signInRules(env),
    ...(mode === 'aws' ? regionRules(env) : []),
    ...browserRules(env, derived),
    ...hostedUiRules(env, mode, derived),
    ...redisRules(env),
    ...identityPoolRules(env, mode)
  ]
}

function awsModeRules (env: Env): string[] {
  const problems: string[] = []
  if (!env.COGNITO_CLIENT_ID) problems.push('COGNITO_CLIENT_ID: required when COGNITO_USER_POOL_ID is set')
  if (!env.COOKIE_SECRETS) problems.push('COOKIE_SECRETS: required outside local mode (generate one with: openssl rand -base64 48)')
  // Its scheme decides Secure cookies and HSTS: a silent http default would drop both in production.
  if (!env.PUBLIC_URL) problems.push('PUBLIC_URL: required outside local mode (e.g. https://auth.example.com)')
  else if (URL.canParse(env.PUBLIC_URL) && new URL(env.PUBLIC_URL).protocol !== 'https:' && !isLoopback(new URL(env.PUBLIC_URL).hostname)) {
    problems.push('PUBLIC_URL: must be https outside local mode (plain http only for localhost)')
  }
  return problems
}

function localModeRules (env: Env): string[] {
  const problems: string[] = []
  if (env.COGNITO_CLIENT_ID) problems.push('COGNITO_USER_POOL_ID: required when COGNITO_CLIENT_ID is set')
  if (!isLoopback(env.HOST) && !env.LOCAL_EXPOSE) {
    problems.push(`HOST: local mode serves a demo user and every code at /local/messages, so it binds to loopback only; got ${env.HOST}. ` +
      'Set COGNITO_USER_POOL_ID for a real pool, or LOCAL_EXPOSE=true if this is a dev container')
  }
  if (env.COGNITO_DOMAIN !== undefined) {
    problems.push('COGNITO_DOMAIN: local mode serves the emulator\'s own hosted UI; set COGNITO_USER_POOL_ID to use a real pool\'s')
  }
  return problems
}

function adminRules (env: Env): string[] {
  if ((env.ADMIN_SCOPES === '') === (env.ADMIN_CLIENT_IDS === '')) return []
  return ['ADMIN_SCOPES, ADMIN_CLIENT_IDS: set both (which scopes make an admin, on tokens from which clients) or neither']
}

function signInRules (env: Env): string[] {
  if (!env.SIGN_IN_AFTER_CONFIRM || env.LOGIN_FLOW === 'USER_AUTH') return []
  return ['SIGN_IN_AFTER_CONFIRM: needs LOGIN_FLOW=USER_AUTH (the confirmation\'s session signs in through that flow)']
}

/**
 * An explicit COGNITO_REGION must agree with the pool id's; an id without a
 * region prefix is only fine for an emulator at COGNITO_ENDPOINT.
 */
function regionRules (env: Env): string[] {
  const fromId = poolIdRegion(env)
  if (fromId !== undefined) {
    if (env.COGNITO_REGION === undefined || env.COGNITO_REGION === fromId) return []
    return [`COGNITO_REGION: ${env.COGNITO_REGION} differs from the region of COGNITO_USER_POOL_ID (${fromId}); unset it or fix one`]
  }
  if (env.COGNITO_USER_POOL_ID === undefined || env.COGNITO_ENDPOINT !== undefined) return []
  return [`COGNITO_USER_POOL_ID: "${env.COGNITO_USER_POOL_ID}" does not start with an AWS region (e.g. eu-west-1_AbC123)`]
}

function browserRules (env: Env, derived: Derived): string[] {
  const problems = derived.corsOrigins
    .filter(origin => !isOrigin(origin))
    .map(origin => `CORS_ORIGINS: "${origin}" is not an origin like https://app.example.com`)
  if (env.COOKIE_SAMESITE === 'none' && derived.publicUrl.protocol !== 'https:') {
    problems.push('COOKIE_SAMESITE: "none" needs Secure cookies, so PUBLIC_URL must be https')
  }
  return problems
}

/** A hand-off site must be an allowlisted origin: the user is sent there. */
function hostedUiRules (env: Env, mode: Mode, { oauth, hostedUiDomain }: Derived): string[] {
  const problems: string[] = []
  if (!oauth.scopes.includes('openid')) problems.push('OAUTH_SCOPES: must include openid (the callback checks the ID token and its nonce)')
  for (const site of oauth.handoffSites) {
    if (!isOrigin(site.origin)) problems.push(`HANDOFF_SITES: "${site.origin}" is not an origin like https://cms.example.com`)
    else if (!oauth.redirects.some(entry => entry.origin === site.origin)) {
      problems.push(`HANDOFF_SITES: ${site.origin} is not in REDIRECT_ALLOWLIST, so no sign-in can return there`)
    }
  }
  if (mode === 'aws' && env.COGNITO_DOMAIN !== undefined && URL.canParse(env.COGNITO_DOMAIN)) {
    if (!isOrigin(env.COGNITO_DOMAIN)) {
      problems.push(`COGNITO_DOMAIN: "${env.COGNITO_DOMAIN}" must be the domain's origin only, like https://auth.example.com`)
    } else if (new URL(env.COGNITO_DOMAIN).protocol !== 'https:' && !isLoopback(new URL(env.COGNITO_DOMAIN).hostname)) {
      problems.push('COGNITO_DOMAIN: must be https (plain http only for an emulator on localhost)')
    }
  }
  if (hostedUiDomain !== undefined && oauth.redirects.length === 0) {
    problems.push('REDIRECT_ALLOWLIST: required with COGNITO_DOMAIN (where may users be sent back to after the hosted UI?)')
  }
  return problems
}

function redisRules (env: Env): string[] {
  const problems: string[] = []
  if (/[{}]/.test(env.REDIS_KEY_PREFIX)) {
    problems.push('REDIS_KEY_PREFIX: must not contain { or } (a Redis Cluster places each user\'s keys by the {sub} in them)')
  }
  if (env.REDIS_URL === undefined) {
    if (env.REDIS_CLUSTER) problems.push('REDIS_CLUSTER: needs REDIS_URL (a node of the cluster)')
    if (env.REDIS_TLS_CA_FILE !== undefined) problems.push('REDIS_TLS_CA_FILE: needs a rediss:// REDIS_URL')
  } else if (env.REDIS_TLS_CA_FILE !== undefined && !env.REDIS_URL.startsWith('rediss://')) {
    // The URL may carry a password: only its scheme is looked at.
    problems.push('REDIS_TLS_CA_FILE: needs a rediss:// REDIS_URL (TLS)')
  }
  return problems
}

function identityPoolRules (env: Env, mode: Mode): string[] {
  if (env.IDENTITY_POOL_ID !== undefined && mode === 'local') {
    return ['IDENTITY_POOL_ID: local mode has no identity pool, and a real one cannot trust the local emulator\'s tokens; ' +
      'set COGNITO_USER_POOL_ID (with its identity pool) to hand out AWS credentials']
  }
  if (env.IDENTITY_POOL_GUEST && env.IDENTITY_POOL_ID === undefined) return ['IDENTITY_POOL_GUEST: needs IDENTITY_POOL_ID']
  return []
}
