/**
 * The user pool as the service assumes it: sign-up and sign-in settings, the attributes its schemas use,
 * MFA, recovery, the feature plan its features need, passkeys, the updated issuer, the groups, and the Lambda triggers
 * `triggers` turns on (./triggers.ts).
 * Cognito's own quota for e-mail is a few dozen a day: without an SES identity the synth says so.
 */
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib'
import * as cognito from 'aws-cdk-lib/aws-cognito'
import { Construct } from 'constructs'
import { featurePlanFor, type GroupConfig, type InfraConfig } from './config.ts'
import { Triggers } from './triggers.ts'

/** The pool's custom attributes (`custom:<name>`): the ones the local pool defines (packages/local-cognito LOCAL_CUSTOM_ATTRIBUTES). */
export const CUSTOM_ATTRIBUTES = { plan: { minLen: 0, maxLen: 64, mutable: true } }

/** Cognito's default policy, the local pool's too (packages/local-cognito LOCAL_PASSWORD_POLICY). */
export const PASSWORD_POLICY = {
  minLength: 8, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempDays: 7
}

export const SES_QUOTA_WARNING = 'No SES identity (ses.fromEmail): Cognito sends e-mail itself, limited to a few dozen messages a day per account ' +
  '(sign-up codes, password resets, e-mail MFA and OTP). Set ses to a verified SES identity before real users arrive.'

export type PoolProps = Pick<InfraConfig,
'name' | 'selfSignUp' | 'signInAliases' | 'mfa' | 'ses' | 'passkeys' | 'threatProtection' | 'adminGroup' | 'groups' | 'deletionProtection' |
'loginFlow' | 'firstFactors'> & Partial<Pick<InfraConfig, 'triggers' | 'publicUrl' | 'redirectAllowlist'>> & {
  /** The folder of the triggers' entry files; default triggers/src. */
  triggersEntryDir?: string
}

const THREAT_MODES = {
  off: cognito.StandardThreatProtectionMode.NO_ENFORCEMENT,
  audit: cognito.StandardThreatProtectionMode.AUDIT_ONLY,
  enforced: cognito.StandardThreatProtectionMode.FULL_FUNCTION
}

const MFA_MODES = { off: cognito.Mfa.OFF, optional: cognito.Mfa.OPTIONAL, required: cognito.Mfa.REQUIRED }

export class Pool extends Construct {
  readonly userPool: cognito.UserPool
  /** Every group by name, the admin group included. */
  readonly groups: Map<string, cognito.CfnUserPoolGroup> = new Map()
  /** The Lambda triggers, when `triggers` turns any on. */
  readonly triggers?: Triggers

  constructor (scope: Construct, id: string, props: PoolProps) {
    super(scope, id)
    const plan = featurePlanFor(props)
    const factors = new Set(props.mfa.factors)
    const choiceBased = props.loginFlow === 'USER_AUTH'
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `${props.name}-users`,
      selfSignUpEnabled: props.selfSignUp,
      signInAliases: { username: props.signInAliases.username, email: props.signInAliases.email },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // Verified e-mail stays the address until the new one is confirmed (no account taken over by a typo).
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: Object.fromEntries(Object.entries(CUSTOM_ATTRIBUTES).map(([name, c]) => [name, new cognito.StringAttribute(c)])),
      passwordPolicy: {
        minLength: PASSWORD_POLICY.minLength,
        requireLowercase: PASSWORD_POLICY.requireLowercase,
        requireUppercase: PASSWORD_POLICY.requireUppercase,
        requireDigits: PASSWORD_POLICY.requireDigits,
        requireSymbols: PASSWORD_POLICY.requireSymbols,
        tempPasswordValidity: Duration.days(PASSWORD_POLICY.tempDays)
      },
      mfa: MFA_MODES[props.mfa.mode],
      ...(props.mfa.mode === 'off'
        ? {}
        : { mfaSecondFactor: { otp: factors.has('totp'), sms: factors.has('sms'), email: factors.has('email') } }),
      enableSmsRole: factors.has('sms'),
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan[plan],
      ...(props.passkeys
        ? {
            passkeyRelyingPartyId: props.passkeys.relyingPartyId,
            passkeyUserVerification: props.passkeys.userVerification === 'required'
              ? cognito.PasskeyUserVerification.REQUIRED
              : cognito.PasskeyUserVerification.PREFERRED
          }
        : {}),
      ...(choiceBased
        ? {
            signInPolicy: {
              allowedFirstAuthFactors: {
                password: true,
                emailOtp: props.firstFactors.includes('emailOtp'),
                smsOtp: props.firstFactors.includes('smsOtp'),
                passkey: props.firstFactors.includes('passkey')
              }
            }
          }
        : {}),
      ...(plan === 'PLUS' ? { standardThreatProtectionMode: THREAT_MODES[props.threatProtection] } : {}),
      // Refresh sends no device key: device tracking stays off (docs/operations.md).
      deviceTracking: { challengeRequiredOnNewDevice: false, deviceOnlyRememberedOnUserPrompt: false },
      deletionProtection: props.deletionProtection,
      removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      ...(props.ses
        ? {
            email: cognito.UserPoolEmail.withSES({
              fromEmail: props.ses.fromEmail,
              fromName: props.ses.fromName,
              replyTo: props.ses.replyTo,
              sesRegion: props.ses.sesRegion,
              configurationSetName: props.ses.configurationSet
            })
          }
        : {})
    })
    const cfnPool = this.userPool.node.defaultChild as cognito.CfnUserPool
    // Tokens name https://issuer-cognito-idp.REGION.amazonaws.com/POOL_ID, which the service accepts (COGNITO_ISSUER).
    cfnPool.addPropertyOverride('IssuerConfiguration', { Type: 'UPDATED' })
    // The L2 writes DeviceConfiguration with both flags false; off means absent (DescribeUserPool answers none).
    cfnPool.addPropertyDeletionOverride('DeviceConfiguration')
    if (!props.ses) Annotations.of(this).addWarningV2('cognito-bff:ses-quota', SES_QUOTA_WARNING)

    if (props.triggers && Object.values(props.triggers).some(Boolean)) {
      this.triggers = new Triggers(this, 'Triggers', {
        userPool: this.userPool,
        name: props.name,
        publicUrl: props.publicUrl ?? '',
        redirectAllowlist: props.redirectAllowlist ?? [],
        triggers: props.triggers,
        entryDir: props.triggersEntryDir
      })
    }

    this.addGroup({ name: props.adminGroup, precedence: 0, description: 'May call /admin/* (ADMIN_GROUP)' })
    for (const group of props.groups) this.addGroup(group)
  }

  addGroup (group: GroupConfig, roleArn?: string): cognito.CfnUserPoolGroup {
    const created = new cognito.CfnUserPoolGroup(this, `Group${this.groups.size}`, {
      userPoolId: this.userPool.userPoolId,
      groupName: group.name,
      precedence: group.precedence,
      description: group.description,
      roleArn
    })
    this.groups.set(group.name, created)
    return created
  }
}
