/**
 * Token checks for other services: "is this token good, and whose is it?"
 * POST /tokens/verify answers with the identity (or why not, coarsely);
 * GET /tokens/check is a forward-auth target for reverse proxies (nginx
 * auth_request, Traefik ForwardAuth): 200 with identity headers, or 401/403.
 * Both use the one verifier, so a token refused anywhere is refused here:
 * signature, issuer, client, use, shape, and revocation (logout, sign-out).
 * No rate limit: internal callers ask thousands of times a second. No CORS
 * either: browsers have /me.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { ApiError } from '../../errors/catalog.js'
import { BODY_REFUSALS, ORIGIN_REFUSALS, problems, QUERY_REFUSALS } from '../../schemas/problem.js'
import { empty, json } from '../../schemas/responses.js'
import { CheckQuerySchema, IdentitySchema, VerifyBodySchema } from '../../schemas/tokens.js'
import type { Verification, VerifiedToken } from '../../verify/verifier.js'

const tags = ['token checks']
const REFUSED = { 'www-authenticate': 'Bearer error="invalid_token"' }
// Other services and proxies call these, not browsers: no CORS, and only the security headers a JSON answer needs.
const config = { serviceToService: true, cors: false }

const tokenRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { tokenVerifier, sessions } = fastify

  /** The verified token, or the problem that says why not (an outage is not the token's fault). */
  function accepted (verification: Verification, withReason: boolean): VerifiedToken {
    if (verification.ok) return verification.token
    if (verification.refusal === 'unavailable') throw new ApiError('UPSTREAM_UNAVAILABLE', { cause: verification.cause, retryAfter: 1 })
    throw new ApiError('TOKEN_INVALID', { headers: REFUSED, ...(withReason ? { reason: verification.refusal } : {}) })
  }

  fastify.post('/tokens/verify', {
    config,
    schema: {
      tags,
      operationId: 'verifyToken',
      summary: 'Verify a token and return whose it is',
      description: 'Signature (the pool\'s JWKS, RS256 only), issuer, client (COGNITO_CLIENT_ID or TOKEN_CLIENT_IDS), token use, expiry, ' +
        'nbf/iat within TOKEN_CLOCK_SKEW_S, size, and revocation (a logout or sign-out through this service). ' +
        'A refusal says only `reason`: expired, invalid or revoked.',
      body: VerifyBodySchema,
      response: {
        200: json(IdentitySchema, { description: 'The token is good: the identity it carries.' }),
        ...problems([...BODY_REFUSALS, ...ORIGIN_REFUSALS, 'TOKEN_INVALID', 'UPSTREAM_UNAVAILABLE'], {
          notes: { TOKEN_INVALID: 'With `reason`: expired, invalid or revoked.', UPSTREAM_UNAVAILABLE: 'The JWKS could not be had.' }
        })
      }
    }
  }, async (request, reply) => {
    // Without tokenUse, either kind: the token's own (signed) token_use says which checks apply.
    const { token: raw, tokenUse } = request.body
    const token = accepted(await tokenVerifier.verify(raw, tokenUse), true)
    // Written for each request, not kept with the cached token: a few short strings around the claims' own text cost
    // less than what a kept answer adds to every cached token for the collector (bench/RESULTS.md).
    const answer = identityJson(token)
    // Already JSON: sent as it is (the typed reply expects the object the schema describes).
    return reply.type('application/json; charset=utf-8').send(answer as never)
  })

  fastify.get('/tokens/check', {
    config,
    schema: {
      tags,
      operationId: 'checkToken',
      summary: 'Forward-auth target: 200 with identity headers, or 401/403',
      description: 'For nginx auth_request, Traefik ForwardAuth and the like. The token comes from `Authorization: Bearer` (an access or ' +
        'ID token) or the session cookies. `group` and `scope` add requirements (403 when unmet).',
      querystring: CheckQuerySchema,
      response: {
        200: empty({
          description: 'The caller is signed in (and meets the requirements).',
          headers: ['AuthRequestUser', 'AuthRequestClient', 'AuthRequestSub', 'AuthRequestEmail', 'AuthRequestGroups']
        }),
        ...problems([...QUERY_REFUSALS, 'UNAUTHENTICATED', 'TOKEN_INVALID', 'NOT_PERMITTED', 'INSUFFICIENT_SCOPE', 'UPSTREAM_UNAVAILABLE'], {
          notes: {
            NOT_PERMITTED: 'The caller is not in `group` (a service\'s client-credentials token never is).',
            INSUFFICIENT_SCOPE: 'The access token lacks `scope`.'
          }
        })
      }
    }
  }, async (request, reply) => {
    const { token, email } = await presented(request)
    const { group, scope } = request.query
    const service = isClientCredentials(token)
    // A service is in no group, whatever claims a token customisation may have added.
    if (group !== undefined && (service || !token.groups.includes(group))) {
      throw new ApiError('NOT_PERMITTED', { detail: `Members of ${group} only.` })
    }
    if (scope !== undefined && !token.scope.includes(scope)) {
      throw new ApiError('INSUFFICIENT_SCOPE', {
        detail: `The access token lacks the ${scope} scope.`,
        headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` }
      })
    }
    if (service) reply.header('x-auth-request-client', token.clientId)
    else reply.header('x-auth-request-user', token.username)
    reply.header('x-auth-request-sub', token.sub)
    reply.header('x-auth-request-groups', service ? '' : token.groups.join(','))
    if (email !== undefined) reply.header('x-auth-request-email', email)
    // No body at all (a proxy reads only the status and headers); the schema's null would be sent as "null".
    return reply.code(200).send(undefined as never)
  })

  /** The caller's token (Bearer: access or ID; else the session cookies) and, from an ID token, the e-mail. */
  async function presented (request: FastifyRequest): Promise<{ token: VerifiedToken, email?: string }> {
    const fromHeader = request.headers.authorization !== undefined
    const raw = sessions.presentedAccessToken(request)
    if (raw === undefined) {
      throw new ApiError('UNAUTHENTICATED', {
        detail: 'Send Authorization: Bearer <token>, or the session cookie.',
        headers: { 'www-authenticate': 'Bearer' }
      })
    }
    const token = accepted(await tokenVerifier.verify(raw, fromHeader ? undefined : 'access'), false)
    let idToken = token.tokenUse === 'id' ? token : undefined
    const idCookie = fromHeader ? undefined : sessions.presentedIdToken(request)
    if (idCookie !== undefined) {
      // The access token's revocation lookup answers for its session's ID token: one store round trip per check.
      const verification = await tokenVerifier.verify(idCookie, 'id', { alongside: token })
      if (verification.ok && verification.token.sub === token.sub) idToken = verification.token
    }
    const email = idToken?.claims.email
    return { token, ...(typeof email === 'string' ? { email } : {}) }
  }
}

/**
 * The identity a good token carries (IdentitySchema), as JSON text. `claims` is the token's own JSON text, as signed
 * and already parsed once: serializing the parsed claims again cost more than the rest of the answer for a token seen
 * for the first time. Every other field goes through JSON.stringify. A test compares the whole with the schema.
 */
function identityJson (token: VerifiedToken): string {
  return `{"sub":${JSON.stringify(token.sub)},"username":${JSON.stringify(token.username)},"tokenUse":"${token.tokenUse}",` +
    `"clientId":${JSON.stringify(token.clientId)},"groups":${JSON.stringify(token.groups)},"scopes":${JSON.stringify(token.scope)},` +
    `"expiresAt":"${new Date(token.exp * 1000).toISOString()}","claims":${token.claimsJson}}`
}

/**
 * A client-credentials (machine-to-machine) access token: Cognito issues it
 * to an app client, not a user, so it names no username and its sub is the
 * client id.
 */
function isClientCredentials (token: VerifiedToken): boolean {
  return token.tokenUse === 'access' && token.claims.username === undefined && token.claims['cognito:username'] === undefined &&
    token.sub === token.clientId
}

export default tokenRoutes
