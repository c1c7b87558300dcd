import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { CognitoGateway } from '../cognito/gateway.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The Cognito gateway: one function per user intent. */
    cognito: CognitoGateway
  }
}

/** Decorates the app with the gateway and closes its SDK client with the app. */
export default fp(async function cognito (fastify: FastifyInstance, options: { gateway: CognitoGateway }) {
  fastify.decorate('cognito', options.gateway)
  fastify.addHook('onClose', async () => options.gateway.close())
}, { name: 'cognito' })
