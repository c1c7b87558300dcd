/**
 * A markdown walkthrough as steps a test can run: every ```sh block of one
 * `## ` section, in order, each with the output block (```text or ```json)
 * that follows it, if any, before the next ```sh block. In an output block,
 * `…` stands for any run of characters on that line (ids, codes, times).
 */
export interface WalkthroughStep {
  /** The shell block, as the reader copies it. */
  code: string
  /** The lines the reader is told to expect, when an output block follows. */
  expected?: string[]
  /** Line of the block in the file, for messages. */
  line: number
}

const FENCE = /^```(\w*)\n([\s\S]*?)^```$/gm

/** The section under the `## ${heading}` heading, up to the next `## ` heading. */
export function section (markdown: string, heading: string): { text: string, firstLine: number } {
  const start = markdown.search(new RegExp(`^## ${heading}$`, 'm'))
  if (start < 0) throw new Error(`no "## ${heading}" section`)
  const rest = markdown.slice(start + 3)
  const end = rest.search(/^## /m)
  return {
    text: markdown.slice(start, end < 0 ? undefined : start + 3 + end),
    firstLine: markdown.slice(0, start).split('\n').length
  }
}

export function walkthroughSteps (markdown: string, heading = 'Walkthrough'): WalkthroughStep[] {
  const { text, firstLine } = section(markdown, heading)
  const steps: WalkthroughStep[] = []
  let previousWasShell = false
  for (const match of text.matchAll(FENCE)) {
    const [, language, body] = match as unknown as [string, string, string]
    const line = firstLine + text.slice(0, match.index).split('\n').length - 1
    if (language === 'sh') {
      steps.push({ code: body, line })
      previousWasShell = true
    } else if ((language === 'text' || language === 'json') && previousWasShell) {
      const step = steps[steps.length - 1] as WalkthroughStep
      step.expected = body.replace(/\n$/, '').split('\n')
      previousWasShell = false
    }
  }
  return steps
}

/** `expected` as a whole-line pattern: `…` matches anything on the line, the rest literally. */
export function linePattern (expected: string): RegExp {
  const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replaceAll('…', '.*?')}$`)
}

/**
 * The expected lines that do not appear in `output`, in order: each expected line must match a whole output line
 * after the one the previous expected line matched.
 */
export function missingLines (expected: readonly string[], output: string): string[] {
  // Header lines end in CR LF (curl -D -); a terminal shows them as lines all the same.
  const lines = output.split(/\r?\n/)
  const missing: string[] = []
  let at = 0
  for (const wanted of expected) {
    const pattern = linePattern(wanted)
    const found = lines.findIndex((line, index) => index >= at && pattern.test(line))
    if (found < 0) missing.push(wanted)
    else at = found + 1
  }
  return missing
}
