/**
 * The test apps: built as `npm run synth` builds its own (buildApp, cdk-nag's AwsSolutions pack as a validation
 * plugin, so a finding nobody accepted fails the synth), into a temporary folder; the validation report the synth
 * writes there is read back. Synthesis is slow: each file builds one app and shares it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Annotations, Template } from 'aws-cdk-lib/assertions'
import * as iam from 'aws-cdk-lib/aws-iam'
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

/** The statement a test hands the Service's `taskPolicyStatements` hook. */
export const DESCRIBE_POOL = new iam.PolicyStatement({
  actions: ['cognito-idp:DescribeUserPool'],
  resources: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Example']
})

export function synthesize (config: Partial<InfraConfig>): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'cognito-bff-infra-'))
  const built = buildApp({ context: { cognitoBff: config }, outdir, taskPolicyStatements: [DESCRIBE_POOL] })
  const assembly = built.app.synth()
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport
  const nagReport = report.pluginReports.find(plugin => plugin.pluginName === 'AwsSolutions')
  if (!nagReport) throw new Error('no AwsSolutions report in validation-report.json')
  // The app's assembly is cached: these read it, they do not synthesize again.
  return {
    ...built,
    template: Template.fromStack(built.stack),
    annotations: Annotations.fromStack(built.stack),
    nagReport,
    cleanup: () => rmSync(outdir, { recursive: true, force: true })
  }
}

/** The one resource of a type whose properties match `filter` (throws otherwise), with its logical id. */
export function resource (template: Template, type: string, filter: (props: Record<string, unknown>) => boolean = () => true) {
  const found = Object.entries(template.findResources(type)).filter(([, r]) => filter((r as { Properties: Record<string, unknown> }).Properties))
  if (found.length !== 1) throw new Error(`${found.length} ${type} resources match`)
  const [id, r] = found[0]!
  return { id, props: (r as { Properties: Record<string, unknown> }).Properties }
}
