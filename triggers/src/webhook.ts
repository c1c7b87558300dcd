/**
 * The post-confirmation webhook: a JSON body signed with HMAC-SHA256 over `<timestamp>.<body>`, sent as
 * `X-Signature: sha256=<hex>` beside `X-Signature-Timestamp: <unix seconds>` (the receiver recomputes it with
 * the shared secret, compares in constant time and refuses an old timestamp: a replayed call).
 */
import { createHmac } from 'node:crypto'

export function sign (secret: string, timestamp: number, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

export async function postWebhook (url: URL, secret: string, payload: object, timeoutMs: number): Promise<void> {
  const body = JSON.stringify(payload)
  const timestamp = Math.floor(Date.now() / 1000)
  const answer = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': sign(secret, timestamp, body),
      'x-signature-timestamp': String(timestamp)
    },
    body,
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs)
  })
  await answer.body?.cancel()
  if (!answer.ok) throw new Error(`the webhook answered ${answer.status}`)
}
