/**
 * Preloaded into every test process (.taprc `node-arg`): a deprecated Node API
 * reached from this project's own code (src/, test/, bench/, scripts/) fails the
 * test file, as `--throw-deprecation` would. Deprecations raised inside
 * dependencies are left to print their warning: tap's TypeScript loader calls
 * `module.register()`, deprecated since Node 26 (DEP0205), which
 * `--throw-deprecation` would turn into a failure of every file.
 */
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const OWN = /^(src|test|bench|scripts)\//

/** The first frame of the warning's stack outside Node itself: whose call reached the deprecated API. */
export function callerOf (stack: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    // "at name (location:line:column)" or "at location:line:column"; Node's own locations are node:...
    const frame = line.trim().replace(/^at /, '')
    const location = (/\(([^()]+)\)$/.exec(frame)?.[1] ?? frame).replace(/:\d+:\d+$/, '')
    if (location.startsWith('file://')) return fileURLToPath(location)
    if (location.startsWith('/')) return location
  }
  return undefined
}

export function isOwnCode (file: string): boolean {
  return file.startsWith(root) && OWN.test(file.slice(root.length))
}

process.on('warning', warning => {
  if (warning.name !== 'DeprecationWarning') return
  const caller = callerOf(warning.stack ?? '')
  if (caller !== undefined && isOwnCode(caller)) throw warning
})
