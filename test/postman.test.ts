/**
 * The Postman collection and environment (postman/, `npm run postman`): committed as generated from the
 * committed contract, every operation in them with the auth the contract gives it, and the walkthrough
 * folders' scripts valid JavaScript. newman runs the walkthroughs against local mode in .ci/run
 * (`npm run postman:check`).
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { authenticator } from 'otplib'
import t from 'tap'
import { operationKey, postmanFiles, requests, type Collection } from '../scripts/postman/collection.js'
import { totpCode } from '../scripts/postman/scripts.js'
import { walkthroughs } from '../scripts/postman/walkthroughs.js'
import { committed } from './helpers/committed-openapi.js'
import { fileTimeout } from './helpers/timeouts.js'

// Measured: 11-17 s with both cores busy (two conversions of the contract, four sandboxes).
t.setTimeout(fileTimeout(40_000))

const generated = await postmanFiles(committed)
const collection = JSON.parse(generated.collection) as Collection

t.test('postman/ holds what `npm run postman` generates from openapi/openapi.json (run it after changing the contract)', async t => {
  const collectionFile = new URL('../postman/cognito-bff.postman_collection.json', import.meta.url)
  t.equal(await readFile(collectionFile, 'utf8'), generated.collection, 'the collection')
  t.equal(await readFile(new URL('../postman/local.postman_environment.json', import.meta.url), 'utf8'), generated.environment, 'the environment')
  t.notMatch(generated.collection, /"(id|_postman_id)":/, 'no random ids')
  t.equal((await postmanFiles(committed)).collection, generated.collection, 'the same output on a second run (faked bodies seeded)')
})

t.test('every operation of the contract is a request: Bearer {{accessToken}} inherited where it takes the user\'s token, else none', async t => {
  const contract = JSON.parse(committed) as { paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>> }
  const reference = requests(collection.item.filter(folder => !walkthroughs.some(walkthrough => walkthrough.name === folder.name)))
  const byKey = new Map(reference.map(item => [operationKey(item.request!), item]))
  t.same(collection.auth, { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] }, 'the collection\'s auth')
  let operations = 0
  for (const [path, item] of Object.entries(contract.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue
      operations++
      const key = `${method.toUpperCase()} ${path}`
      const request = byKey.get(key)?.request
      if (request === undefined) { t.fail(`${key} is not in the collection`); continue }
      const schemes = (operation.security ?? []).flatMap(requirement => Object.keys(requirement))
      if (schemes.includes('bearer')) t.equal(request.auth, undefined, `${key} inherits Bearer {{accessToken}}`)
      else if (schemes.length === 0) t.same(request.auth, { type: 'noauth' }, `${key} is anonymous`)
      else t.equal(request.auth?.type, 'bearer', `${key} takes its own secret`)
    }
  }
  t.equal(reference.length, operations, 'no request the contract does not have')
  t.ok(operations > 60)
})

t.test('a folder per walkthrough, every step asserting its answer, every script valid JavaScript', async t => {
  for (const walkthrough of walkthroughs) {
    const folder = collection.item.find(item => item.name === walkthrough.name)
    t.equal(folder?.item?.length, walkthrough.steps.length, walkthrough.name)
    for (const step of folder?.item ?? []) {
      const asserts = step.event?.some(event => event.listen === 'test' && event.script.exec.join('\n').includes('pm.test('))
      t.ok(asserts, `${walkthrough.name} / ${step.name} asserts`)
      for (const event of step.event ?? []) {
        const source = event.script.exec.join('\n')
        // eslint-disable-next-line no-new-func
        t.doesNotThrow(() => new Function('pm', 'require', source), `${step.name}: its ${event.listen} script parses`)
      }
    }
  }
  const first = collection.item.find(item => item.name === walkthroughs[0]?.name)?.item?.[0]
  t.match(first?.event?.find(event => event.listen === 'prerequest')?.script.exec.join('\n'), /'pm-' \+ Date\.now\(\)/, 'a new username every run')
})

interface Execution { collectionVariables: { values: Array<{ key: string, value: string }> } }
interface SandboxContext {
  execute: (event: unknown, options: unknown, callback: (error: Error | null, execution: Execution) => void) => void
  dispose: () => void
}
interface Sandbox { createContext: (options: unknown, callback: (error: Error | null, context: SandboxContext) => void) => void }
// The sandbox newman runs scripts in: newman's postman-runtime's postman-sandbox (not a dependency of ours).
const runtime = createRequire(createRequire(import.meta.url).resolve('newman')).resolve('postman-runtime')
const sandbox = createRequire(runtime)('postman-sandbox') as Sandbox

/** The walkthrough's TOTP script, run in Postman's own sandbox (newman's) at a given time: the code it stores. */
async function totpInSandbox (secret: string, now: number): Promise<string | undefined> {
  const context = await new Promise<SandboxContext>((resolve, reject) => {
    sandbox.createContext({}, (error, created) => { if (error != null) reject(error); else resolve(created) })
  })
  try {
    const execution = await new Promise<Execution>((resolve, reject) => {
      const event = { listen: 'prerequest', script: { exec: [`Date.now = () => ${now}`, ...totpCode.trim().split('\n')] } }
      context.execute(event, { context: { collectionVariables: { values: [{ key: 'totpSecret', value: secret }] } } }, (error, result) => {
        if (error != null) reject(error); else resolve(result)
      })
    })
    return execution.collectionVariables.values.find(variable => variable.key === 'totpCode')?.value
  } finally {
    context.dispose()
  }
}

t.test('the TOTP script computes RFC 6238 codes with the sandbox\'s crypto-js: the RFC\'s SHA-1 vectors, and what otplib computes', async t => {
  // RFC 6238 appendix B, SHA-1, the secret "12345678901234567890" (base32 below); the last 6 of its 8 digits.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
  for (const [seconds, code] of [[59, '287082'], [1111111109, '081804'], [1234567890, '005924'], [2000000000, '279037']] as const) {
    t.equal(await totpInSandbox(rfcSecret, seconds * 1000), code, `T = ${seconds}`)
  }
  const secret = authenticator.generateSecret()
  const now = Date.now()
  authenticator.options = { epoch: now }
  t.equal(await totpInSandbox(secret, now), authenticator.generate(secret), 'a random secret, now')
  authenticator.resetOptions()
})
