/**
 * The OpenAPI document, generated from the route schemas: served at
 * /openapi.json, rendered at /docs, and written to openapi/openapi.json by
 * `npm run openapi` (a test fails when the committed copy drifts).
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { cookieNames } from '../tokens/cookies.js'

export default fp(async function openapi (fastify: FastifyInstance) {
  const { config } = fastify
  const https = config.publicUrl.protocol === 'https:'
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'cognito-bff',
        version: '0.1.0',
        description: 'JSON endpoints for every AWS Cognito User Pool flow. ' +
          'Every error is an RFC 9457 problem (application/problem+json) with a stable `code`.'
      },
      tags: [
        { name: 'sign-up' }, { name: 'session' }, { name: 'password' }, { name: 'me' },
        { name: 'operations' }, { name: 'local mode', description: 'Only when running on the embedded emulator.' }
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito access token (login with tokenDelivery "body").' },
          cookie: { type: 'apiKey', in: 'cookie', name: cookieNames(https).access, description: 'The sealed session cookie set by login.' }
        }
      }
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    }
  })
  await fastify.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Its CSP always asks to upgrade to https, which breaks the page on plain-http local mode.
    transformStaticCSP: header => https ? header : header.replace(/\s*upgrade-insecure-requests;?/, '')
  })

  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
}, { name: 'openapi' })
