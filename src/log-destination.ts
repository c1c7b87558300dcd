/**
 * Where the service's log lines go: stdout, through pino's asynchronous
 * destination (sonic-boom: ordered writes, retried on EAGAIN), with the lines
 * of one turn of the event loop handed to it as one string.
 *
 * Why not each line on its own: every line is a request's, and sonic-boom
 * measures its pending text on every write and sends each write through
 * libuv's thread pool; a line each cost more than the rest of a /healthz
 * request (bench/RESULTS.md). A turn that answers twenty requests now makes
 * one write, and a lone request's line still goes out at the end of its turn,
 * without waiting for others. What is pending when the process exits is
 * written before it ends.
 */
import { destination } from 'pino'

export function logDestination (fd = 1): NodeJS.WritableStream {
  const stream = destination({ dest: fd, sync: false })
  let pending = ''
  let scheduled = false

  const handOver = () => {
    scheduled = false
    if (pending === '') return
    const text = pending
    pending = ''
    stream.write(text)
  }

  // pino flushes its destination on exit; lines of the last turn may not have reached it yet.
  process.once('exit', () => {
    if (pending === '') return
    try {
      handOver()
      stream.flushSync()
    } catch {
      // The destination was closed already (stdout gone): nothing can be written now.
    }
  })

  const lines = {
    write (line: string): boolean {
      pending += line
      if (!scheduled) {
        scheduled = true
        setImmediate(handOver)
      }
      return true
    },
    flushSync (): void {
      handOver()
      stream.flushSync()
    }
  }
  return lines as unknown as NodeJS.WritableStream
}
