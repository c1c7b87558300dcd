/**
 * Where a process's CPU time went, from a V8 `.cpuprofile` (node --cpu-prof):
 * self time by function and by package (node_modules package, node's own
 * modules, this service's files, V8's GC/program/idle), and inclusive time by
 * function (each sample counted once per function on its stack), which says
 * what a hook or plugin costs with everything it calls.
 *
 *   tsx bench/token-verify/cpuprofile-summary.ts FILE.cpuprofile [TOP] [SKIP_MS]
 */
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

interface CallFrame { functionName: string, url: string, lineNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
export interface CpuProfile { nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }

export interface Share { name: string, ms: number, percent: number }
export interface ProfileSummary {
  /** Sampled time, ms, idle excluded. */
  busyMs: number
  idleMs: number
  selfByFunction: Share[]
  selfByPackage: Share[]
  /**
   * Each sample charged to the innermost package or service file on its stack, so node's and native code (the RSA
   * verify, JSON, hashing, socket writes) count for whoever called them; what fastify calls into node for itself
   * (parsing, writing the response) is `fastify (+ node http)`.
   */
  chargedToPackage: Share[]
  /**
   * Inclusive time of the functions of the service and of packages other than fastify: what a hook or plugin costs
   * with everything it calls, up to where fastify's own machinery takes over again (so a hook that calls `done()`
   * is not charged for the rest of the request).
   */
  inclusiveByFunction: Share[]
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)'])

/** The package a frame belongs to: `pkg` or `@scope/pkg` (innermost node_modules), `node:<module>`, `service: <file>`, or V8's own. */
export function packageOf (frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName) && frame.url === '') return frame.functionName
  const url = frame.url
  if (url === '') return '(native)'
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/')
    return parts[0] === 'internal' && parts.length > 2 ? `node:internal/${parts[1]}` : `node:${parts.join('/').replace(/\.js$/, '')}`
  }
  const modules = url.lastIndexOf('/node_modules/')
  if (modules !== -1) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/')
    return parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1]}` : parts[0] ?? url
  }
  const dist = url.lastIndexOf('/dist/')
  if (dist !== -1) return `service: ${url.slice(dist + '/dist/'.length)}`
  return url
}

function functionOf (frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName) && frame.url === '') return frame.functionName
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName
  if (frame.url === '') return `${name} (native)`
  return `${name} (${packageOf(frame)}:${frame.lineNumber + 1})`
}

/** Fastify's own machinery: a frame of these ends what a plugin above it on the stack is charged for. */
const FRAMEWORK = new Set(['fastify', 'find-my-way', 'avvio', 'light-my-request'])
/** Not a package: node's own modules, native code, V8's pseudo-frames. */
const isNodeOrNative = (pkg: string) => pkg.startsWith('node:') || pkg === '(native)' || SPECIAL.has(pkg)

/** `skipMs`: leave out the first milliseconds of the profile (start-up, warm-up). */
export function summarize (profile: CpuProfile, top = 15, skipMs = 0): ProfileSummary {
  const byId = new Map(profile.nodes.map(node => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<string, number>()
  const packages = new Map<string, number>()
  const charged = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let busy = 0
  let idle = 0
  let elapsed = 0
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us)
  profile.samples.forEach((id, i) => {
    // The delta before a sample is the time it stands for (the first one is the start offset).
    const us = i === 0 ? 0 : profile.timeDeltas[i] ?? 0
    elapsed += profile.timeDeltas[i] ?? 0
    const node = byId.get(id)
    if (!node || elapsed < skipMs * 1000) return
    if (node.callFrame.functionName === '(idle)') {
      idle += us
      return
    }
    busy += us
    const leafPackage = packageOf(node.callFrame)
    add(self, functionOf(node.callFrame), us)
    add(packages, leafPackage, us)
    let owner: string | undefined
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame
      const pkg = packageOf(frame)
      if (isNodeOrNative(pkg)) continue
      if (FRAMEWORK.has(pkg)) {
        owner ??= 'fastify (+ node http)'
        break
      }
      owner ??= pkg
      const key = functionOf(frame)
      if (!seen.has(key)) add(inclusive, key, us)
      seen.add(key)
    }
    add(charged, owner ?? leafPackage, us)
  })
  const ranked = (map: Map<string, number>): Share[] => [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, percent: busy === 0 ? 0 : 100 * us / busy }))
  return {
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    selfByFunction: ranked(self),
    selfByPackage: ranked(packages),
    chargedToPackage: ranked(charged),
    inclusiveByFunction: ranked(inclusive)
  }
}

/** Markdown table rows of shares; with the number of requests the profile covers, a µs-per-request column too. */
export function shareRows (shares: Share[], requests?: number): string[] {
  return shares.map(share => `| ${share.name.replaceAll('|', '\\|')} | ${share.ms.toFixed(0)} | ${share.percent.toFixed(1)} |` +
    (requests === undefined ? '' : ` ${(share.ms * 1000 / requests).toFixed(1)} |`))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2]
  if (file === undefined) throw new Error('usage: cpuprofile-summary.ts FILE.cpuprofile [TOP] [SKIP_MS]')
  const summary = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(process.argv[3] ?? 15), Number(process.argv[4] ?? 0))
  const table = (title: string, shares: Share[]) =>
    [`${title}`, '', '| name | ms | % of busy |', '|---|---|---|', ...shareRows(shares), ''].join('\n')
  process.stdout.write([
    `busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms`, '',
    table('Self time by function', summary.selfByFunction),
    table('Self time by package', summary.selfByPackage),
    table('Charged to package', summary.chargedToPackage),
    table('Inclusive time by function', summary.inclusiveByFunction)
  ].join('\n'))
}
