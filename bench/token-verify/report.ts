/**
 * The token benchmark's figures from its rounds. Throughput swings by half
 * between rounds on a shared host; CPU time per request much less, and the
 * ratio of two contenders measured in the same round least of all. So every
 * comparison is taken within a round (CPU ÷ S's, CPU − A's), then the median
 * over rounds is reported with its spread (min–max).
 */

/** One contender's measured run in one round. */
export interface Sample {
  rps: number
  p50: number
  p99: number
  /** Server CPU (utime + stime) over the run, per request, µs. */
  cpuUs: number
  requests: number
  jwksFetches: number
}

export interface Spread { median: number, min: number, max: number }

export function median (xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function spread (xs: number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }
}

/** `f` of two contenders' samples, round by round (rounds are the samples' positions), as a spread. */
export function perRound (a: Sample[], b: Sample[], f: (a: Sample, b: Sample) => number): Spread {
  const rounds = Math.min(a.length, b.length)
  return spread(Array.from({ length: rounds }, (_, i) => f(a[i]!, b[i]!)))
}

/** "138 (131–161)": the median, then the spread when there was more than one round. */
export function show (s: Spread, digits = 0): string {
  const at = (x: number) => x.toFixed(digits)
  return s.min === s.max ? at(s.median) : `${at(s.median)} (${at(s.min)}–${at(s.max)})`
}

/** What a contender is, for the table. */
export interface ContenderRow { id: string, what: string, bytes?: { headers: number, body: number } }

/**
 * The headline table: CPU per request first (median and spread over rounds), its ratio to S's in the same round,
 * then req/s and latency (medians) beside it.
 */
export function contenderTable (rows: ContenderRow[], samples: ReadonlyMap<string, Sample[]>): string[] {
  const stock = samples.get('S')
  const int = (x: number) => Math.round(x).toLocaleString('en')
  return [
    '| | contender | server CPU µs/req | CPU ÷ S\'s, same round | req/s | p50 ms | p99 ms | response bytes (headers + body) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.filter(row => (samples.get(row.id)?.length ?? 0) > 0).map(row => {
      const xs = samples.get(row.id)!
      const ratio = stock === undefined || stock.length === 0 ? '—' : show(perRound(xs, stock, (x, s) => x.cpuUs / s.cpuUs), 2)
      const bytes = row.bytes === undefined ? '—' : `${row.bytes.headers} + ${row.bytes.body}`
      return `| ${row.id} | ${row.what} | ${show(spread(xs.map(x => x.cpuUs)))} | ${ratio} | ${int(median(xs.map(x => x.rps)))} | ` +
        `${median(xs.map(x => x.p50)).toFixed(1)} | ${median(xs.map(x => x.p99)).toFixed(1)} | ${bytes} |`
    })
  ]
}

const check = (met: boolean) => met ? '✅' : '❌'

/** A CPU target of this kind, judged on the median over rounds of a same-round comparison. */
export interface CpuTarget {
  label: string
  /** The contender measured, and the one it is compared with in the same round. */
  of: string
  against: string
  kind: 'ratio' | 'difference'
  /** The ratio may be at most this (kind ratio), or the difference at most this many µs (kind difference). */
  limit: number
}

/** The target rows whose contenders were both measured. */
export function cpuTargetRows (targets: CpuTarget[], samples: ReadonlyMap<string, Sample[]>): string[] {
  return targets.flatMap(target => {
    const a = samples.get(target.of)
    const b = samples.get(target.against)
    if (a === undefined || b === undefined || a.length === 0 || b.length === 0) return []
    const figure = target.kind === 'ratio'
      ? perRound(a, b, (x, y) => x.cpuUs / y.cpuUs)
      : perRound(a, b, (x, y) => x.cpuUs - y.cpuUs)
    const text = target.kind === 'ratio'
      ? `${target.of} ÷ ${target.against} = ${show(figure, 2)}`
      : `${target.of} − ${target.against} = ${show(figure)} µs`
    return [`| ${target.label} | ${text} | ${check(figure.median <= target.limit)} |`]
  })
}

/** A throughput target (an earlier issue's): req/s of one contender at least `factor` × another's, same round. */
export function throughputTargetRows (targets: Array<[label: string, of: string, against: string, factor: number]>,
  samples: ReadonlyMap<string, Sample[]>): string[] {
  return targets.flatMap(([label, of, against, factor]) => {
    const a = samples.get(of)
    const b = samples.get(against)
    if (a === undefined || b === undefined || a.length === 0 || b.length === 0) return []
    const ratio = perRound(a, b, (x, y) => x.rps / y.rps)
    return [`| ${label} | ${of}/${against} = ${show(ratio, 2)} | ${check(ratio.median >= factor)} |`]
  })
}
