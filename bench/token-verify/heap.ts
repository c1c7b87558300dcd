/**
 * The live V8 heap of a process started with --inspect=127.0.0.1:PORT: runs
 * a full garbage collection through the inspector (HeapProfiler.collectGarbage)
 * and prints `{ usedSize, totalSize }` (bytes) from Runtime.getHeapUsage, so
 * what a process retains is told apart from heap it merely has not given back.
 * Needs a WebSocket: `node --experimental-websocket --import tsx
 * bench/token-verify/heap.ts PORT` on Node 20 (global from Node 22).
 */
const port = process.argv[2]
const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Array<{ webSocketDebuggerUrl: string }>
if (target === undefined) throw new Error('no inspector target')
const socket = new WebSocket(target.webSocketDebuggerUrl)
await new Promise((resolve, reject) => {
  socket.addEventListener('open', resolve)
  socket.addEventListener('error', reject)
})
let next = 0
const pending = new Map<number, (result: unknown) => void>()
socket.addEventListener('message', event => {
  const message = JSON.parse(String(event.data)) as { id?: number, result?: unknown }
  if (message.id !== undefined) pending.get(message.id)?.(message.result)
})
const call = async (method: string) => await new Promise<unknown>(resolve => {
  const id = ++next
  pending.set(id, resolve)
  socket.send(JSON.stringify({ id, method }))
})
await call('HeapProfiler.collectGarbage')
const usage = await call('Runtime.getHeapUsage')
socket.close()
process.stdout.write(JSON.stringify(usage) + '\n')
