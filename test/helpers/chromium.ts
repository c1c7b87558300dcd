/**
 * Debian's Chromium, headless, driven by playwright-core: the browser every
 * end-to-end test uses, closed with the test. `.ci/run` installs it.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { BROWSER_ACTION_MS, READY_MS } from './timeouts.js'

const CHROMIUM = '/usr/bin/chromium'

export async function launchChromium (t: { teardown (fn: () => unknown): void }, extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: READY_MS,
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

/**
 * A new browser context, closed with the test, whose actions and waits time out after BROWSER_ACTION_MS: each takes
 * a fraction of a second when it works, far longer on a busy machine.
 */
export async function openContext (t: { teardown (fn: () => unknown): void }, browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext()
  t.teardown(() => context.close())
  context.setDefaultTimeout(BROWSER_ACTION_MS)
  return context
}
