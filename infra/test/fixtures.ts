/**
 * The test apps: built as `npm run synth` builds its own (buildApp, cdk-nag's AwsSolutions pack as a validation
 * plugin, so a finding nobody accepted fails the synth), into a temporary folder; the validation report the synth
 * writes there is read back. Synthesis is slow: each file builds one app and shares it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Annotations, Template } from 'aws-cdk-lib/assertions'
import { buildApp, type BuiltApp } from '../src/app.ts'
import type { InfraConfig } from '../src/config.ts'
import { fileTimeout } from '../../test/helpers/timeouts.ts'

/** Synthesis takes seconds on an idle machine and many times that on a busy one. */
export const SYNTH_FILE_TIMEOUT = fileTimeout(60_000)

/** What the synth wrote to validation-report.json, as far as the tests read it. */
export interface ValidationReport {
  pluginReports: {
    pluginName: string
    conclusion: string
    violations: { ruleName: string }[]
    suppressedViolations: { ruleName: string, reason: string, violatingConstructs: { constructPath: string }[] }[]
  }[]
}

export interface Synthesized extends BuiltApp {
  template: Template
  annotations: Annotations
  nagReport: ValidationReport['pluginReports'][number]
  /** Removes the output folder. */
  cleanup: () => void
}

/** The triggers' entry files, each a tiny handler: the constructs are tested, not the handlers (triggers/ tests those). */
export const TRIGGER_FILES = ['custom-message.ts', 'pre-sign-up.ts', 'post-confirmation.ts', 'user-migration.ts']

export function synthesize (config: Partial<InfraConfig>): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'cognito-bff-infra-'))
  // Inside the repository, as bundling needs (its esbuild, its lock file); git ignores the folder.
  const entryDir = mkdtempSync(fileURLToPath(new URL('../.triggers-', import.meta.url)))
  for (const file of TRIGGER_FILES) writeFileSync(join(entryDir, file), 'export const handler = async (event: unknown) => event\n')
  const cleanup = () => {
    rmSync(outdir, { recursive: true, force: true })
    rmSync(entryDir, { recursive: true, force: true })
  }
  const built = buildApp({ context: { cognitoBff: config }, outdir, triggersEntryDir: entryDir })
  let assembly
  try {
    assembly = built.app.synth()
  } finally {
    // The bundles are in the assembly: the stand-ins are not needed any more.
    rmSync(entryDir, { recursive: true, force: true })
  }
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport
  const nagReport = report.pluginReports.find(plugin => plugin.pluginName === 'AwsSolutions')
  if (!nagReport) throw new Error('no AwsSolutions report in validation-report.json')
  // The app's assembly is cached: these read it, they do not synthesize again.
  return {
    ...built,
    template: Template.fromStack(built.stack),
    annotations: Annotations.fromStack(built.stack),
    nagReport,
    cleanup
  }
}

/** The one resource of a type whose properties match `filter` (throws otherwise), with its logical id. */
export function resource (template: Template, type: string, filter: (props: Record<string, unknown>) => boolean = () => true) {
  const found = Object.entries(template.findResources(type)).filter(([, r]) => filter((r as { Properties: Record<string, unknown> }).Properties))
  if (found.length !== 1) throw new Error(`${found.length} ${type} resources match`)
  const [id, r] = found[0]!
  return { id, props: (r as { Properties: Record<string, unknown> }).Properties }
}

/** What a deployment would make of the template's references: the ids Cognito assigns, the region. */
export const DEPLOYED = {
  region: 'eu-west-1', account: '123456789012', userPoolId: 'eu-west-1_Example', identityPoolId: 'eu-west-1:0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b'
}

/** A CloudFormation value as the deployed stack's output would read: references resolved to DEPLOYED's stand-ins. */
export function resolveValue (value: unknown, template: Template): string {
  if (typeof value === 'string') return value
  const intrinsic = value as { Ref?: string, 'Fn::Join'?: [string, unknown[]] }
  if (intrinsic['Fn::Join']) {
    const [separator, parts] = intrinsic['Fn::Join']
    return parts.map(part => resolveValue(part, template)).join(separator)
  }
  const ref = intrinsic.Ref
  const pseudo: Record<string, string> = {
    'AWS::Region': DEPLOYED.region, 'AWS::AccountId': DEPLOYED.account, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com'
  }
  if (ref !== undefined && pseudo[ref]) return pseudo[ref]
  const referenced = ref === undefined ? undefined : template.toJSON().Resources[ref] as { Type: string, Properties: Record<string, unknown> }
  switch (referenced?.Type) {
    case 'AWS::Cognito::UserPool': return DEPLOYED.userPoolId
    case 'AWS::Cognito::IdentityPool': return DEPLOYED.identityPoolId
    // A client's id is Cognito's; its logical id stands in (letters and digits, as a client id is).
    case 'AWS::Cognito::UserPoolClient': return ref!
    case 'AWS::Cognito::UserPoolIdentityProvider': return referenced.Properties.ProviderName as string
    case 'AWS::Cognito::UserPoolDomain': return referenced.Properties.Domain as string
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`)
}

/**
 * The service's environment as the stack's outputs give it (each output described by its variable's name), plus what
 * an operator adds: the client secret (ClientSecretHint) and COOKIE_SECRETS.
 */
export function environmentFromOutputs (template: Template): Record<string, string> {
  const environment: Record<string, string> = {}
  for (const output of Object.values(template.findOutputs('*'))) {
    const name = output.Description as string
    if (/^[A-Z][A-Z_]+$/.test(name)) environment[name] = resolveValue(output.Value, template)
  }
  return { ...environment, COGNITO_CLIENT_SECRET: 'the-client-secret-read-with-ClientSecretHint', COOKIE_SECRETS: 'k'.repeat(64) }
}
