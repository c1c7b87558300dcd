import type { FastifyBaseLogger } from 'fastify'
import type { CodeDelivery } from '../../cognito/gateway.js'
import { isClientFault } from '../../errors/catalog.js'

/**
 * Sends a code and answers the same whether or not the user exists, so the
 * endpoint cannot be used to probe for accounts: any refusal that is about
 * the account (unknown, already confirmed, disabled, no verified address)
 * answers like a success, and only throttling and outages come through. With
 * REVEAL_USER_EXISTENCE the real answer and the delivery details come through.
 */
export async function codeSent (
  reveal: boolean,
  log: FastifyBaseLogger,
  send: () => Promise<CodeDelivery | undefined>
): Promise<{ status: 'sent', codeDelivery?: CodeDelivery }> {
  try {
    const codeDelivery = await send()
    return reveal ? { status: 'sent', codeDelivery } : { status: 'sent' }
  } catch (err) {
    if (reveal || !isClientFault(err)) throw err
    log.debug({ code: err.code }, 'code not sent; answered as sent so the account stays private')
    return { status: 'sent' }
  }
}
