/**
 * What the service reads of local mode's outbox (the messages Cognito would
 * have sent): GET /local/messages lists them. The outbox itself belongs to the
 * local Cognito (packages/local-cognito), which a production install leaves
 * out; this interface and the empty default are all src/ needs of it.
 */
import type { Static } from '@sinclair/typebox'
import type { LocalMessageSchema } from '../schemas/local.js'

export type LocalMessage = Static<typeof LocalMessageSchema>

export interface Outbox {
  /** Newest first, optionally only one user's. */
  list (username?: string): LocalMessage[]
}

/** No messages: the /local/* routes of an app built without an outbox. */
export const emptyOutbox: Outbox = { list: () => [] }
