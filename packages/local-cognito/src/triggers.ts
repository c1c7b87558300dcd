/**
 * The user pool's Lambda triggers (triggers/src, the very handlers the CDK app deploys), run in this process at
 * the points Cognito calls them, with the events Cognito sends:
 *  - custom message: every e-mail the outbox records (sign-up, resend, forgot-password, attribute update and
 *    verification, invitation); its subject, HTML and text bodies go in the outbox beside the code;
 *  - post-confirmation: after a confirmed sign-up (the default group, LOCAL_DEFAULT_GROUP in the service);
 *  - user migration: a password sign-in or forgot-password of a user the pool does not have
 *    (guards/user-migration.ts), asking the legacy stub (legacy-users.ts) as a deployed pool asks the legacy service.
 * Imports triggers/src (which reads the service's redirect rules, src/oauth/redirect.ts): the one place this
 * package reaches outside itself, so that local mode runs the handlers themselves, never copies.
 */
import type { CustomMessageTriggerEvent, PostConfirmationTriggerEvent, UserMigrationTriggerEvent } from 'aws-lambda'
import { useCognitoClient } from '../../../triggers/src/cognito.ts'
import { customMessage } from '../../../triggers/src/custom-message.ts'
import { postConfirmation } from '../../../triggers/src/post-confirmation.ts'
import { migrateUser, REFUSED } from '../../../triggers/src/user-migration.ts'
import { MigrationRefusedError } from './guards/user-migration.ts'
import { startLegacyStub, type LegacyStub } from './legacy-users.ts'
import type { SdkClient } from './sdk.ts'

/** What the caller (the service's local mode) configures: the triggers' settings, from its own configuration. */
export interface LocalTriggerOptions {
  /** The service's public URL: the e-mails' links point at its pages. */
  publicUrl: string
  /** The service's redirect allowlist: the only targets an e-mail's link may carry on. */
  redirects: ReadonlyArray<{ origin: string, pathPrefix: string }>
  /** A JSON file of legacy users (legacy-users.ts): with it, user migration is on. */
  legacyUsersFile?: string
  /** The group the post-confirmation trigger adds each confirmed user to (created when missing); none: no group. */
  defaultGroup?: string
}

/** Cognito's placeholders, substituted after the trigger returns. */
export const CODE_PLACEHOLDER = '{####}'
export const USERNAME_PLACEHOLDER = '{username}'

export interface CustomMessageInput {
  /** The outbox's kind: SignUp, ResendCode, ForgotPassword, UpdateUserAttribute, VerifyUserAttribute, AdminCreateUser. */
  source: string
  userPoolId: string
  clientId: string | null
  username: string
  userAttributes: Record<string, string>
  clientMetadata: Record<string, string> | undefined
  code: string
}

export interface RenderedMessage { subject: string, html: string, text: string }

export interface MigrationInput {
  source: 'UserMigration_Authentication' | 'UserMigration_ForgotPassword'
  userPoolId: string
  clientId: string
  username: string
  password: string
  clientMetadata: Record<string, string> | undefined
}

export interface MigrationResult {
  userAttributes: Record<string, string>
  finalUserStatus: string | undefined
}

export interface ConfirmationInput {
  source: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword'
  userPoolId: string
  clientId: string | null
  username: string
  userAttributes: Record<string, string>
  clientMetadata: Record<string, string> | undefined
}

export interface LocalTriggers {
  /** The SDK client on the emulator, for the triggers that call Cognito (post-confirmation's AdminAddUserToGroup). */
  connect (client: SdkClient): void
  /** The post-confirmation trigger, after a confirmed sign-up (or reset); a failure fails the request, as in Cognito. */
  postConfirmation (input: ConfirmationInput): Promise<void>
  /** The e-mail as the custom-message trigger writes it, placeholders substituted; undefined for a source it leaves alone. */
  customMessage (input: CustomMessageInput): Promise<RenderedMessage | undefined>
  /** Set when legacy users are configured: the migration trigger's answer; its refusal throws MigrationRefusedError. */
  userMigration?: (input: MigrationInput) => Promise<MigrationResult>
  close (): Promise<void>
}

const CUSTOM_SOURCES = new Set([
  'SignUp', 'ResendCode', 'ForgotPassword', 'UpdateUserAttribute', 'VerifyUserAttribute', 'AdminCreateUser', 'Authentication'
])

type Common = Pick<CustomMessageTriggerEvent, 'version' | 'region' | 'userPoolId' | 'callerContext'>

function common (userPoolId: string, clientId: string | null): Common {
  const callerContext = { awsSdkVersion: 'local-cognito', clientId: clientId ?? 'CLIENT_ID_NOT_APPLICABLE' }
  return { version: '1', region: 'local', userPoolId, callerContext }
}

export async function startLocalTriggers (options: LocalTriggerOptions): Promise<LocalTriggers> {
  const settings = { publicUrl: new URL(options.publicUrl), allowlist: options.redirects }
  let stub: LegacyStub | undefined
  if (options.legacyUsersFile !== undefined) stub = await startLegacyStub(options.legacyUsersFile)
  const legacy = stub

  const env = options.defaultGroup === undefined ? {} : { DEFAULT_GROUP: options.defaultGroup }

  return {
    connect: client => { useCognitoClient(client) },
    async postConfirmation (input) {
      const event = {
        ...common(input.userPoolId, input.clientId),
        triggerSource: input.source,
        userName: input.username,
        request: { userAttributes: input.userAttributes, ...(input.clientMetadata === undefined ? {} : { clientMetadata: input.clientMetadata }) },
        response: {}
      } as PostConfirmationTriggerEvent
      await postConfirmation(event, env)
    },
    async customMessage (input) {
      if (!CUSTOM_SOURCES.has(input.source)) return undefined
      const admin = input.source === 'AdminCreateUser'
      const event = {
        ...common(input.userPoolId, input.clientId),
        triggerSource: `CustomMessage_${input.source}`,
        userName: input.username,
        request: {
          userAttributes: input.userAttributes,
          codeParameter: CODE_PLACEHOLDER,
          linkParameter: '{##Click Here##}',
          usernameParameter: admin ? USERNAME_PLACEHOLDER : null,
          ...(input.clientMetadata === undefined ? {} : { clientMetadata: input.clientMetadata })
        },
        response: { smsMessage: null, emailMessage: null, emailSubject: null }
      } as CustomMessageTriggerEvent
      const { response } = customMessage(event, settings)
      if (typeof response.emailMessage !== 'string') return undefined
      // Cognito substitutes every placeholder (the username one only in an invitation), verbatim.
      const substitute = (text: string): string => {
        const withCode = text.replaceAll(CODE_PLACEHOLDER, input.code)
        return admin ? withCode.replaceAll(USERNAME_PLACEHOLDER, input.username) : withCode
      }
      return {
        subject: response.emailSubject ?? '',
        html: substitute(response.emailMessage),
        text: substitute(response.smsMessage ?? '')
      }
    },
    ...(legacy === undefined
      ? {}
      : {
          async userMigration (input: MigrationInput): Promise<MigrationResult> {
            const event = {
              ...common(input.userPoolId, input.clientId),
              triggerSource: input.source,
              userName: input.username,
              request: {
                password: input.source === 'UserMigration_Authentication' ? input.password : '',
                // At sign-in Cognito passes the request's ClientMetadata as validationData; at forgot-password, as clientMetadata.
                ...(input.source === 'UserMigration_Authentication'
                  ? { validationData: input.clientMetadata ?? {} }
                  : { validationData: {}, ...(input.clientMetadata === undefined ? {} : { clientMetadata: input.clientMetadata }) })
              },
              response: { userAttributes: {}, desiredDeliveryMediums: [] }
            } as unknown as UserMigrationTriggerEvent
            let response: UserMigrationTriggerEvent['response']
            try {
              response = (await migrateUser(event, legacy.env)).response
            } catch (error) {
              throw error instanceof Error && error.message === REFUSED ? new MigrationRefusedError(REFUSED) : error
            }
            return { userAttributes: { ...response.userAttributes }, finalUserStatus: response.finalUserStatus }
          }
        }),
    close: async () => { await legacy?.close() }
  }
}
