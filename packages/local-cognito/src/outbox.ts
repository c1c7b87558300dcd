/**
 * Local mode's mailbox: every message Cognito would have sent (sign-up and
 * reset codes, attribute-verification codes, temporary passwords). Kept newest
 * first for GET /local/messages and printed as one console line each. The
 * print goes to stdout, not the logger: logs never carry codes.
 *
 * With a file, the messages survive a restart as the codes in them do (the
 * emulator keeps its users): loaded when the outbox is created, saved after
 * every message (owner-only, since they hold codes and temporary passwords;
 * written to a temporary file and renamed, so a crash never leaves it torn).
 */
import { readFileSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'

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
  /** The e-mail as the custom-message trigger wrote it (local mode runs it in process): subject, HTML and text bodies. */
  subject?: string
  html?: string
  text?: string
}

export interface Outbox {
  add (message: Omit<LocalMessage, 'id' | 'sentAt'>): LocalMessage
  /** Newest first, optionally only one user's. */
  list (username?: string): LocalMessage[]
  /** Resolves once every message added so far is saved (at once without a file). */
  flush (): Promise<void>
}

const KEEP = 200

export interface OutboxOptions {
  /** Where the messages are kept across restarts (e.g. LOCAL_DATA_DIR/messages.json); none: memory only. */
  file?: string
}

export function createOutbox (
  print: (line: string) => void = line => process.stdout.write(line + '\n'),
  options: OutboxOptions = {}
): Outbox {
  const { file } = options
  const messages: LocalMessage[] = file === undefined ? [] : load(file)
  let nextId = messages.reduce((max, m) => Math.max(max, m.id), 0) + 1
  const save = file === undefined ? undefined : saver(file, () => messages)
  let saved: Promise<void> = Promise.resolve()

  return {
    add (message) {
      const stored = { id: nextId++, sentAt: new Date().toISOString(), ...message }
      messages.unshift(stored)
      messages.length = Math.min(messages.length, KEEP)
      const what = message.kind === 'AdminCreateUser' ? 'temporary password' : 'code'
      print(`[local cognito] ${message.kind} ${what} for ${message.username} (${message.medium} ${message.destination}): ${message.code}`)
      if (save) saved = save()
      return stored
    },
    list: username => messages.filter(m => username === undefined || m.username === username),
    flush: () => saved
  }
}

/** The saved messages; none when the file is missing or unreadable (a fresh data dir). */
function load (file: string): LocalMessage[] {
  try {
    const saved: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return Array.isArray(saved) ? saved.filter(isMessage).slice(0, KEEP) : []
  } catch {
    return []
  }
}

function isMessage (value: unknown): value is LocalMessage {
  const m = value as Partial<LocalMessage> | null
  return typeof m?.id === 'number' && typeof m.code === 'string' && typeof m.username === 'string' && typeof m.kind === 'string'
}

/**
 * One write at a time; messages added while one runs are saved together by
 * the next. A failed save is reported on stderr and retried with the next message.
 */
function saver (file: string, current: () => LocalMessage[]): () => Promise<void> {
  let running: Promise<void> | undefined
  let queued: Promise<void> | undefined
  const write = async (): Promise<void> => {
    const temporary = `${file}.${process.pid}.tmp`
    try {
      await writeFile(temporary, JSON.stringify(current(), null, 2) + '\n', { mode: 0o600 })
      await rename(temporary, file)
    } catch (err) {
      process.stderr.write(`[local cognito] could not save messages to ${file}: ${(err as Error).message}\n`)
    }
  }
  const start = (): Promise<void> => {
    const run = write().finally(() => { if (running === run) running = undefined })
    running = run
    return run
  }
  return () => {
    if (queued) return queued
    if (!running) return start()
    queued = running.then(() => {
      queued = undefined
      return start()
    })
    return queued
  }
}
