/**
 * The browser's half of a hosted-UI sign-in, for tests: what a browser does
 * between /oauth/login and /oauth/callback (the emulator's hosted UI stand-in,
 * reached with fetch), so that tests can drive the BFF with inject and see
 * every step.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { cookieHeader } from '../../helper.js'

export interface HostedSignIn {
  /** The /oauth/login answer. */
  start: LightMyRequestResponse
  /** The login cookie(s) /oauth/login set, as a Cookie header. */
  loginCookie: string
  /** The authorize URL the BFF sent the browser to. */
  authorize: URL
  /** Path and query of the callback the hosted UI sent the browser to. */
  callback: string
}

/** Submits the hosted UI's form for the parameters of an authorize URL; the answer is not followed. */
export async function submitHostedForm (authorize: URL, credentials: { username: string, password: string }, cookie?: string): Promise<Response> {
  const form = new URLSearchParams(authorize.searchParams)
  form.set('username', credentials.username)
  form.set('password', credentials.password)
  return await fetch(new URL('/oauth2/authorize', authorize.origin), {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: cookie === undefined ? {} : { cookie }
  })
}

/** /oauth/login with `query`, then the hosted UI's form with these credentials: up to the callback, not calling it. */
export async function signInAtHostedUi (
  app: FastifyInstance,
  credentials: { username: string, password: string },
  query = ''
): Promise<HostedSignIn> {
  const start = await app.inject({ method: 'GET', url: `/oauth/login${query}` })
  if (start.statusCode !== 302) throw new Error(`/oauth/login answered ${start.statusCode}: ${start.body}`)
  const authorize = new URL(String(start.headers.location))
  const posted = await submitHostedForm(authorize, credentials)
  const location = posted.headers.get('location')
  if (posted.status !== 302 || location === null) throw new Error(`the hosted UI answered ${posted.status}: ${await posted.text()}`)
  const callback = new URL(location)
  return { start, loginCookie: cookieHeader(start), authorize, callback: callback.pathname + callback.search }
}
