/**
 * The link in the password-reset e-mail: a page with a form (new password,
 * twice) whose POST sets it. Mail scanners open links before the person does,
 * so the GET spends nothing; the form, like the confirmation link's button
 * (signup.ts), POSTs from this service's own page only, with the username and
 * code sealed in a hidden field, so the page never shows the code.
 */
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ApiError, ERROR_CATALOG } from '../../errors/catalog.js'
import { ResetLinkBodySchema, ResetQuerySchema } from '../../schemas/auth.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, problems, QUERY_REFUSALS, RATE_LIMIT_REFUSALS } from '../../schemas/problem.js'
import { empty, html } from '../../schemas/responses.js'
import { escapeHtml, htmlPage } from '../html.js'
import { formPostsFromOwnPages, linkRedirect, openLink } from './form-post.js'
import { userContext } from './user-context.js'

const tags = ['password']
/** The sealing purpose of the reset page's form. */
const LINK_PURPOSE = 'password-reset-link'
const TITLE = 'Choose a new password'

const resetLink: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, config } = fastify
  const action = new URL('/auth/password/reset/link', config.publicUrl).pathname

  /** The page: whose password, what went wrong last time (if anything), and the form. */
  function page (reply: FastifyReply, username: string, sealed: string, refusal?: string): string {
    // Same-origin only: the form's POST then carries this origin (no-referrer would make it "null"), and no other site sees the link.
    reply.header('referrer-policy', 'same-origin')
    return htmlPage(reply, TITLE, `<p>The new password for <strong>${escapeHtml(username)}</strong>:</p>` +
      (refusal === undefined ? '' : `<p role="alert">${refusal}</p>`) +
      `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="reset" value="${sealed}">` +
      '<p><label>New password <input type="password" name="password" autocomplete="new-password" required></label></p>' +
      '<p><label>Again <input type="password" name="confirm" autocomplete="new-password" required></label></p>' +
      '<button type="submit">Set the password</button></form>')
  }

  fastify.get('/auth/password/reset', {
    schema: {
      tags,
      operationId: 'resetPasswordLink',
      summary: 'The link in the password-reset e-mail: a page whose form sets the new password',
      description: 'Spends nothing: answers a small page (no script) whose form POSTs the new password, twice, with the ' +
        'username and code sealed, to /auth/password/reset/link. An invalid query is a problem.',
      querystring: ResetQuerySchema,
      response: {
        200: html({ description: 'The page: the account\'s username and a form for the new password.' }),
        ...problems([...QUERY_REFUSALS, ...RATE_LIMIT_REFUSALS])
      }
    }
  }, async (request, reply) => {
    const { username, code } = request.query
    const redirect = linkRedirect(request.query.redirect, config.oauth.redirects, request.log)
    return page(reply, username, fastify.sessions.sealer.seal(LINK_PURPOSE, JSON.stringify({ username, code, redirect })))
  })

  await fastify.register(async (scope) => {
    formPostsFromOwnPages(scope, config.publicUrl, 'The password form works only from the page the e-mail link opens.')
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/auth/password/reset/link', {
      schema: {
        tags,
        operationId: 'resetPasswordLinkForm',
        summary: 'Set the new password from the e-mail link\'s page (its form POST)',
        description: 'Sets the password with the username and code sealed in the page\'s form (application/x-www-form-urlencoded; ' +
          'a `reset` that does not open is VALIDATION_FAILED), counted against the account\'s code budget as POST ' +
          '/auth/password/reset is; then answers 303 to the configured page (RESET_DONE_URL) with ?status=password-reset, ' +
          'or without one a page saying it is done. Two passwords that differ, and a refusal of the reset (CODE_MISMATCH, ' +
          'CODE_EXPIRED, INVALID_PASSWORD with the policy\'s message, TOO_MANY_ATTEMPTS...), answer the form again (200) ' +
          'naming the problem. An invalid body, the rate limit and failures on our or Cognito\'s side are problems. Refused ' +
          '(ORIGIN_NOT_ALLOWED) from another origin, with or without cookies.',
        consumes: ['application/x-www-form-urlencoded'],
        body: ResetLinkBodySchema,
        response: {
          200: html({ description: 'Done (no RESET_DONE_URL configured), or the form again naming what was refused.' }),
          303: empty({ description: 'To the configured page, with ?status=password-reset.', headers: ['Location'] }),
          ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES])
        }
      }
    }, async (request, reply) => {
      const { reset, password, confirm } = request.body
      const { username, code, redirect } = openLink(fastify.sessions.sealer.unseal(LINK_PURPOSE, reset), 'reset')
      if (password !== confirm) return page(reply, username, reset, 'The two passwords differ; type the same one twice.')
      try {
        const context = userContext(request, config.publicUrl)
        await fastify.accountLimits.attempt('code', { username, address: request.ip }, () =>
          cognito.confirmForgotPassword({ username, code, password, context }))
      } catch (err) {
        // A person typed a password: any 4xx (a wrong code, the policy, throttling) is shown on the form; our failures stay 5xx.
        if (!(err instanceof ApiError) || err.statusCode >= 500) throw err
        return page(reply, username, reset, refusal(err))
      }
      // The app's own page when the link named one (checked when the page was made), else the configured one.
      const target = redirect ?? config.resetDoneUrl
      if (target === undefined) return htmlPage(reply, 'Password set', '<p>Your new password is set: sign in with it.</p>')
      const url = new URL(target)
      url.searchParams.set('status', 'password-reset')
      return reply.redirect(url.href, 303)
    })
  })
}

/** A refusal as the page shows it: what went wrong (a wrong or old code wants a new e-mail) and its code. */
function refusal (err: ApiError): string {
  const title = ERROR_CATALOG[err.code].title
  const detail = err.detail === undefined || err.detail === title ? '' : ` ${escapeHtml(err.detail)}`
  const again = err.code === 'CODE_MISMATCH' || err.code === 'CODE_EXPIRED' ? ' Ask for a new reset e-mail if it persists.' : ''
  return `${escapeHtml(title)}${detail}${again} <code>${err.code}</code>`
}

export default resetLink
