/**
 * The size budget of openapi/openapi.json (docs/openapi.md, "Size budget"):
 * what a new route may cost, not only what is left of the 200 KB.
 *
 * - Each operation's own bytes: its object (`paths → path → method`) as one
 *   line of JSON, as the committed layout writes it. A route that references
 *   the shared problem answers, parameters and schemas stays well under; one
 *   that writes its problem documents or the headers of its responses inline
 *   does not.
 * - The fixed part: everything else (components, info, tags, servers, the path
 *   keys and the layout's indentation). Shared components grow with routes
 *   too, so it has its own slack.
 * - The whole document, under the 200 KB of issue 25.
 */

/** The budgets, from measurements (docs/openapi.md gives today's figures). */
export const BUDGET = {
  /** The whole document (issue 25). */
  total: 200_000,
  /** Everything but the operations' own objects. */
  fixed: 95_000,
  /** One operation's object. */
  operation: 3_500
}

export interface SizeReport {
  total: number
  fixed: number
  /** Each operation ("PATCH /me") and its own bytes, heaviest first. */
  operations: Array<{ name: string, bytes: number }>
}

/** Measures a document as committed (its text). */
export function measure (text: string): SizeReport {
  const document = JSON.parse(text) as { paths?: Record<string, Record<string, unknown>> }
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({
    name: `${method.toUpperCase()} ${path}`,
    bytes: Buffer.byteLength(JSON.stringify(operation))
  }))).sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1))
  const total = Buffer.byteLength(text)
  return { total, fixed: total - operations.reduce((sum, { bytes }) => sum + bytes, 0), operations }
}

const kb = (bytes: number) => bytes.toLocaleString('en')

/** What is over its budget, one line each (empty: within budget); each names the heaviest operations. */
export function overBudget (report: SizeReport): string[] {
  const heaviest = report.operations.slice(0, 5).map(({ name, bytes }) => `${name} ${kb(bytes)}`).join(', ')
  const over: string[] = []
  for (const { name, bytes } of report.operations) {
    if (bytes > BUDGET.operation) {
      over.push(`${name} is ${kb(bytes)} bytes, over the ${kb(BUDGET.operation)} of an operation: ` +
        'reference the shared problem answers, parameters and schemas instead of writing them inline (heaviest: ' + heaviest + ')')
    }
  }
  if (report.fixed > BUDGET.fixed) {
    over.push(`the components and the rest are ${kb(report.fixed)} bytes, over their ${kb(BUDGET.fixed)}: ` +
      `share what repeats (heaviest operations: ${heaviest})`)
  }
  if (report.total >= BUDGET.total) {
    over.push(`the document is ${kb(report.total)} bytes, not under ${kb(BUDGET.total)} (fixed part ${kb(report.fixed)}, ` +
      `${report.operations.length} operations; heaviest: ${heaviest})`)
  }
  return over
}
