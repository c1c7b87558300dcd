import { readFile } from 'node:fs/promises'
import t from 'tap'
import { ERROR_CATALOG, ERROR_CODES } from '../../src/errors/catalog.js'
import { openApiDocument } from '../../src/openapi-document.js'
import { buildTestApp } from '../helper.js'

const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')

t.test('openapi/openapi.json matches the route schemas (run `npm run openapi` after changing a route)', async t => {
  t.equal(await openApiDocument(), committed)
})

t.test('the published Problem schema lists exactly the catalog codes', async t => {
  const document = JSON.parse(committed)
  const codes: string[] = document.components.schemas.Problem.properties.code.anyOf.map(
    (c: { enum?: string[], const?: string }) => c.const ?? c.enum?.[0]
  )
  t.same([...codes].sort(), [...ERROR_CODES].sort())
})

t.test('every error code is documented in README.md with its status', async t => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  for (const code of ERROR_CODES) {
    const row = readme.split('\n').find(line => line.includes(`\`${code}\``) && line.trimStart().startsWith('|'))
    t.ok(row, `${code} has a row in README.md`)
    if (row) t.match(row, String(ERROR_CATALOG[code].status), `${code}'s row gives status ${ERROR_CATALOG[code].status}`)
  }
})

t.test('the running app serves /openapi.json and renders /docs', async t => {
  const { app } = await buildTestApp(t)
  const json = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(json.statusCode, 200)
  t.ok(json.json().paths['/auth/login'])
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
})
