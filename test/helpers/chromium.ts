/**
 * Debian's Chromium, headless, driven by playwright-core: the browser every
 * end-to-end test uses, closed with the test. `.ci/run` installs it.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'

export async function launchChromium (t: { teardown (fn: () => unknown): void }, extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs
    ]
  })
  t.teardown(() => browser.close())
  return browser
}
