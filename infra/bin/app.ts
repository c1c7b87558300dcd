/**
 * `npm run synth`: the CDK app synthesized into infra/cdk.out by the library itself (app.synth()), no CDK CLI and no
 * AWS account needed; warnings (the SES quota) are printed, an error (a cdk-nag finding) fails it. `cdk deploy` runs
 * this same file (cdk.json's "app"), through tsx: the service's modules it imports name `.js` files.
 */
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.ts'

const started = performance.now()
// The CLI names the output folder (CDK_OUTDIR); run alone, infra/cdk.out.
const { app, stack } = buildApp({ outdir: process.env.CDK_OUTDIR ?? fileURLToPath(new URL('../cdk.out', import.meta.url)) })
const assembly = app.synth()
const messages = assembly.getStackArtifact(stack.artifactId).messages
let errors = 0
for (const message of messages) {
  if (message.level === 'error') errors++
  if (message.level === 'error' || message.level === 'warning') console.error(`${message.level}: ${message.id}: ${String(message.entry.data)}`)
}
const seconds = ((performance.now() - started) / 1000).toFixed(1)
console.log(`synthesized ${stack.stackName} into ${assembly.directory} in ${seconds} s (${messages.length} messages, ${errors} errors)`)
if (errors > 0) process.exitCode = 1
