import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import t from 'tap'
import { guard, routeSecurity } from '../../src/plugins/openapi-security.js'

/** A bare Fastify app recording each route with the scope it was declared on, as plugins/openapi.ts does. */
async function derived (build: (app: FastifyInstance) => Promise<void>) {
  const app = Fastify()
  const routes = new Map<string, { scope: FastifyInstance, route: RouteOptions }>()
  app.addHook('onRoute', function (route) { routes.set(route.url, { scope: this, route }) })
  await build(app)
  await app.ready()
  const security = Object.fromEntries([...routes].map(([url, { scope, route }]) => [url, routeSecurity(scope, route)]))
  await app.close()
  return security
}

const user = guard(async function requireUser () {}, [{ bearer: [] }])
const admin = guard(async function requireAdmin () {}, [{ bearer: [] }, { adminClient: ['x/admin'] }])
const unmarked = async function checkSomething () {}

t.test('a route\'s security is its guard\'s: on its scope, a parent scope or itself; none is anonymous', async t => {
  const security = await derived(async app => {
    app.get('/open', async () => 'ok')
    app.get('/unmarked', { onRequest: unmarked }, async () => 'ok')
    app.get('/own-hook', { preHandler: [unmarked, user] }, async () => 'ok')
    app.get('/declared', { schema: { security: [{ metricsToken: [] }] } }, async () => 'ok')
    await app.register(async scope => {
      scope.addHook('onRequest', user)
      scope.get('/scoped', async () => 'ok')
      await scope.register(async child => {
        // The last guard to run decides: an admin scope inside a signed-in one.
        child.addHook('preValidation', admin)
        child.get('/nested', async () => 'ok')
      })
      // Added after the route: still the scope's guard when the document is read.
      scope.get('/before-hook', async () => 'ok')
      scope.addHook('preHandler', unmarked)
    })
    await app.register(async scope => {
      scope.get('/late', async () => 'ok')
      scope.addHook('onRequest', user)
    })
  })
  t.same(security, {
    '/open': [],
    '/unmarked': [],
    '/own-hook': [{ bearer: [] }],
    '/declared': [{ metricsToken: [] }],
    '/scoped': [{ bearer: [] }],
    '/nested': [{ bearer: [] }, { adminClient: ['x/admin'] }],
    '/before-hook': [{ bearer: [] }],
    '/late': [{ bearer: [] }]
  })
})

t.test('a scope whose hooks cannot be read fails loudly rather than leaving the route anonymous', async t => {
  t.throws(() => routeSecurity({} as FastifyInstance, {}), /cannot read a route scope's hooks/)
})
