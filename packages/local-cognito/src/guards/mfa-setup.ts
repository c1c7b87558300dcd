/**
 * MFA set-up during sign-in (the MFA_SETUP challenge), which cognito-local
 * lacks, answered as Cognito does for a pool with MFA required (LOCAL_MFA=
 * required: MfaConfiguration ON):
 *  - a password sign-in (InitiateAuth, or the NEW_PASSWORD_REQUIRED answer)
 *    of a user with no MFA factor answers ChallengeName MFA_SETUP with a
 *    Session and MFAS_CAN_SETUP; no tokens (the emulator would refuse the
 *    sign-in outright, or, after a new password, issue tokens);
 *  - AssociateSoftwareToken with that Session: a new secret and a new Session;
 *  - VerifySoftwareToken with that Session and a code: Status SUCCESS and a
 *    new Session; a wrong code is EnableSoftwareTokenMFAException "Code
 *    mismatch", and the session stays for another try;
 *  - RespondToAuthChallenge MFA_SETUP with the verified Session: TOTP is on
 *    (and preferred) for the user, and the sign-in's tokens.
 * Each session is good for one step, 3 minutes; anything else is
 * NotAuthorizedException "Invalid session for the user, session is expired."
 *
 * With an access token, VerifySoftwareToken only verifies the authenticator,
 * as in Cognito: cognito-local would also turn TOTP on at once, which Cognito
 * leaves to SetUserMFAPreference.
 */
import { randomBytes } from 'node:crypto'
import { CognitoError, InvalidParameterError, NotAuthorizedError } from 'cognito-local/lib/errors.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import { generateSecret, verify } from 'cognito-local/lib/services/totp.js'
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService.js'
import type { LocalGuard, Route } from '../local-layer.ts'
import { CHALLENGE_SESSION_MS, rememberChallengeSession } from './challenge-sessions.ts'
import { decodeJwt } from './jwt.ts'
import { poolOf, userOf } from './lookup.ts'
import { tokenSessions } from './token-sessions.ts'

interface Request {
  ClientId?: unknown
  UserPoolId?: unknown
  AuthFlow?: unknown
  Session?: unknown
  AccessToken?: unknown
  UserCode?: unknown
  FriendlyDeviceName?: unknown
  ChallengeName?: unknown
  AuthParameters?: Record<string, unknown>
  ChallengeResponses?: Record<string, unknown>
}

/** Where a set-up is: challenged (to associate), associated (to verify), verified (to answer). */
interface SetUp {
  step: 'challenged' | 'associated' | 'verified'
  poolId: string
  clientId: string
  username: string
  expiresAt: number
  secret?: string
  deviceName?: string
}

/** Set-ups in progress by session; a restart ends them, which only means signing in again. */
const setUps = new Map<string, SetUp>()

const PASSWORD_FLOWS = new Set(['USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH'])
const ANSWERS = new Set(['RespondToAuthChallenge', 'AdminRespondToAuthChallenge'])
const expired = () => new NotAuthorizedError('Invalid session for the user, session is expired.')

export const mfaSetup: LocalGuard = {
  name: 'MFA set-up during sign-in (MFA_SETUP)',
  targets: [
    'InitiateAuth', 'AdminInitiateAuth', 'RespondToAuthChallenge', 'AdminRespondToAuthChallenge', 'AssociateSoftwareToken', 'VerifySoftwareToken'
  ],
  wrap: (target, next, services) => async (ctx, req: Request) => {
    if (target === 'AssociateSoftwareToken') return req.AccessToken === undefined ? await associate(services, req) : await next(ctx, req)
    if (target === 'VerifySoftwareToken') {
      return req.AccessToken === undefined ? await verifySetUp(services, req) : await verifyOnly(next, services, ctx, req)
    }
    if (ANSWERS.has(target) && req.ChallengeName === 'MFA_SETUP') return await answer(services, ctx, req)
    if (ANSWERS.has(target) && req.ChallengeName !== 'NEW_PASSWORD_REQUIRED') return await next(ctx, req)
    if (!ANSWERS.has(target) && !PASSWORD_FLOWS.has(String(req.AuthFlow))) return await next(ctx, req)

    // A password sign-in, or a new password: the password is right here (the password guard ran first).
    const pool = await poolOf(services, ctx, req)
    const username = ANSWERS.has(target) ? req.ChallengeResponses?.USERNAME : req.AuthParameters?.USERNAME
    const user = await userOf(pool, ctx, username)
    const setUpNow = pool?.options.MfaConfiguration === 'ON' && user !== undefined && !hasMfa(user)
    if (!setUpNow || (!ANSWERS.has(target) && user.UserStatus !== 'CONFIRMED')) return await next(ctx, req)
    // After a new password, the password is changed; the tokens wait for the set-up.
    if (ANSWERS.has(target)) await next(ctx, req)
    return challenge(services, pool, String(req.ClientId), user.Username)
  }
}

function hasMfa (user: User): boolean {
  return (user.UserMFASettingList ?? []).length > 0 || (user.MFAOptions ?? []).length > 0
}

function challenge (services: Services, pool: UserPoolService, clientId: string, username: string) {
  const session = begin(services, { step: 'challenged', poolId: pool.options.Id, clientId, username })
  // The challenge-sessions guard (which runs first) keeps this session for the answer's user, challenge and client.
  const ChallengeParameters = { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: username }
  return { ChallengeName: 'MFA_SETUP', Session: session, ChallengeParameters }
}

function begin (services: Services, setUp: Omit<SetUp, 'expiresAt'>): string {
  const now = services.clock.get().getTime()
  for (const [session, pending] of setUps) if (pending.expiresAt <= now) setUps.delete(session)
  const session = randomBytes(96).toString('base64')
  setUps.set(session, { ...setUp, expiresAt: now + CHALLENGE_SESSION_MS })
  return session
}

/** The set-up a session is at, if it is at `step`; used up (a new session follows each step). */
function take (services: Services, session: unknown, step: SetUp['step']): [string, SetUp] {
  const setUp = typeof session === 'string' ? setUps.get(session) : undefined
  if (setUp === undefined || setUp.step !== step || setUp.expiresAt <= services.clock.get().getTime()) throw expired()
  setUps.delete(session as string)
  return [session as string, setUp]
}

async function associate (services: Services, req: Request) {
  if (req.Session === undefined) throw new InvalidParameterError('Either AccessToken or Session is required')
  // A second AssociateSoftwareToken in the same sign-in replaces the secret.
  const setUp = typeof req.Session === 'string' && setUps.get(req.Session)?.step === 'associated'
    ? take(services, req.Session, 'associated')[1]
    : take(services, req.Session, 'challenged')[1]
  const secret = generateSecret()
  return { SecretCode: secret, Session: begin(services, { ...setUp, step: 'associated', secret }) }
}

async function verifySetUp (services: Services, req: Request) {
  if (typeof req.UserCode !== 'string') throw new InvalidParameterError('Missing required parameter UserCode')
  const [session, setUp] = take(services, req.Session, 'associated')
  if (!verify(setUp.secret ?? '', req.UserCode)) {
    setUps.set(session, setUp)
    throw new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch')
  }
  const deviceName = typeof req.FriendlyDeviceName === 'string' ? req.FriendlyDeviceName : undefined
  const next = begin(services, { ...setUp, step: 'verified', ...(deviceName === undefined ? {} : { deviceName }) })
  rememberChallengeSession(services, next, { username: setUp.username, challenge: 'MFA_SETUP', clientId: setUp.clientId })
  return { Status: 'SUCCESS', Session: next }
}

async function answer (services: Services, ctx: Context, req: Request) {
  const [, setUp] = take(services, req.Session, 'verified')
  const pool = await poolOf(services, ctx, req)
  const user = await userOf(pool, ctx, req.ChallengeResponses?.USERNAME)
  if (!pool || !user || user.Username !== setUp.username || pool.options.Id !== setUp.poolId) throw expired()
  const enrolled: User = {
    ...user,
    SoftwareTokenMfaConfiguration: { Secret: setUp.secret ?? '', Verified: true, FriendlyDeviceName: setUp.deviceName },
    UserMFASettingList: [...new Set([...(user.UserMFASettingList ?? []), 'SOFTWARE_TOKEN_MFA'])],
    PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
    UserLastModifiedDate: services.clock.get()
  } as User
  await pool.saveUser(ctx, enrolled)
  const client = await services.cognito.getAppClient(ctx, String(req.ClientId))
  if (!client) throw new NotAuthorizedError('Client does not exist.')
  const groups = await pool.listUserGroupMembership(ctx, enrolled)
  const mint: Route = async () => ({
    ChallengeParameters: {},
    AuthenticationResult: await services.tokenGenerator.generate(ctx, enrolled, groups, client, undefined, 'Authentication')
  })
  // The token-sessions guard keeps the refresh token and adds origin_jti, as for every sign-in.
  return await tokenSessions.wrap('RespondToAuthChallenge', mint, services)(ctx, req)
}

/** VerifySoftwareToken with an access token: the authenticator is verified; whether TOTP is on stays as it was. */
async function verifyOnly (next: Route, services: Services, ctx: Context, req: Request) {
  const pool = await poolOf(services, ctx, { AccessToken: req.AccessToken })
  const claims = decodeJwt(req.AccessToken)
  const before = await userOf(pool, ctx, claims?.username ?? claims?.sub)
  const out = await next(ctx, req)
  const after = await userOf(pool, ctx, before?.Username)
  if (pool && before && after) {
    await pool.saveUser(ctx, { ...after, UserMFASettingList: before.UserMFASettingList, PreferredMfaSetting: before.PreferredMfaSetting })
  }
  return out
}
