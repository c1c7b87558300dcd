/**
 * Choice-based sign-in (AuthFlow USER_AUTH), which cognito-local lacks,
 * answered as Cognito does for a pool whose sign-in policy allows PASSWORD
 * and EMAIL_OTP as first factors:
 *  - InitiateAuth with PREFERRED_CHALLENGE=PASSWORD and PASSWORD: a password
 *    sign-in (the emulator's, behind the password guard: tokens, or the MFA
 *    challenges that follow a password);
 *  - no preference: ChallengeName SELECT_CHALLENGE, AvailableChallenges and a
 *    Session; the answer (ANSWER) picks the factor;
 *  - EMAIL_OTP (preferred, or picked): an 8-digit code "sent" to the user's
 *    e-mail (the local outbox), CODE_DELIVERY_* in ChallengeParameters; the
 *    answer EMAIL_OTP_CODE signs in, a wrong code is CodeMismatchException
 *    (the session stays for another try).
 * Sessions are the challenge-sessions guard's (it runs first): unknown, used,
 * expired or re-bound sessions never reach this one. A code belongs to the
 * session it was sent with, so a code from an earlier sign-in does not work.
 * An unknown user is led through the same steps (nothing is sent), so the
 * answers do not tell who has an account; its masked destination too.
 *
 * A confirmed sign-up can end signed in: ConfirmSignUp answers a Session,
 * which InitiateAuth USER_AUTH takes once, for that user and app client,
 * within 3 minutes, in place of a first factor (the code was one).
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto'
import { CodeMismatchError, InvalidParameterError, NotAuthorizedError } from 'cognito-local/lib/errors.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Context } from 'cognito-local/lib/services/context.js'
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService.js'
import type { LocalGuard, Route } from '../local-layer.ts'
import { INCORRECT } from './password-sign-in.ts'
import { poolOf, userOf } from './lookup.ts'
import { tokenSessions } from './token-sessions.ts'

interface Request {
  ClientId?: unknown
  UserPoolId?: unknown
  AuthFlow?: unknown
  Session?: unknown
  ChallengeName?: unknown
  AuthParameters?: Record<string, unknown>
  ChallengeResponses?: Record<string, unknown>
}

/** The first factors this local pool's sign-in policy allows. */
export const FIRST_FACTORS = ['PASSWORD', 'EMAIL_OTP'] as const
/** Cognito's authentication sessions last 3 minutes. */
const SESSION_MS = 3 * 60 * 1000
/** Cognito's passwordless e-mail codes have 8 digits. */
export const EMAIL_OTP_DIGITS = 8

/** The code sent with each EMAIL_OTP session (session -> code); a restart ends the sign-ins in progress. */
const codes = new Map<string, string>()
/** Sessions ConfirmSignUp answered: session -> whose, for which client, until when (epoch ms). */
const confirmations = new Map<string, { username: string, clientId: string, expiresAt: number }>()

export const choiceBasedSignIn: LocalGuard = {
  name: 'choice-based sign-in (USER_AUTH, e-mail codes)',
  targets: ['InitiateAuth', 'RespondToAuthChallenge', 'ConfirmSignUp'],
  wrap: (target, next, services) => async (ctx, req: Request) => {
    if (target === 'ConfirmSignUp') return await confirmed(next, services, ctx, req)
    if (target === 'InitiateAuth') return req.AuthFlow === 'USER_AUTH' ? await initiate(next, services, ctx, req) : await next(ctx, req)
    if (req.ChallengeName === 'SELECT_CHALLENGE') return await select(services, ctx, req)
    if (req.ChallengeName === 'EMAIL_OTP' && typeof req.Session === 'string' && codes.has(req.Session)) {
      return await answerCode(services, ctx, req, req.Session)
    }
    return await next(ctx, req)
  }
}

async function initiate (next: Route, services: Services, ctx: Context, req: Request): Promise<unknown> {
  const params = req.AuthParameters ?? {}
  const username = params.USERNAME
  if (typeof username !== 'string' || username === '') throw new InvalidParameterError('Missing required parameter USERNAME')
  if (req.Session !== undefined) return await afterConfirmation(services, ctx, req, username)
  const preferred = params.PREFERRED_CHALLENGE
  if (preferred === undefined) {
    return { ChallengeName: 'SELECT_CHALLENGE', Session: newSession(), ChallengeParameters: {}, AvailableChallenges: [...FIRST_FACTORS] }
  }
  if (preferred === 'PASSWORD') {
    if (typeof params.PASSWORD !== 'string') throw new InvalidParameterError('Missing required parameter PASSWORD')
    return await passwordSignIn(next, ctx, req, username, params.PASSWORD)
  }
  if (preferred === 'EMAIL_OTP') return await sendCode(services, ctx, req, username)
  // Cognito names a factor the pool does not offer this way too.
  throw new InvalidParameterError(`The preferred challenge ${String(preferred)} is not available for this user.`)
}

async function confirmed (next: Route, services: Services, ctx: Context, req: Request & { Username?: unknown }): Promise<unknown> {
  const out = await next(ctx, req) as Record<string, unknown> | undefined
  const user = await userOf(await poolOf(services, ctx, req), ctx, req.Username)
  if (!user || typeof req.ClientId !== 'string') return out
  const now = Date.now()
  for (const [session, pending] of confirmations) if (pending.expiresAt <= now) confirmations.delete(session)
  const session = newSession()
  confirmations.set(session, { username: user.Username, clientId: req.ClientId, expiresAt: now + SESSION_MS })
  return { ...out, Session: session }
}

/** InitiateAuth USER_AUTH with ConfirmSignUp's session: tokens, once. */
async function afterConfirmation (services: Services, ctx: Context, req: Request, username: string): Promise<unknown> {
  const pending = typeof req.Session === 'string' ? confirmations.get(req.Session) : undefined
  const { pool, user } = await lookUp(services, ctx, req, username)
  if (!pending || !pool || !user || pending.username !== user.Username || pending.clientId !== req.ClientId || pending.expiresAt <= Date.now()) {
    throw new NotAuthorizedError('Invalid session for the user.')
  }
  confirmations.delete(String(req.Session))
  // Stored and stamped like a challenge answer's tokens (token-sessions reads the user from ChallengeResponses).
  return await issueTokens(services, ctx, { ...req, ChallengeResponses: { USERNAME: user.Username } }, pool, user)
}

async function select (services: Services, ctx: Context, req: Request): Promise<unknown> {
  const responses = req.ChallengeResponses ?? {}
  const username = String(responses.USERNAME ?? '')
  if (responses.ANSWER === 'EMAIL_OTP') return await sendCode(services, ctx, req, username)
  if (responses.ANSWER === 'PASSWORD') {
    if (typeof responses.PASSWORD !== 'string') throw new InvalidParameterError('Missing required parameter PASSWORD')
    return await passwordAnswer(services, ctx, req, username, responses.PASSWORD)
  }
  throw new InvalidParameterError(`The challenge ${String(responses.ANSWER)} is not available for this user.`)
}

/** A password sign-in through the emulator (and the password guard, which the USER_AUTH flow did not pass). */
async function passwordSignIn (next: Route, ctx: Context, req: Request, username: string, password: string): Promise<unknown> {
  const { PREFERRED_CHALLENGE: _preferred, ...rest } = req.AuthParameters ?? {}
  return await next(ctx, { ...req, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { ...rest, USERNAME: username, PASSWORD: password } })
}

/**
 * ANSWER=PASSWORD to SELECT_CHALLENGE: the password is checked as a password
 * sign-in checks it, and tokens are issued (users with MFA are asked to sign
 * in with the password at InitiateAuth, where the emulator runs the MFA steps).
 */
async function passwordAnswer (services: Services, ctx: Context, req: Request, username: string, password: string): Promise<unknown> {
  const { pool, user } = await lookUp(services, ctx, req, username)
  if (!pool || !user || user.Password !== password || user.UserStatus !== 'CONFIRMED') throw new NotAuthorizedError(INCORRECT)
  if ((user.UserMFASettingList ?? []).length > 0) {
    throw new InvalidParameterError('Users with MFA sign in locally with PREFERRED_CHALLENGE=PASSWORD at InitiateAuth.')
  }
  return await issueTokens(services, ctx, req, pool, user)
}

async function sendCode (services: Services, ctx: Context, req: Request, username: string): Promise<unknown> {
  const { pool, user } = await lookUp(services, ctx, req, username)
  const email = user?.Attributes.find(a => a.Name === 'email')?.Value
  const session = newSession()
  const code = String(randomInt(0, 10 ** EMAIL_OTP_DIGITS)).padStart(EMAIL_OTP_DIGITS, '0')
  if (pool && user && email && user.UserStatus === 'CONFIRMED') {
    codes.set(session, code)
    const details = { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: email } as const
    await services.messages.deliver(ctx, 'Authentication', String(req.ClientId), pool.options.Id, user, code, undefined, details)
  } else {
    // Nobody to send to: the same answer, and a code nobody has.
    codes.set(session, `x${code}`)
  }
  return {
    ChallengeName: 'EMAIL_OTP',
    Session: session,
    ChallengeParameters: {
      CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
      CODE_DELIVERY_DESTINATION: email !== undefined ? masked(email) : decoyMask(username)
    }
  }
}

async function answerCode (services: Services, ctx: Context, req: Request, session: string): Promise<unknown> {
  const responses = req.ChallengeResponses ?? {}
  if (typeof responses.EMAIL_OTP_CODE !== 'string') throw new InvalidParameterError('Missing required parameter EMAIL_OTP_CODE')
  if (responses.EMAIL_OTP_CODE !== codes.get(session)) throw new CodeMismatchError()
  const { pool, user } = await lookUp(services, ctx, req, String(responses.USERNAME ?? ''))
  if (!pool || !user) throw new CodeMismatchError()
  codes.delete(session)
  return await issueTokens(services, ctx, req, pool, user)
}

/** Tokens as the emulator mints them, kept and stamped (origin_jti) as every sign-in's are. */
async function issueTokens (services: Services, ctx: Context, req: Request, pool: UserPoolService, user: User): Promise<unknown> {
  const client = await services.cognito.getAppClient(ctx, String(req.ClientId))
  if (!client) throw new NotAuthorizedError('Client does not exist.')
  const groups = await pool.listUserGroupMembership(ctx, user)
  const mint: Route = async () => {
    const tokens = await services.tokenGenerator.generate(ctx, user, groups, client, undefined, 'Authentication')
    return { ChallengeParameters: {}, AuthenticationResult: { ...tokens, TokenType: 'Bearer', ExpiresIn: expiresIn(tokens.AccessToken) } }
  }
  // The token-sessions guard stores a challenge answer's refresh token and adds origin_jti.
  return await tokenSessions.wrap('RespondToAuthChallenge', mint, services)(ctx, req)
}

async function lookUp (services: Services, ctx: Context, req: Request, username: string) {
  const pool = await poolOf(services, ctx, req)
  return { pool, user: await userOf(pool, ctx, username) }
}

/** Cognito's sessions are long opaque strings. */
function newSession (): string {
  return Buffer.from(Array.from({ length: 96 }, () => randomInt(0, 256))).toString('base64')
}

/** Cognito shows a destination masked: a***@e***. */
function masked (email: string): string {
  const [name = '', domain = ''] = email.split('@')
  return `${name.slice(0, 1)}***@${domain.slice(0, 1)}***`
}

/** Keys the decoy masks: stable for this process, unknown outside it. */
const DECOY_KEY = randomBytes(32)
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'

/**
 * The masked destination shown for a user with no address (none, or no such
 * user): the same form as a real one, its two letters drawn from a keyed hash
 * of the username, so the same name always gets the same answer (as a real
 * user's does) and nothing in it follows from the name (a mask built from the
 * name, `u***@e***` for every `u…`, would tell the names without an account).
 */
function decoyMask (username: string): string {
  const digest = createHmac('sha256', DECOY_KEY).update(username).digest()
  return `${LETTERS[digest.readUInt32BE(0) % LETTERS.length]}***@${LETTERS[digest.readUInt32BE(4) % LETTERS.length]}***`
}

function expiresIn (jwt: string): number {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { exp?: number }
  return Math.max(0, (claims.exp ?? 0) - Math.floor(Date.now() / 1000))
}
