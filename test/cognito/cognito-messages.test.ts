import t from 'tap'
import { isDailyEmailQuota, triggerMessage, TRIGGER_MESSAGE_MAX } from '../../src/cognito/cognito-messages.js'

const DAILY_LIMIT = 'Exceeded daily email limit for the operation or the account. If a higher limit is required, ' +
  'please configure your user pool to use your own Amazon SES configuration for sending email.'

t.test('the daily e-mail quota is told from Cognito\'s other LimitExceededExceptions by its message', async t => {
  t.ok(isDailyEmailQuota('LimitExceededException', DAILY_LIMIT))
  t.notOk(isDailyEmailQuota('LimitExceededException', 'Attempt limit exceeded, please try after some time.'))
  t.notOk(isDailyEmailQuota('LimitExceededException', 'Exceeded maximum number of attempts.'))
  t.notOk(isDailyEmailQuota('TooManyRequestsException', DAILY_LIMIT), 'only that exception')
})

t.test('a Lambda trigger\'s own message, from Cognito\'s UserLambdaValidationException', async t => {
  const cases: Array<[string, string | undefined]> = [
    ['PreSignUp failed with error Sign-ups from example.org are closed..', 'Sign-ups from example.org are closed.'],
    ['PreSignUp failed with error callback is not a function.', 'callback is not a function'],
    ['PreAuthentication failed with error Your account is suspended!.', 'Your account is suspended!'],
    ['CustomMessage failed with error Unknown locale.', 'Unknown locale'],
    ['DefineAuthChallenge failed with error RequestId: 9fdb5cfa-5ec1 Error: Runtime exited with error: exit status 129.', undefined],
    ['PreSignUp failed with error 2024-01-01T00:00:00.000Z abc Task timed out after 3.00 seconds.', undefined],
    ['PreSignUp failed with error boom\n    at handler (/var/task/index.js:3:9).', undefined],
    ['PreSignUp failed with error Runtime.ImportModuleError.', undefined],
    ['PreSignUp failed with error .', undefined],
    ['Something else entirely.', undefined],
    ['NotATrigger failed with error hello.', undefined],
    ['PreSignUp failed with error line one\r\nline\ttwo.', 'line one line two']
  ]
  for (const [message, expected] of cases) t.equal(triggerMessage(message), expected, JSON.stringify(message))
})

t.test('a long trigger message is cut at a word, within the cap', async t => {
  const long = `PreSignUp failed with error ${'word '.repeat(100).trim()}.`
  const shown = triggerMessage(long) ?? ''
  t.ok(shown.length <= TRIGGER_MESSAGE_MAX, `${shown.length} characters`)
  t.match(shown, /^word( word)*…$/)
  const unbroken = triggerMessage(`PreSignUp failed with error ${'x'.repeat(500)}.`) ?? ''
  t.equal(unbroken.length, TRIGGER_MESSAGE_MAX)
})
