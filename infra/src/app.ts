/**
 * The CDK app: the stack from the context's config, checked by cdk-nag's AwsSolutions pack (every suppression, with
 * its reason, in nag.ts). bin/app.ts synthesizes it; the tests build it the same way.
 */
import { App, Validations } from 'aws-cdk-lib'
import nag from 'cdk-nag'
import { configFromContext } from './config.ts'
import { suppressFindings } from './nag.ts'
import { CognitoBffStack } from './stack.ts'

export const STACK_ID = 'CognitoBff'

export interface BuiltApp { app: App, stack: CognitoBffStack }

/** The app and its stack; `context` as `-c` would give it. An account and region come from the context or the CLI's environment. */
export interface BuildOptions {
  context?: Record<string, unknown>
  outdir?: string
  /** Run cdk-nag as a validation plugin of the synth (a finding fails it). Tests run the pack themselves (`validateScope`). */
  nag?: boolean
  /** The folder of the triggers' entry files (tests: tiny stand-ins); default triggers/src. */
  triggersEntryDir?: string
}

export function buildApp (options: BuildOptions = {}): BuiltApp {
  const app = new App({ context: options.context, outdir: options.outdir })
  const config = configFromContext(app.node)
  const account = (app.node.tryGetContext('account') as string | undefined) ?? process.env.CDK_DEFAULT_ACCOUNT
  const region = (app.node.tryGetContext('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION
  const stack = new CognitoBffStack(app, STACK_ID, {
    config,
    triggersEntryDir: options.triggersEntryDir,
    env: account || region ? { account, region } : undefined,
    description: 'cognito-bff: the user pool, its clients and domain, the identity pool, and optionally the service (infra/)'
  })
  suppressFindings(stack)
  if (options.nag ?? true) Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app, { verbose: true }))
  return { app, stack }
}
