/**
 * The social, OIDC and SAML identity providers of the pool, their secrets read from Secrets Manager at deploy time
 * (the template holds a `{{resolve:secretsmanager:…}}` reference, never the secret). Each is offered to the service's
 * app client; `/oauth/login?provider=` names them as OAUTH_PROVIDERS lists them.
 */
import { SecretValue } from 'aws-cdk-lib'
import * as cognito from 'aws-cdk-lib/aws-cognito'
import { Construct } from 'constructs'
import type { OAuthProviderConfig, SecretRef } from './config.ts'

const secret = (ref: SecretRef): SecretValue => SecretValue.secretsManager(ref.secret, ref.field ? { jsonField: ref.field } : {})
const EMAIL = { email: cognito.ProviderAttribute.other('email') }

export interface ProvidersProps { userPool: cognito.IUserPool, providers: OAuthProviderConfig[] }

export class Providers extends Construct {
  readonly providers: cognito.IUserPoolIdentityProvider[] = []
  /** What the app client lists as its supported identity providers: COGNITO (the pool's own users) and each provider's name. */
  readonly clientProviders: cognito.UserPoolClientIdentityProvider[] = [cognito.UserPoolClientIdentityProvider.COGNITO]

  constructor (scope: Construct, id: string, props: ProvidersProps) {
    super(scope, id)
    const userPool = props.userPool
    props.providers.forEach((provider, index) => {
      const created = this.create(`${provider.type}${index}`, userPool, provider)
      this.providers.push(created)
      this.clientProviders.push(cognito.UserPoolClientIdentityProvider.custom(created.providerName))
    })
  }

  private create (id: string, userPool: cognito.IUserPool, provider: OAuthProviderConfig): cognito.IUserPoolIdentityProvider {
    switch (provider.type) {
      case 'google':
        return new cognito.UserPoolIdentityProviderGoogle(this, id, {
          userPool,
          clientId: provider.clientId,
          clientSecretValue: secret(provider.clientSecret),
          scopes: provider.scopes ?? ['openid', 'email', 'profile'],
          attributeMapping: { email: cognito.ProviderAttribute.GOOGLE_EMAIL, emailVerified: cognito.ProviderAttribute.GOOGLE_EMAIL_VERIFIED }
        })
      case 'facebook':
        return new cognito.UserPoolIdentityProviderFacebook(this, id, {
          userPool,
          clientId: provider.clientId,
          // The L2 takes a string: the dynamic reference is resolved by CloudFormation, not written into the template.
          clientSecret: secret(provider.clientSecret).unsafeUnwrap(),
          scopes: provider.scopes ?? ['public_profile', 'email'],
          attributeMapping: { email: cognito.ProviderAttribute.FACEBOOK_EMAIL }
        })
      case 'apple':
        return new cognito.UserPoolIdentityProviderApple(this, id, {
          userPool,
          clientId: provider.clientId,
          teamId: provider.teamId,
          keyId: provider.keyId,
          privateKeyValue: secret(provider.privateKey),
          scopes: provider.scopes ?? ['email', 'name'],
          attributeMapping: { email: cognito.ProviderAttribute.APPLE_EMAIL }
        })
      case 'oidc':
        return new cognito.UserPoolIdentityProviderOidc(this, id, {
          userPool,
          name: provider.name,
          issuerUrl: provider.issuerUrl,
          clientId: provider.clientId,
          clientSecret: secret(provider.clientSecret).unsafeUnwrap(),
          scopes: provider.scopes ?? ['openid', 'email', 'profile'],
          attributeMapping: EMAIL
        })
      case 'saml':
        return new cognito.UserPoolIdentityProviderSaml(this, id, {
          userPool,
          name: provider.name,
          metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(provider.metadataUrl),
          attributeMapping: { email: cognito.ProviderAttribute.other('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress') }
        })
    }
  }
}
