/** What the Cognito SDK's own model says, read from its published files. */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** Where the SDK's model declares, per command, the exceptions it throws. */
export const SDK_DIR = join(dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-cognito-identity-provider')), '..')

/** The exception names a command's JSDoc declares (`@throws {@link XException} (client fault)`), not the service's base class. */
export async function declaredExceptions (command: string): Promise<string[]> {
  const text = await readFile(join(SDK_DIR, 'dist-types', 'commands', `${command}Command.d.ts`), 'utf8')
  return [...text.matchAll(/@throws \{@link (\w+)\} \((?:client|server) fault\)/g)].map(match => match[1] as string)
}
