/**
 * What a few of Cognito's messages mean, where the exception's name alone
 * does not say: the daily e-mail quota of Cognito's own sender, and the
 * message a team's Lambda trigger wrote for its users. Pure functions; the
 * error table and the gateway's observer use them.
 */
import type { Operation } from './operations.js'

/**
 * Cognito's default e-mail sender is out of its daily quota: "Exceeded daily
 * email limit for the operation or the account. If a higher limit is
 * required, please configure your user pool to use your own Amazon SES
 * configuration for sending email." (a LimitExceededException, which
 * otherwise means "too many attempts").
 */
const DAILY_EMAIL_QUOTA = /exceeded daily email limit/i

export function isDailyEmailQuota (name: string, message: string): boolean {
  return name === 'LimitExceededException' && DAILY_EMAIL_QUOTA.test(message)
}

/** Operations that send a code or an invitation by e-mail: out of the daily quota, the code is not sent. */
export const SENDS_CODES: ReadonlySet<Operation> = new Set<Operation>([
  'SignUp', 'ResendConfirmationCode', 'ForgotPassword', 'GetUserAttributeVerificationCode', 'UpdateUserAttributes', 'AdminCreateUser', 'AdminUser'
])

const NOT_SENT = 'could not be sent: the user pool\'s daily e-mail limit is reached.'
const EMAIL_QUOTA: Partial<Record<Operation, string>> = {
  SignUp: `The account was created, but the confirmation code ${NOT_SENT} Do not sign up again; ask for a new code later (resend).`,
  AdminCreateUser: `The user may have been created, but the invitation ${NOT_SENT} Look the user up, and resend the invitation later.`
}

/** What the user is told (our words, sent even on the 5xx) when `operation` met the daily e-mail quota. */
export function emailQuotaDetail (operation: Operation): string {
  return EMAIL_QUOTA[operation] ?? `The code ${NOT_SENT} Ask for a new one later.`
}

/** The longest trigger message shown to a user; a longer one is cut at a word with "…". */
export const TRIGGER_MESSAGE_MAX = 200

/**
 * Cognito's wording of a refusal by a Lambda trigger (UserLambdaValidationException):
 * "<Trigger> failed with error <the error's message>.", e.g. "PreSignUp failed
 * with error Sign-ups from this domain are closed.." (the trigger's own
 * period, then Cognito's). The trigger names are those of the user pool's
 * LambdaConfig.
 */
const TRIGGER_REFUSAL = /^(?:PreSignUp|PreAuthentication|PostAuthentication|PostConfirmation|PreTokenGeneration|CustomMessage|UserMigration|DefineAuthChallenge|CreateAuthChallenge|VerifyAuthChallengeResponse|CustomEmailSender|CustomSMSSender) failed with error ([^]*)$/

/**
 * A crash, not a refusal: the Lambda runtime's own reports ("RequestId: ...
 * Error: Runtime exited with error: exit status 129", "Task timed out after
 * 3.00 seconds") and a stack trace ("    at handler (/var/task/index.js:3:9)").
 */
const NOT_FOR_USERS = /^RequestId: |Task timed out|Runtime exited|Runtime\.\w+|\n\s*at .+[:(]|\bat \S+ \(\/|\/var\/task\/|\/opt\/|errorType|stackTrace|Error: Cannot find module/i

/**
 * The message a Lambda trigger wrote for the user, from Cognito's
 * UserLambdaValidationException message: the "<Trigger> failed with error "
 * prefix and Cognito's trailing period removed, whitespace collapsed, at most
 * TRIGGER_MESSAGE_MAX characters. Undefined when the message is not in that
 * form or is a crash report or a stack trace rather than the team's words.
 */
export function triggerMessage (message: string): string | undefined {
  const match = TRIGGER_REFUSAL.exec(message.trim())
  if (match === null) return undefined
  let text = match[1] ?? ''
  if (NOT_FOR_USERS.test(text)) return undefined
  // Cognito ends the message with a period of its own; the team's punctuation before it stays.
  if (text.endsWith('.')) text = text.slice(0, -1)
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim()
  if (text === '') return undefined
  if (text.length <= TRIGGER_MESSAGE_MAX) return text
  const cut = text.slice(0, TRIGGER_MESSAGE_MAX - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > TRIGGER_MESSAGE_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}
