/** Small file helpers shared by the local emulator's start-up code. */
import { access } from 'node:fs/promises'

/** Whether a path exists (any kind of entry). */
export async function exists (path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
