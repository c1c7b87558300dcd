import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { CodeDelivery } from '../../cognito/gateway.js'
import { ApiError, isClientFault } from '../../errors/catalog.js'

/**
 * Sends a code and answers the same whether or not the user exists, so the
 * endpoint cannot be used to probe for accounts: any refusal that is about
 * the account (unknown, already confirmed, disabled, no verified address)
 * answers like a success, and only throttling and outages come through. The
 * answer also waits for a floor (UNIFORM_ANSWER_MS), since Cognito takes a
 * little longer to send a code than to find no one to send it to. With
 * REVEAL_USER_EXISTENCE the real answer and the delivery details come through.
 * A code that could not be sent (CODE_DELIVERY_FAILED: Cognito's daily e-mail
 * limit, a broken SMS set-up) is about an account that exists, so it answers
 * as sent too, with an error-level line for the operator; a request the
 * pool's firewall blocked (REQUEST_BLOCKED) is not about the account and
 * comes through.
 */
export async function codeSent (
  options: { reveal: boolean, floorMs: number, log: FastifyBaseLogger },
  send: () => Promise<CodeDelivery | undefined>
): Promise<{ status: 'sent', codeDelivery?: CodeDelivery }> {
  const started = performance.now()
  const uniform = async <T>(answer: T): Promise<T> => {
    const left = options.floorMs - (performance.now() - started)
    if (left > 0) await sleep(left)
    return answer
  }
  try {
    const codeDelivery = await send()
    return options.reveal ? { status: 'sent', codeDelivery } : await uniform({ status: 'sent' })
  } catch (err) {
    if (!options.reveal && err instanceof ApiError && err.code === 'CODE_DELIVERY_FAILED') {
      options.log.error({ err: err.cause ?? err, code: err.code }, 'code not sent; answered as sent so the account stays private')
      return await uniform({ status: 'sent' })
    }
    if (options.reveal || !isClientFault(err) || err.code === 'REQUEST_BLOCKED') throw err
    options.log.debug({ code: err.code }, 'code not sent; answered as sent so the account stays private')
    return await uniform({ status: 'sent' })
  }
}
