/**
 * The servers the service is measured against, one per process:
 * `node --import tsx bench/token-verify/contenders.ts NAME`. Each answers
 * `POST /verify` with a JSON body `{ token }`: 200 and the token's claims, or
 * 401. Written as a team would write them from each library's README, with
 * the Cognito checks the service makes (issuer, RS256, token_use access,
 * client_id). Default logging (Fastify: none; Express: none). The port goes
 * to the parent over IPC.
 *
 * Environment: BENCH_ISSUER, BENCH_JWKS_URI (tagged URL of the JWKS server),
 * BENCH_CLIENT_ID, BENCH_POOL_ID (cognito-express only).
 */
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt'
import { JwtVerifier } from 'aws-jwt-verify'
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier'
import { SimpleJwksCache } from 'aws-jwt-verify/jwk'
import express, { type NextFunction, type Request, type Response } from 'express'
import Fastify from 'fastify'
import buildGetJwks from 'get-jwks'
import { createMemoryStore } from '../../src/store/memory-store.js'
import { createTokenVerifier } from '../../src/verify/verifier.js'

const issuer = required('BENCH_ISSUER')
const jwksUri = required('BENCH_JWKS_URI')
const clientId = required('BENCH_CLIENT_ID')

function required (name: string): string {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

const bodySchema = {
  type: 'object',
  required: ['token'],
  properties: { token: { type: 'string', minLength: 1 } }
} as const

interface TokenBody { token: string }

/**
 * aws-jwt-verify as its README has it for a non-Cognito-format issuer, with the Cognito field checks (S and F).
 * Its default fetcher speaks https only: the local JWKS is fetched (once, at hydrate) with fetch instead.
 */
async function awsJwtVerifier () {
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => await (await fetch(uri)).arrayBuffer() } })
  const verifier = JwtVerifier.create({
    issuer,
    jwksUri,
    audience: null,
    customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'access', clientId })
  }, { jwksCache })
  await verifier.hydrate()
  return verifier
}

/** (A) The HTTP floor: the same request, parsed and validated, no token check. */
async function bare () {
  const app = Fastify()
  app.post<{ Body: TokenBody }>('/verify', { schema: { body: bodySchema } }, async () => ({ ok: true }))
  return await listenFastify(app)
}

/** (S) Stock Fastify route doing only aws-jwt-verify. */
async function stock () {
  const verifier = await awsJwtVerifier()
  const app = Fastify()
  app.post<{ Body: TokenBody }>('/verify', { schema: { body: bodySchema } }, async (request, reply) => {
    try {
      return await verifier.verify(request.body.token)
    } catch {
      return await reply.code(401).send({ error: 'invalid token' })
    }
  })
  return await listenFastify(app)
}

/**
 * (V) S's stock Fastify route with the service's own verifier in place of aws-jwt-verify: the same checks as the
 * service (revocation looked up in the memory store, the verified-token cache of 10,000) and no plugin stack. V ÷ S
 * is the verifier alone; Bm ÷ V is what the service's plugins (request id, headers, origin, logging, metrics,
 * shedding) add to a miss.
 */
async function serviceVerifier () {
  const verifier = createTokenVerifier({ pool: { issuer, jwksUri, clientId }, timeoutMs: 5000, store: createMemoryStore() })
  await verifier.hydrate()
  const app = Fastify()
  app.post<{ Body: TokenBody }>('/verify', { schema: { body: bodySchema } }, async (request, reply) => {
    const verification = await verifier.verify(request.body.token, 'access')
    if (!verification.ok) return await reply.code(401).send({ error: 'invalid token' })
    return await reply.type('application/json; charset=utf-8').send(verification.token.claimsJson)
  })
  return await listenFastify(app)
}

/** (F) Express 5 with an aws-jwt-verify middleware. */
async function expressAwsJwtVerify () {
  const verifier = await awsJwtVerifier()
  const app = express()
  app.use(express.json())
  const authenticate = (request: Request, response: Response, next: NextFunction) => {
    const token = (request.body as Partial<TokenBody> | undefined)?.token
    if (typeof token !== 'string') return response.status(401).json({ error: 'no token' })
    verifier.verify(token).then(payload => {
      response.locals.claims = payload
      next()
    }, () => response.status(401).json({ error: 'invalid token' }))
  }
  app.post('/verify', authenticate, (_request, response) => { response.json(response.locals.claims) })
  return await listenExpress(app)
}

/**
 * (E) Express 5 with cognito-express. It hard-codes the issuer
 * (https://cognito-idp.REGION.amazonaws.com/POOL) and fetches the JWKS from
 * there with axios on construction; an axios request interceptor sends that
 * one fetch to the local JWKS server instead. Tokens for E carry the AWS
 * issuer. cognito-express checks iss, token_use, signature and expiry
 * (jsonwebtoken), not the client id: the route adds that.
 */
async function expressCognito () {
  const fromCognitoExpress = createRequire(createRequire(import.meta.url).resolve('cognito-express'))
  const axios = fromCognitoExpress('axios') as { interceptors: { request: { use (f: (config: { url?: string }) => unknown): void } } }
  axios.interceptors.request.use(config => {
    if (config.url?.endsWith(`/${required('BENCH_POOL_ID')}/.well-known/jwks.json`) === true) return { ...config, url: jwksUri }
    return config
  })
  const CognitoExpress = fromCognitoExpress('cognito-express') as new (options: Record<string, unknown>) => {
    hasFinishedProcessing: Promise<void>
    validate (token: string): Promise<Record<string, unknown>>
  }
  const cognitoExpress = new CognitoExpress({
    region: 'us-east-1',
    cognitoUserPoolId: required('BENCH_POOL_ID'),
    tokenUse: 'access',
    tokenExpiration: 3600000
  })
  await cognitoExpress.hasFinishedProcessing
  const app = express()
  app.use(express.json())
  const authenticate = (request: Request, response: Response, next: NextFunction) => {
    const token = (request.body as Partial<TokenBody> | undefined)?.token
    if (typeof token !== 'string') return response.status(401).json({ error: 'no token' })
    cognitoExpress.validate(token).then(payload => {
      if (payload.client_id !== clientId) return response.status(401).json({ error: 'wrong client' })
      response.locals.claims = payload
      next()
    }, () => response.status(401).json({ error: 'invalid token' }))
  }
  app.post('/verify', authenticate, (_request, response) => { response.json(response.locals.claims) })
  return await listenExpress(app)
}

/**
 * (G) Fastify with @fastify/jwt and get-jwks, the pattern of @fastify/jwt's
 * README (key by kid from `<iss>/.well-known/jwks.json`), the issuer
 * allowlisted in both; token_use and client_id checked in the route.
 * `cache`: fast-jwt's verified-token cache (`verify: { cache: true }`, 1000 entries).
 */
async function fastifyJwtGetJwks (cache: boolean) {
  const getJwks = buildGetJwks({ issuersWhitelist: [issuer] })
  const app = Fastify()
  await app.register(fastifyJwt, {
    decode: { complete: true },
    secret: async (_request: unknown, token: TokenOrHeader) => {
      const { header: { kid, alg }, payload: { iss } } = token as { header: { kid: string, alg: string }, payload: { iss: string } }
      return await getJwks.getPublicKey({ kid, domain: iss, alg })
    },
    verify: {
      allowedIss: issuer,
      algorithms: ['RS256'],
      extractToken: request => (request.body as Partial<TokenBody> | undefined)?.token,
      ...(cache ? { cache: true } : {})
    }
  })
  app.post<{ Body: TokenBody }>('/verify', { schema: { body: bodySchema } }, async (request, reply) => {
    let payload: Record<string, unknown>
    try {
      payload = await request.jwtVerify()
    } catch {
      return await reply.code(401).send({ error: 'invalid token' })
    }
    if (payload.token_use !== 'access' || payload.client_id !== clientId) return await reply.code(401).send({ error: 'invalid token' })
    return payload
  })
  return await listenFastify(app)
}

async function listenFastify (app: ReturnType<typeof Fastify>): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as AddressInfo).port
}

async function listenExpress (app: ReturnType<typeof express>): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', error => error ? reject(error) : resolve((server.address() as AddressInfo).port))
  })
}

const contenders: Record<string, () => Promise<number>> = {
  bare,
  stock,
  'service-verifier': serviceVerifier,
  'express-aws-jwt-verify': expressAwsJwtVerify,
  'express-cognito': expressCognito,
  'fastify-jwt': () => fastifyJwtGetJwks(false),
  'fastify-jwt-cache': () => fastifyJwtGetJwks(true)
}

const name = process.argv[2] ?? ''
const start = contenders[name]
if (start === undefined) throw new Error(`unknown contender "${name}"; one of ${Object.keys(contenders).join(', ')}`)
const port = await start()
process.send?.({ port })
// Exit normally on SIGTERM, so that a profiled contender (--cpu-prof) writes its profile.
process.once('SIGTERM', () => process.exit(0))
