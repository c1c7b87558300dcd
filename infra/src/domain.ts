/**
 * The hosted UI's domain (COGNITO_DOMAIN): a prefix on amazoncognito.com, or your own name with an ACM certificate
 * (in us-east-1, Cognito's requirement), on the newer managed login, with Cognito's default branding for the client.
 */
import * as acm from 'aws-cdk-lib/aws-certificatemanager'
import * as cognito from 'aws-cdk-lib/aws-cognito'
import { Construct } from 'constructs'
import type { InfraConfig } from './config.ts'

export interface DomainProps {
  userPool: cognito.IUserPool
  domain: InfraConfig['domain']
  /** App clients that get the managed login's default style (a client without one shows no page). */
  clients: cognito.IUserPoolClient[]
}

export class Domain extends Construct {
  readonly domain: cognito.UserPoolDomain
  /** COGNITO_DOMAIN: the domain's origin. */
  readonly baseUrl: string

  constructor (scope: Construct, id: string, props: DomainProps) {
    super(scope, id)
    const settings = 'prefix' in props.domain
      ? { cognitoDomain: { domainPrefix: props.domain.prefix } }
      : {
          customDomain: {
            domainName: props.domain.customDomain,
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn)
          }
        }
    this.domain = new cognito.UserPoolDomain(this, 'Domain', {
      userPool: props.userPool,
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
      ...settings
    })
    this.baseUrl = 'prefix' in props.domain ? this.domain.baseUrl() : `https://${props.domain.customDomain}`
    props.clients.forEach((client, index) => {
      const branding = new cognito.CfnManagedLoginBranding(this, `Branding${index}`, {
        userPoolId: props.userPool.userPoolId,
        clientId: client.userPoolClientId,
        useCognitoProvidedValues: true
      })
      branding.node.addDependency(this.domain)
    })
  }
}
