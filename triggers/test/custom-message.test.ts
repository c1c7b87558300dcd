import t from 'tap'
import type { CustomMessageTriggerEvent } from 'aws-lambda'
import { customMessage, MAX_EMAIL_MESSAGE, settings } from '../src/custom-message.ts'
import { customMessageEvent } from './events.ts'

const SOURCES: Array<CustomMessageTriggerEvent['triggerSource']> = [
  'CustomMessage_SignUp', 'CustomMessage_ResendCode', 'CustomMessage_ForgotPassword', 'CustomMessage_UpdateUserAttribute',
  'CustomMessage_VerifyUserAttribute', 'CustomMessage_AdminCreateUser', 'CustomMessage_Authentication'
]
const config = settings({ PUBLIC_URL: 'https://auth.example.com', REDIRECT_ALLOWLIST: 'https://app.example.com/account/' })

/** The link of an e-mail, as a browser reads the href once Cognito put the code in (HTML entities undone). */
function hrefOf (html: string, code = '123456'): URL {
  const match = /<a href="([^"]*)"/.exec(html)
  if (match?.[1] === undefined) throw new Error('no link')
  return new URL(match[1].replaceAll('{####}', code).replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>').replaceAll('&#39;', "'"))
}

t.test('every custom-message source keeps Cognito\'s code placeholder in e-mail and SMS (the username one in an invitation)', async (t) => {
  t.equal(SOURCES.length, 7)
  for (const source of SOURCES) {
    for (const locale of ['en-GB', 'fr-FR']) {
      const event = customMessage(customMessageEvent(source, 'alice', { bff_locale: locale }), config)
      const { codeParameter, usernameParameter } = event.request
      t.ok(event.response.emailMessage?.includes(codeParameter), `${source} ${locale}: e-mail has ${codeParameter}`)
      t.ok(event.response.smsMessage?.includes(codeParameter), `${source} ${locale}: SMS has ${codeParameter}`)
      t.ok((event.response.smsMessage?.length ?? 999) <= 140, `${source}: SMS within 140 characters`)
      t.ok((event.response.emailSubject?.length ?? 0) > 0 && (event.response.emailSubject?.length ?? 999) <= 140, `${source}: a subject`)
      if (source === 'CustomMessage_AdminCreateUser') {
        t.equal(usernameParameter, '{username}')
        t.ok(event.response.emailMessage?.includes('{username}'), 'invitation e-mail has {username}')
        t.ok(event.response.smsMessage?.includes('{username}'), 'invitation SMS has {username}')
      }
    }
  }
})

t.test('the links open the service\'s pages with the username and the code Cognito substitutes', async (t) => {
  const pages: Array<[CustomMessageTriggerEvent['triggerSource'], string, Record<string, string>]> = [
    ['CustomMessage_SignUp', '/auth/signup/confirm', { username: 'alice', code: '123456' }],
    ['CustomMessage_ResendCode', '/auth/signup/confirm', { username: 'alice', code: '123456' }],
    ['CustomMessage_ForgotPassword', '/auth/password/reset', { username: 'alice', code: '123456' }]
  ]
  for (const [source, path, query] of pages) {
    const url = hrefOf(customMessage(customMessageEvent(source), config).response.emailMessage ?? '')
    t.equal(url.origin + url.pathname, 'https://auth.example.com' + path, source)
    // Exactly these fields: the confirm page refuses any other (its query schema has no additional properties).
    t.same(Object.fromEntries(url.searchParams), query, `${source}: query`)
  }
  const invite = hrefOf(customMessage(customMessageEvent('CustomMessage_AdminCreateUser'), config).response.emailMessage ?? '')
  t.equal(invite.href, 'https://auth.example.com/', 'the invitation links to the service, never with the temporary password')
  t.notOk(/<a href/.test(customMessage(customMessageEvent('CustomMessage_Authentication'), config).response.emailMessage ?? ''), 'an MFA code has no link')
  for (const source of ['CustomMessage_UpdateUserAttribute', 'CustomMessage_VerifyUserAttribute'] as const) {
    t.notOk(/<a href/.test(customMessage(customMessageEvent(source), config).response.emailMessage ?? ''),
      `${source}: no link (no page verifies an attribute from a link; the code is typed in the app)`)
  }
})

t.test('a username with markup is escaped in the HTML and encoded in the link (injection)', async (t) => {
  const name = '<img src=x onerror=alert(1)>'
  const html = customMessage(customMessageEvent('CustomMessage_SignUp', name), config).response.emailMessage ?? ''
  t.notOk(html.includes('<img'), 'no markup from the username')
  t.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'shown as text')
  t.equal(hrefOf(html).searchParams.get('username'), name, 'the link carries it intact')

  const plus = customMessage(customMessageEvent('CustomMessage_ForgotPassword', 'a+b@x.com'), config).response.emailMessage ?? ''
  t.ok(plus.includes('username=a%2Bb%40x.com&amp;code={####}'), '+ is %2B (a raw + would read as a space)')
  t.equal(hrefOf(plus).searchParams.get('username'), 'a+b@x.com')

  const quote = customMessage(customMessageEvent('CustomMessage_SignUp', 'x"onmouseover="alert(1)&y'), config).response.emailMessage ?? ''
  t.notOk(quote.includes('"onmouseover'), 'a quote cannot leave the attribute')
  t.equal(hrefOf(quote).searchParams.get('username'), 'x"onmouseover="alert(1)&y')
})

t.test('bff_locale picks French; anything else is English', async (t) => {
  const fr = customMessage(customMessageEvent('CustomMessage_SignUp', 'alice', { bff_locale: 'fr-CA' }), config).response
  t.equal(fr.emailSubject, 'Confirmez votre compte')
  t.match(fr.emailMessage, /<html lang="fr">/)
  for (const locale of ['en-US', 'de', 'francais', '']) {
    const event = customMessageEvent('CustomMessage_SignUp', 'alice', { bff_locale: locale })
    t.equal(customMessage(event, config).response.emailSubject, 'Confirm your account', locale)
  }
  t.equal(customMessage(customMessageEvent('CustomMessage_SignUp'), config).response.emailSubject, 'Confirm your account', 'no metadata')
})

t.test('bff_redirect travels on only when the service\'s allowlist rules accept it', async (t) => {
  const link = (target: string): URL =>
    hrefOf(customMessage(customMessageEvent('CustomMessage_SignUp', 'alice', { bff_redirect: target }), config).response.emailMessage ?? '')
  t.equal(link('https://app.example.com/account/welcome?x=1').searchParams.get('redirect'), 'https://app.example.com/account/welcome?x=1')
  for (const refused of ['https://evil.example.net/', 'https://app.example.com.evil.example.net/account/', '//evil.example.net',
    'https://app.example.com@evil.example.net/account/', 'https://app.example.com/accounting', 'javascript:alert(1)']) {
    t.equal(link(refused).searchParams.get('redirect'), null, refused)
  }
  const invite = customMessage(customMessageEvent('CustomMessage_AdminCreateUser', 'bob', { bff_redirect: 'https://app.example.com/account/' }), config)
  t.equal(hrefOf(invite.response.emailMessage ?? '').href, 'https://app.example.com/account/', 'an invitation links to the app')
})

t.test('the e-mail stays within Cognito\'s 20,000 characters with the longest username and redirect', async (t) => {
  const username = '<&"'.repeat(42) + 'xy' // 128 characters, each escaping to many
  const target = 'https://app.example.com/account/' + '%22'.repeat(672) // 2,048
  for (const source of SOURCES) {
    const html = customMessage(customMessageEvent(source, username, { bff_redirect: target, bff_locale: 'fr' }), config).response.emailMessage ?? ''
    t.ok(html.length <= MAX_EMAIL_MESSAGE, `${source}: ${html.length} characters`)
  }
})

t.test('settings: PUBLIC_URL must be https (http only on loopback); a bad allowlist is named', async (t) => {
  t.throws(() => settings({}), /PUBLIC_URL is not set/)
  t.throws(() => settings({ PUBLIC_URL: 'http://auth.example.com' }), /PUBLIC_URL must be https/)
  t.ok(settings({ PUBLIC_URL: 'http://127.0.0.1:3000' }))
  t.throws(() => settings({ PUBLIC_URL: 'https://auth.example.com', REDIRECT_ALLOWLIST: 'ftp://x' }), /REDIRECT_ALLOWLIST/)
})
