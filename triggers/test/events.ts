/** Trigger events as Cognito sends them (shapes from @types/aws-lambda, values as a real pool's). */
import type {
  CustomMessageTriggerEvent, PostConfirmationTriggerEvent, PreSignUpTriggerEvent, UserMigrationTriggerEvent
} from 'aws-lambda'

export const POOL_ID = 'eu-west-1_AbCdEf123'
const common = {
  version: '1',
  region: 'eu-west-1',
  userPoolId: POOL_ID,
  callerContext: { awsSdkVersion: 'aws-sdk-js-3.1169.0', clientId: '4tq1hjc0example0clientid0' }
}

export function customMessageEvent (
  triggerSource: CustomMessageTriggerEvent['triggerSource'], userName = 'alice', clientMetadata?: Record<string, string>
): CustomMessageTriggerEvent {
  return {
    ...common,
    triggerSource,
    userName,
    request: {
      userAttributes: {
        sub: '6a1b2c3d-1111-2222-3333-444455556666', email: 'alice@example.com', email_verified: 'false', 'cognito:user_status': 'UNCONFIRMED'
      },
      codeParameter: '{####}',
      linkParameter: '{##Click Here##}',
      usernameParameter: triggerSource === 'CustomMessage_AdminCreateUser' ? '{username}' : null,
      ...(clientMetadata === undefined ? {} : { clientMetadata })
    },
    response: { smsMessage: null, emailMessage: null, emailSubject: null }
  } as CustomMessageTriggerEvent
}

export function userMigrationEvent (
  triggerSource: UserMigrationTriggerEvent['triggerSource'], userName = 'legacy-lee', password = 'Legacy-Pass-1!'
): UserMigrationTriggerEvent {
  return {
    ...common,
    triggerSource,
    userName,
    // Cognito sends no password in the forgot-password flow.
    request: { password: triggerSource === 'UserMigration_Authentication' ? password : '', validationData: {} },
    response: { userAttributes: {}, desiredDeliveryMediums: [] }
  } as UserMigrationTriggerEvent
}

export function postConfirmationEvent (
  triggerSource: PostConfirmationTriggerEvent['triggerSource'], userName = 'alice', status = 'CONFIRMED'
): PostConfirmationTriggerEvent {
  return {
    ...common,
    triggerSource,
    userName,
    request: {
      userAttributes: {
        sub: '6a1b2c3d-1111-2222-3333-444455556666', email: 'alice@example.com', email_verified: 'true', 'cognito:user_status': status
      }
    },
    response: {}
  } as PostConfirmationTriggerEvent
}

export function preSignUpEvent (
  triggerSource: PreSignUpTriggerEvent['triggerSource'], userName: string, attributes: Record<string, string>
): PreSignUpTriggerEvent {
  return {
    ...common,
    triggerSource,
    userName,
    request: { userAttributes: attributes, validationData: {} },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false }
  } as PreSignUpTriggerEvent
}
