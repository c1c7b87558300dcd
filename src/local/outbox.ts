/**
 * Local mode's mailbox: every message Cognito would have sent (sign-up and
 * reset codes, attribute-verification codes, temporary passwords). Kept newest
 * first for GET /local/messages and printed as one console line each. The
 * print goes to stdout, not the logger: logs never carry codes.
 */
export interface LocalMessage {
  id: number
  /** ISO time the message was "sent". */
  sentAt: string
  /** Why Cognito sent it: SignUp, ResendCode, ForgotPassword, AdminCreateUser (code is the temporary password)... */
  kind: string
  username: string
  destination: string
  medium: string
  code: string
}

export interface Outbox {
  add (message: Omit<LocalMessage, 'id' | 'sentAt'>): LocalMessage
  /** Newest first, optionally only one user's. */
  list (username?: string): LocalMessage[]
}

const KEEP = 200

export function createOutbox (print: (line: string) => void = line => process.stdout.write(line + '\n')): Outbox {
  const messages: LocalMessage[] = []
  let nextId = 1
  return {
    add (message) {
      const stored = { id: nextId++, sentAt: new Date().toISOString(), ...message }
      messages.unshift(stored)
      messages.length = Math.min(messages.length, KEEP)
      const what = message.kind === 'AdminCreateUser' ? 'temporary password' : 'code'
      print(`[local cognito] ${message.kind} ${what} for ${message.username} (${message.medium} ${message.destination}): ${message.code}`)
      return stored
    },
    list: username => messages.filter(m => username === undefined || m.username === username)
  }
}
