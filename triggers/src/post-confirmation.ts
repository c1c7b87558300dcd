/**
 * Post-confirmation trigger. On `PostConfirmation_ConfirmSignUp` (a confirmed sign-up, an admin confirmation,
 * and also a social or federated account's first sign-in, when Cognito creates its user: post-authentication
 * does not fire then), the user joins DEFAULT_GROUP and, if WEBHOOK_URL is set, the webhook is told.
 * `PostConfirmation_ConfirmForgotPassword` (a password reset) does neither.
 *
 * The group is part of the account: a failure to add it fails the invocation (the call is idempotent, so the
 * person's retry repairs it). The webhook is a notification: its failure is logged and the confirmation stands,
 * since a third party's outage must not stop people from joining (at most once; a receiver reconciles with ListUsers).
 */
import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider'
import type { PostConfirmationTriggerEvent } from 'aws-lambda'
import { cognitoClient } from './cognito.ts'
import { type Env, boundedInteger, endpoint, optional } from './env.ts'
import { readSecret } from './secret.ts'
import { postWebhook } from './webhook.ts'

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 2000

export async function handler (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> {
  return postConfirmation(event, process.env)
}

export async function postConfirmation (event: PostConfirmationTriggerEvent, env: Env): Promise<PostConfirmationTriggerEvent> {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event
  const group = optional(env, 'DEFAULT_GROUP')
  if (group !== undefined) {
    await cognitoClient().send(new AdminAddUserToGroupCommand({ UserPoolId: event.userPoolId, Username: event.userName, GroupName: group }))
  }
  if (optional(env, 'WEBHOOK_URL') !== undefined) await notify(event, env, group)
  return event
}

async function notify (event: PostConfirmationTriggerEvent, env: Env, group: string | undefined): Promise<void> {
  try {
    const url = endpoint(env, 'WEBHOOK_URL')
    const secret = await readSecret(env, 'WEBHOOK_SECRET')
    if (secret === undefined) throw new Error('WEBHOOK_SECRET (or WEBHOOK_SECRET_ARN) is not set')
    const attributes = event.request.userAttributes
    await postWebhook(url, secret, {
      type: 'user.confirmed',
      userPoolId: event.userPoolId,
      username: event.userName,
      sub: attributes.sub,
      email: attributes.email,
      // A social or federated account's first sign-in, rather than a confirmed sign-up.
      external: attributes['cognito:user_status'] === 'EXTERNAL_PROVIDER',
      group: group ?? null
    }, boundedInteger(env, 'WEBHOOK_TIMEOUT_MS', DEFAULT_WEBHOOK_TIMEOUT_MS, 100, 4000))
  } catch (error) {
    const line = { msg: 'post-confirmation webhook failed; the confirmation stands', username: event.userName, error: String(error) }
    console.error(JSON.stringify(line))
  }
}
