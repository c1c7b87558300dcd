import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiError, ERROR_CATALOG, ERROR_CODES, problemType, type ErrorCode } from '../../errors/catalog.js'
import { problems } from '../../schemas/problem.js'
import { ProblemPageParamsSchema } from '../../schemas/problems.js'
import { html } from '../../schemas/responses.js'
import { escapeHtml, htmlPage as page, withCode } from '../html.js'

const tags = ['operations']

/**
 * The pages a problem's `type` names: what each code means and what a client
 * should do, from the error catalog (so pages, OpenAPI and docs/errors.md agree).
 */
const problemPages: FastifyPluginAsyncTypebox = async (fastify) => {
  const byPath = new Map(ERROR_CODES.map(code => [problemType(code), code]))

  fastify.get('/problems', {
    schema: {
      tags,
      operationId: 'problemIndex',
      summary: 'Every problem code this service answers, with its status',
      description: 'An HTML page listing every problem code of the error catalog with its status: where a problem\'s `type` points.',
      response: { 200: html({ description: 'An index of the problem pages.' }), ...problems(['INTERNAL_ERROR'], { noSharedState: true }) }
    }
  }, async (_request, reply) => {
    const rows = ERROR_CODES.map(code =>
      `<tr><td><a href="${problemType(code)}"><code>${code}</code></a></td><td>${ERROR_CATALOG[code].status}</td>` +
      `<td>${escapeHtml(ERROR_CATALOG[code].title)}</td></tr>`)
    return page(reply, 'Problem codes', `<table><tr><th>code</th><th>status</th><th>title</th></tr>${rows.join('')}</table>`)
  })

  fastify.get('/problems/:code', {
    schema: {
      tags,
      operationId: 'problemPage',
      summary: 'What a problem code means and what to do about it',
      description: 'The HTML page a problem\'s `type` (/problems/<code>) names: what the code means and what a client can do about it.',
      params: ProblemPageParamsSchema,
      response: {
        200: html({ description: 'The page for the code.' }),
        ...problems(['VALIDATION_FAILED', 'NOT_FOUND', 'INTERNAL_ERROR'], { noSharedState: true })
      }
    }
  }, async (request, reply) => {
    const code: ErrorCode | undefined = byPath.get(`/problems/${request.params.code}`)
    if (code === undefined) throw new ApiError('NOT_FOUND', { detail: `No problem code ${request.params.code}; see /problems.` })
    const { status, title, advice } = ERROR_CATALOG[code]
    return page(reply, code, `<p><code>${code}</code>, HTTP ${status}: ${escapeHtml(title)}</p>` +
      `<h2>What to do</h2><p>${withCode(advice)}</p><p><a href="/problems">Every code</a> · <a href="/docs">API reference</a></p>`)
  })
}

export default problemPages
