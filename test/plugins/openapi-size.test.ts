/**
 * The size budget of openapi/openapi.json (test/helpers/openapi-budget.ts,
 * docs/openapi.md): the committed document within it, and the budget failing
 * the regressions it is there for, each made on a copy of the document.
 */
import t from 'tap'
import { layout } from '../../src/openapi-document.js'
import { committed } from '../helpers/committed-openapi.js'
import { BUDGET, measure, overBudget } from '../helpers/openapi-budget.js'

type Json = Record<string, unknown>
interface Document { paths: Record<string, Record<string, { responses: Record<string, Json> }>>, components: Record<string, Json> }
const copy = () => JSON.parse(committed) as Document
/** The headers every response carries, as a response would declare them. */
const EVERY = { 'x-request-id': { $ref: '#/components/headers/RequestId' }, 'Cache-Control': { $ref: '#/components/headers/CacheControl' } }
const text = (document: unknown) => layout(document) + '\n'

t.test('openapi/openapi.json keeps its size budget: each operation, the fixed part, the whole', async t => {
  const report = measure(committed)
  t.same(overBudget(report), [], 'within budget')
  t.comment(`total ${report.total}, fixed ${report.fixed}, ${report.operations.length} operations, heaviest ` +
    report.operations.slice(0, 3).map(({ name, bytes }) => `${name} ${bytes}`).join(', '))
  t.equal(report.fixed + report.operations.reduce((sum, { bytes }) => sum + bytes, 0), report.total, 'the parts add up to the file')
})

t.test('an operation that writes its problem answers inline, with their headers, is over its budget and named', async t => {
  const document = copy()
  const responses = document.paths['/me']!.patch!.responses
  const shared = document.components.responses as Record<string, Json>
  for (const [status, response] of Object.entries(responses)) {
    const ref = response.$ref
    const inline = typeof ref === 'string' ? structuredClone(shared[ref.split('/').pop()!]!) : response
    inline.headers = { ...EVERY, ...inline.headers as Json }
    responses[status] = inline
  }
  const over = overBudget(measure(text(document)))
  t.equal(over.length, 1, 'one thing over budget')
  t.match(over[0], /^PATCH \/me is [\d,]+ bytes, over the 3,500 of an operation: .*\(heaviest: PATCH \/me /)
})

t.test('components that grow past their slack fail, naming the heaviest operations', async t => {
  const document = copy()
  const before = measure(committed)
  document.components.schemas!.Padding = { description: 'x'.repeat(BUDGET.fixed - before.fixed) }
  // Past 95,000 the whole is past 200 KB too, today: both say so.
  t.match(overBudget(measure(text(document))), [
    /^the components and the rest are [\d,]+ bytes, over their 95,000: .*heaviest operations: [A-Z]+ \//,
    /^the document is [\d,]+ bytes, not under 200,000/
  ])
})

t.test('a document of 200 KB or more fails, with its fixed part and heaviest operations', async t => {
  const report = { ...measure(committed), total: BUDGET.total }
  // The count and the heaviest follow the document: a new route changes them, not the message's shape.
  const operations = report.operations.length
  const expected = `^the document is 200,000 bytes, not under 200,000 \\(fixed part [\\d,]+, ${operations} operations; heaviest: [A-Z]+ /`
  t.match(overBudget(report), [new RegExp(expected)])
})
