/**
 * A process's CPU time, µs, at nanosecond resolution: the sum over its
 * threads of the time the scheduler ran them (/proc/PID/task/TID/schedstat,
 * user and kernel together). /proc/PID/stat counts in clock ticks (10 ms), too
 * coarse for a few hundred requests of a millisecond each; it is the fallback
 * where schedstat is missing. Threads that have exited are not counted: node's
 * (the thread pool, V8's workers) live as long as the process.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100)

export function cpuMicros (pid: number): number {
  try {
    let ns = 0
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
    }
    return ns / 1000
  } catch {
    return tickMicros(pid).user + tickMicros(pid).kernel
  }
}

/** utime and stime from /proc/PID/stat, µs (clock ticks): where the user and kernel parts must be told apart. */
export function tickMicros (pid: number): { user: number, kernel: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { user: Number(fields[11]) * TICK_US, kernel: Number(fields[12]) * TICK_US }
}
