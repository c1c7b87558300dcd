/**
 * Every problem's `type` names a page that explains the code; the catalog,
 * the pages, the OpenAPI document and the README say the same.
 */
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { ERROR_CATALOG, ERROR_CODES, problemType } from '../../../src/errors/catalog.js'
import { buildAwsApp, expectProblem } from '../../helper.js'

const { app } = await buildAwsApp(t)
const document = JSON.parse(await readFile(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8'))
const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8')

t.test('the type of a real problem resolves to its page', async t => {
  const refused = await app.inject({ method: 'GET', url: '/me' })
  const { type } = refused.json()
  t.equal(type, '/problems/unauthenticated')
  const page = await app.inject({ method: 'GET', url: type })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, 'HTTP 401')
})

t.test('a page for every code: its status, title and what to do; the index lists them all', async t => {
  const index = await app.inject({ method: 'GET', url: '/problems' })
  for (const code of ERROR_CODES) {
    const { status, title, advice } = ERROR_CATALOG[code]
    const page = await app.inject({ method: 'GET', url: problemType(code) })
    t.equal(page.statusCode, 200, `${code} has a page`)
    t.match(page.body, `<code>${code}</code>, HTTP ${status}`)
    t.match(page.body, title.replaceAll('\'', '&#39;'))
    t.match(page.body, /<h2>What to do<\/h2><p>[^<]/)
    t.ok(advice.length > 20, `${code} says what to do`)
    t.match(index.body, `href="${problemType(code)}"`)
  }
})

t.test('the OpenAPI document and the README point at the pages', async t => {
  t.match(document.components.schemas.Problem.properties.type.description, '/problems/<code>')
  t.match(readme, /\/problems\/<code>|\/problems\//)
  t.match(readme, '"type":"/problems/')
})

t.test('an unknown code is a 404 problem', async t => {
  const unknown = await app.inject({ method: 'GET', url: '/problems/no-such-code' })
  expectProblem(t, unknown, 'NOT_FOUND', { detail: 'No problem code no-such-code; see /problems.' })
})
