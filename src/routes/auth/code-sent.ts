import type { CodeDelivery } from '../../cognito/gateway.js'
import { ApiError } from '../../errors/catalog.js'

/**
 * Sends a code and answers the same whether or not the user exists, so the
 * endpoint cannot be used to probe for accounts; with REVEAL_USER_EXISTENCE
 * the delivery details (and USER_NOT_FOUND) come through.
 */
export async function codeSent (reveal: boolean, send: () => Promise<CodeDelivery | undefined>): Promise<{ status: 'sent', codeDelivery?: CodeDelivery }> {
  try {
    const codeDelivery = await send()
    return reveal ? { status: 'sent', codeDelivery } : { status: 'sent' }
  } catch (err) {
    if (err instanceof ApiError && err.code === 'USER_NOT_FOUND' && !reveal) return { status: 'sent' }
    throw err
  }
}
