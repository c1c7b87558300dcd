/**
 * The service's app client: a confidential client (secret) with the one login flow LOGIN_FLOW names, token revocation
 * (logout calls RevokeToken), refresh-token rotation with a grace period, the challenge session's lifetime
 * (AuthSessionValidity), the end user's context passed on to threat protection, and the hosted UI's code grant back
 * to `PUBLIC_URL/oauth/callback`, signing out to the redirect allowlist.
 */
import { Duration } from 'aws-cdk-lib'
import * as cognito from 'aws-cdk-lib/aws-cognito'
import { Construct } from 'constructs'
import type { InfraConfig } from './config.ts'
import { CUSTOM_ATTRIBUTES } from './pool.ts'

/** What a user may write on themselves: the OIDC standard attributes of src/schemas/auth.ts, and the custom ones. */
const WRITABLE: cognito.StandardAttributesMask = {
  address: true,
  birthdate: true,
  email: true,
  familyName: true,
  gender: true,
  givenName: true,
  locale: true,
  middleName: true,
  fullname: true,
  nickname: true,
  phoneNumber: true,
  profilePicture: true,
  preferredUsername: true,
  profilePage: true,
  lastUpdateTime: true,
  website: true,
  timezone: true
}
const CUSTOM = Object.keys(CUSTOM_ATTRIBUTES)

export type ServiceClientProps = Pick<InfraConfig, 'name' | 'loginFlow' | 'publicUrl' | 'redirectAllowlist' | 'oauthScopes' | 'tokens'> & {
  userPool: cognito.IUserPool
  /** Supported identity providers (COGNITO and the pool's providers); default COGNITO alone. */
  identityProviders?: cognito.UserPoolClientIdentityProvider[]
  /** Constructs the client must be created after (the identity providers, which must exist before a client names them). */
  dependsOn?: Construct[]
}

export function callbackUrl (publicUrl: string): string {
  return new URL('/oauth/callback', publicUrl).href
}

export class ServiceClient extends Construct {
  readonly client: cognito.UserPoolClient

  constructor (scope: Construct, id: string, props: ServiceClientProps) {
    super(scope, id)
    const { tokens } = props
    this.client = new cognito.UserPoolClient(this, 'Client', {
      userPool: props.userPool,
      userPoolClientName: `${props.name}-service`,
      generateSecret: true,
      authFlows: {
        userPassword: props.loginFlow === 'USER_PASSWORD_AUTH',
        adminUserPassword: props.loginFlow === 'ADMIN_USER_PASSWORD_AUTH',
        user: props.loginFlow === 'USER_AUTH'
      },
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      enablePropagateAdditionalUserContextData: true,
      authSessionValidity: Duration.minutes(tokens.authSessionMinutes),
      accessTokenValidity: Duration.minutes(tokens.accessMinutes),
      idTokenValidity: Duration.minutes(tokens.idMinutes),
      refreshTokenValidity: Duration.days(tokens.refreshDays),
      ...(tokens.rotationGraceSeconds === null ? {} : { refreshTokenRotationGracePeriod: Duration.seconds(tokens.rotationGraceSeconds) }),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: props.oauthScopes.map(scope => cognito.OAuthScope.custom(scope)),
        callbackUrls: [callbackUrl(props.publicUrl)],
        logoutUrls: props.redirectAllowlist
      },
      supportedIdentityProviders: props.identityProviders ?? [cognito.UserPoolClientIdentityProvider.COGNITO],
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ ...WRITABLE, emailVerified: true, phoneNumberVerified: true })
        .withCustomAttributes(...CUSTOM),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes(WRITABLE).withCustomAttributes(...CUSTOM)
    })
    for (const dependency of props.dependsOn ?? []) this.client.node.addDependency(dependency)
  }
}
