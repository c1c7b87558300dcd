/** What the Cognito SDK's own model says, read from its published files. */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** Where the SDK's model declares, per command, the exceptions it throws. */
export const SDK_DIR = join(dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-cognito-identity-provider')), '..')

/** The identity pool SDK's (Cognito Identity), read the same way. */
export const IDENTITY_SDK_DIR = join(dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-cognito-identity')), '..')

/** The exception names a command's JSDoc declares (`@throws {@link XException} (client fault)`), not the service's base class. */
export async function declaredExceptions (command: string, sdkDir = SDK_DIR): Promise<string[]> {
  const text = await readFile(join(sdkDir, 'dist-types', 'commands', `${command}Command.d.ts`), 'utf8')
  return [...text.matchAll(/@throws \{@link (\w+)\} \((?:client|server) fault\)/g)].map(match => match[1] as string)
}
