/**
 * The emulator's data store, in place of its StormDB one: same files (one
 * JSON document per pool, `clients.json`, `config.json`), same in-memory
 * object semantics (cognito-local mutates what `get` returns), but saved
 * atomically and one save at a time. StormDB rewrites the file in place
 * (truncate, then write), so the file is empty for a moment on every save,
 * a crash then loses every user, and concurrent saves interleave into
 * invalid JSON. Here a save writes a temporary file and renames it over the
 * old one, and saves requested while one is running share the next write.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Context } from 'cognito-local/lib/services/context.js'
import type { DataStore } from 'cognito-local/lib/services/dataStore/dataStore.js'
import type { DataStoreFactory } from 'cognito-local/lib/services/dataStore/factory.js'

/** Rewrites a value on its way into the store (e.g. a user record's refresh tokens pruned). */
export type Prepare = (key: readonly string[], value: unknown) => unknown

type Doc = Record<string, unknown>

export class JsonFileDataStoreFactory implements DataStoreFactory {
  private readonly directory: string
  private readonly options: { prepare?: Prepare }

  // Plain fields, not parameter properties: Node's type stripping runs this file as is.
  constructor (directory: string, options: { prepare?: Prepare } = {}) {
    this.directory = directory
    this.options = options
  }

  async create (_ctx: Context, id: string, defaults: object): Promise<DataStore> {
    await mkdir(this.directory, { recursive: true })
    const store = new JsonFileDataStore(join(this.directory, `${id}.json`), this.options.prepare)
    await store.load(defaults)
    return store
  }
}

export class JsonFileDataStore implements DataStore {
  private state: Doc = {}
  /** The write running now, and the one that will start after it (shared by every save asked for meanwhile). */
  private current?: Promise<void>
  private next?: Promise<void>

  readonly file: string
  private readonly prepare?: Prepare

  constructor (file: string, prepare?: Prepare) {
    this.file = file
    this.prepare = prepare
  }

  /** Reads the file; a missing or empty one starts from `defaults` (as StormDB does) and is written at once. */
  async load (defaults: object): Promise<void> {
    let text = ''
    try {
      text = await readFile(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const loaded = text.trim() === '' ? {} : parse(text, this.file)
    this.state = Object.keys(loaded).length === 0 ? structuredClone(defaults) as Doc : loaded
    await this.save()
  }

  async getRoot<T> (_ctx: Context): Promise<T | null> {
    return this.state as T
  }

  async get<T> (_ctx: Context, key: string | string[], defaultValue?: T): Promise<T | null> {
    let node: unknown = this.state
    for (const k of path(key)) {
      if (node === null || typeof node !== 'object') return defaultValue ?? null
      node = own(node as Doc, k)
    }
    return (node as T | undefined) ?? defaultValue ?? null
  }

  async set<T> (_ctx: Context, key: string | string[], value: T): Promise<void> {
    const keys = path(key)
    const last = keys.pop()!
    let node = this.state
    for (const k of keys) {
      const child = own(node, k)
      node = (child !== null && typeof child === 'object' ? child : define(node, k, {})) as Doc
    }
    define(node, last, this.prepare ? this.prepare([...keys, last], value) : value)
    await this.save()
  }

  async delete (_ctx: Context, key: string | string[]): Promise<void> {
    const keys = path(key)
    const last = keys.pop()!
    let node: unknown = this.state
    for (const k of keys) node = node !== null && typeof node === 'object' ? own(node as Doc, k) : undefined
    if (node !== null && typeof node === 'object' && Object.hasOwn(node, last)) delete (node as Doc)[last]
    await this.save()
  }

  /** Resolves once a write that began after this call has reached the disk. */
  save (): Promise<void> {
    if (this.next) return this.next
    if (!this.current) return this.start()
    this.next = this.current.catch(() => {}).then(() => {
      this.next = undefined
      return this.start()
    })
    return this.next
  }

  private start (): Promise<void> {
    const write = this.write().finally(() => {
      if (this.current === write) this.current = undefined
    })
    this.current = write
    return write
  }

  private async write (): Promise<void> {
    // Serialized now, so later changes wait for the next write instead of tearing this one.
    const text = JSON.stringify(this.state, datesToText, 2)
    const temporary = `${this.file}.${process.pid}.tmp`
    await writeFile(temporary, text)
    await rename(temporary, this.file)
  }
}

function path (key: string | string[]): string[] {
  return Array.isArray(key) ? [...key] : [key]
}

/** cognito-local's convention: fields named *Date hold Dates, stored as ISO text. */
function datesToText (this: Doc, key: string, value: unknown): unknown {
  const raw = this[key]
  return key.endsWith('Date') && raw instanceof Date ? raw.toISOString() : value
}

function textToDates (key: string, value: unknown): unknown {
  return key.endsWith('Date') && (typeof value === 'string' || typeof value === 'number') ? new Date(value) : value
}

function parse (text: string, file: string): Doc {
  try {
    return JSON.parse(text, textToDates) as Doc
  } catch (err) {
    throw new Error(`The emulator's data file ${file} is not valid JSON; move it aside to start over`, { cause: err })
  }
}

/**
 * Keys are usernames and ids from requests: `__proto__`, `constructor` or
 * `toString` must name entries of their own, never the built-in members every
 * object inherits (a user called `constructor` would otherwise "exist", and
 * one called `__proto__` would replace the document's prototype).
 */
function own (node: Doc, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined
}

function define<T> (node: Doc, key: string, value: T): T {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true })
  return value
}
