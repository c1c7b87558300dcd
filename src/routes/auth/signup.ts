import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ApiError, invalidFields } from '../../errors/catalog.js'
import { formPostsFromOwnPages, linkRedirect, openLink } from './form-post.js'
import {
  ConfirmBodySchema, ConfirmLinkBodySchema, ConfirmQuerySchema, SignUpBodySchema, SignUpResponseSchema,
  StatusResponseSchema, SendCodeBodySchema
} from '../../schemas/auth.js'
import { ConfirmedOrSignedInSchema, ConfirmSignInBodySchema } from '../../schemas/passwordless.js'
import type { AuthResult } from '../../cognito/gateway.js'
import { signInAnswer } from './session-response.js'
import { BODY_REFUSALS, COGNITO_FAILURES, ORIGIN_REFUSALS, problems, QUERY_REFUSALS, RATE_LIMIT_REFUSALS } from '../../schemas/problem.js'
import { empty, html, json } from '../../schemas/responses.js'
import { escapeHtml, htmlPage } from '../html.js'
import { codeSent } from './code-sent.js'
import { triggerContext } from '../trigger-context.js'
import { userContext } from './user-context.js'

const tags = ['sign-up']
/** The sealing purpose of the confirmation page's form. */
const LINK_PURPOSE = 'signup-confirm-link'

/** What confirming a code can answer, besides the refusals of the route itself. */
const CONFIRM_CODES = ['CODE_MISMATCH', 'CODE_EXPIRED', 'INVALID_PARAMETER', 'ALIAS_EXISTS', 'ALREADY_CONFIRMED', 'TOO_MANY_ATTEMPTS'] as const
const CONFIRM_NOTES = { ALREADY_CONFIRMED: 'Only with REVEAL_USER_EXISTENCE; otherwise an account already confirmed answers CODE_MISMATCH.' }
/** The link's refusals of confirming, when a page is configured to show them. */
const ON_THE_PAGE = 'Only without SIGNUP_CONFIRMED_URL; with it, a 303 to the page with ?error=<code>.'
/** Refusals about the account that, without REVEAL_USER_EXISTENCE, answer like a success (code-sent.ts). */
const REVEALED = 'Only with REVEAL_USER_EXISTENCE; otherwise answered as sent.'

const signup: FastifyPluginAsyncTypebox = async (fastify) => {
  const { cognito, config } = fastify

  /**
   * Confirms; an account that is already confirmed answers like a wrong code
   * (an unknown username does too), so confirmation cannot tell which
   * usernames exist, unless REVEAL_USER_EXISTENCE.
   */
  async function confirm (request: FastifyRequest, input: { username: string, code: string }, signIn = false): Promise<AuthResult | undefined> {
    try {
      const context = userContext(request, config.publicUrl)
      return await fastify.accountLimits.attempt('code', { username: input.username, address: request.ip }, async () => signIn
        ? await cognito.confirmAndSignIn({ username: input.username, code: input.code, context })
        : await cognito.confirmSignUp({ ...input, context }).then(() => undefined))
    } catch (err) {
      if (!config.revealUserExistence && err instanceof ApiError && err.code === 'ALREADY_CONFIRMED') {
        throw new ApiError('CODE_MISMATCH', { cause: err })
      }
      throw err
    }
  }

  fastify.post('/auth/signup', {
    schema: {
      tags,
      operationId: 'signUp',
      summary: 'Create an account',
      description: 'Registers the user; Cognito sends a confirmation code to the e-mail (local mode: GET /local/messages).',
      body: SignUpBodySchema,
      response: {
        201: json(SignUpResponseSchema, { description: 'Registered; confirm with the code Cognito sent unless `confirmed`.' }),
        ...problems([
          ...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES,
          'INVALID_PARAMETER', 'INVALID_PASSWORD', 'NOT_PERMITTED', 'USERNAME_EXISTS', 'TOO_MANY_ATTEMPTS', 'CODE_DELIVERY_FAILED',
          'REDIRECT_NOT_ALLOWED'
        ])
      }
    }
  }, async (request, reply) => {
    const { username, password, email, attributes = {}, redirect } = request.body
    if (email !== undefined && attributes.email !== undefined && attributes.email !== email) {
      throw invalidFields([{ field: '/body/email', message: 'differs from attributes.email' }], 'email and attributes.email differ; send one.')
    }
    const result = await cognito.signUp({
      username,
      password,
      attributes: email === undefined ? attributes : { ...attributes, email },
      context: userContext(request, config.publicUrl),
      metadata: triggerContext(request, config, redirect)
    })
    return reply.code(201).send({ username, userSub: result.userSub, confirmed: result.confirmed, codeDelivery: result.codeDelivery })
  })

  fastify.post('/auth/signup/confirm', {
    schema: {
      tags,
      operationId: 'confirmSignUp',
      summary: 'Confirm an account with the code Cognito sent',
      description: 'Answers `status: "confirmed"`. With SIGN_IN_AFTER_CONFIRM (LOGIN_FLOW=USER_AUTH) the user is signed in too ' +
        'and the answer is login\'s (`status: "authenticated"`, cookies or tokens by tokenDelivery); should that step fail, ' +
        'the answer is still `status: "confirmed"`.',
      body: (config.signInAfterConfirm ? ConfirmSignInBodySchema : ConfirmBodySchema) as typeof ConfirmSignInBodySchema,
      response: {
        200: json(ConfirmedOrSignedInSchema, {
          description: 'Confirmed (`status: "confirmed"`); the user can sign in. With SIGN_IN_AFTER_CONFIRM: signed in.',
          headers: [{ header: 'SetSessionCookies', required: false, description: 'With SIGN_IN_AFTER_CONFIRM: the session cookies.' }]
        }),
        ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES, ...CONFIRM_CODES], { notes: CONFIRM_NOTES })
      }
    }
  }, async (request, reply) => {
    const { username, tokenDelivery = 'cookie' } = request.body
    const signedIn = await confirm(request, request.body, config.signInAfterConfirm)
    return signedIn === undefined ? { status: 'confirmed' as const } : signInAnswer(fastify.sessions, reply, signedIn, username, tokenDelivery)
  })

  // The e-mail link. Mail scanners open links before the person does, so the GET only shows a page; its button POSTs
  // the fields, same-origin, and only that spends the code.
  const linkAction = new URL('/auth/signup/confirm/link', config.publicUrl).pathname
  fastify.get('/auth/signup/confirm', {
    schema: {
      tags,
      operationId: 'confirmSignUpLink',
      summary: 'The link in the confirmation e-mail: a page whose button confirms',
      description: 'Spends nothing: answers a small page (no script) whose button POSTs the username and code to ' +
        '/auth/signup/confirm/link, so a mail scanner that opens the link first leaves the code for the person. ' +
        'An invalid query is a problem.',
      querystring: ConfirmQuerySchema,
      response: {
        200: html({ description: 'The page: the account\'s username and a Confirm button (a form POST to /auth/signup/confirm/link).' }),
        ...problems([...QUERY_REFUSALS, ...RATE_LIMIT_REFUSALS])
      }
    }
  }, async (request, reply) => {
    const { username, code } = request.query
    const redirect = linkRedirect(request.query.redirect, config.oauth.redirects, request.log)
    // Sealed, so the page never shows the code (nor an answer echoes one): only the button's POST opens it.
    const confirmation = fastify.sessions.sealer.seal(LINK_PURPOSE, JSON.stringify({ username, code, redirect }))
    // Same-origin only: the button's POST then carries this origin (no-referrer would make it "null"), and no other site sees the link.
    reply.header('referrer-policy', 'same-origin')
    return htmlPage(reply, 'Confirm your account', `<p>Confirm the account <strong>${escapeHtml(username)}</strong>?</p>` +
      `<form method="post" action="${escapeHtml(linkAction)}"><input type="hidden" name="confirmation" value="${confirmation}">` +
      '<button type="submit">Confirm</button></form>')
  })

  // The page's button: a form POST from this service's own page only (form-post.ts).
  await fastify.register(async (scope) => {
    formPostsFromOwnPages(scope, config.publicUrl, 'The confirmation button works only from the page the e-mail link opens.')
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/auth/signup/confirm/link', {
      schema: {
        tags,
        operationId: 'confirmSignUpLinkButton',
        summary: 'Confirm from the e-mail link\'s page (its button\'s form POST)',
        description: 'Confirms with the username and code sealed in the page\'s form (application/x-www-form-urlencoded; one that ' +
          'does not open is VALIDATION_FAILED), then answers 303 to the ' +
          'configured page (SIGNUP_CONFIRMED_URL) with ?status=confirmed, or ?error=<code> for a refusal of confirming (e.g. ' +
          'CODE_MISMATCH, CODE_EXPIRED, TOO_MANY_ATTEMPTS). Without a configured page it answers JSON, and a refusal as a problem. ' +
          'An invalid body, the rate limit and failures on our or Cognito\'s side are problems either way. Refused (ORIGIN_NOT_ALLOWED) ' +
          'from another origin, with or without cookies.',
        consumes: ['application/x-www-form-urlencoded'],
        body: ConfirmLinkBodySchema,
        response: {
          200: json(StatusResponseSchema, { description: 'Confirmed (no SIGNUP_CONFIRMED_URL configured).' }),
          303: empty({ description: 'To the configured page, with ?status=confirmed or ?error=<code>.', headers: ['Location'] }),
          ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES, ...CONFIRM_CODES], {
            notes: {
              ...Object.fromEntries([...CONFIRM_CODES, 'UPSTREAM_THROTTLED', 'COGNITO_QUOTA_REACHED'].map(code => [code, ON_THE_PAGE])),
              ALREADY_CONFIRMED: `${CONFIRM_NOTES.ALREADY_CONFIRMED} ${ON_THE_PAGE}`
            }
          })
        }
      }
    }, async (request, reply) => {
      const input = openLink(fastify.sessions.sealer.unseal(LINK_PURPOSE, request.body.confirmation), 'confirmation')
      // The app's own page when the link named one (checked when the page was made), else the configured one.
      const target = input.redirect ?? config.signupConfirmedUrl
      if (target === undefined) {
        await confirm(request, input)
        return { status: 'confirmed' as const }
      }
      const url = new URL(target)
      try {
        await confirm(request, input)
        url.searchParams.set('status', 'confirmed')
      } catch (err) {
        // A person pressed the button: any 4xx (throttling included) is shown on the page; our failures stay 5xx.
        if (!(err instanceof ApiError) || err.statusCode >= 500) throw err
        url.searchParams.set('error', err.code)
      }
      return reply.redirect(url.href, 303)
    })
  })

  fastify.post('/auth/signup/resend', {
    schema: {
      tags,
      operationId: 'resendConfirmationCode',
      summary: 'Send the confirmation code again',
      description: 'Answers 202 whether or not the user exists, unless REVEAL_USER_EXISTENCE is set.',
      body: SendCodeBodySchema,
      response: {
        202: json(StatusResponseSchema, { description: 'Sent (`status: "sent"`); `codeDelivery` only with REVEAL_USER_EXISTENCE.' }),
        ...problems([
          ...BODY_REFUSALS, ...ORIGIN_REFUSALS, ...RATE_LIMIT_REFUSALS, ...COGNITO_FAILURES, 'TOO_MANY_ATTEMPTS', 'CODE_DELIVERY_FAILED',
          'INVALID_PARAMETER', 'NOT_PERMITTED', 'USER_NOT_FOUND', 'ALREADY_CONFIRMED', 'REDIRECT_NOT_ALLOWED'
        ], { notes: { INVALID_PARAMETER: REVEALED, NOT_PERMITTED: REVEALED, USER_NOT_FOUND: REVEALED, ALREADY_CONFIRMED: REVEALED } })
      }
    }
  }, async (request, reply) => {
    const context = userContext(request, config.publicUrl)
    const uniform = { reveal: config.revealUserExistence, floorMs: config.uniformAnswerMs, log: request.log }
    const { username, redirect } = request.body
    const metadata = triggerContext(request, config, redirect)
    return reply.code(202).send(await codeSent(uniform, async () => await cognito.resendConfirmationCode({ username, context, metadata })))
  })
}

export default signup
