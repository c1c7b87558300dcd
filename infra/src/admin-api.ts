/**
 * The admin API's machine-to-machine access: a resource server whose scopes are ADMIN_SCOPES (`<identifier>/<scope>`),
 * and a client-credentials client allowed them (ADMIN_CLIENT_IDS). Its tokens carry no user: the service accepts
 * them on /admin/* only from the listed client, with one of the listed scopes.
 */
import * as cognito from 'aws-cdk-lib/aws-cognito'
import { Construct } from 'constructs'

export interface AdminApiProps {
  userPool: cognito.IUserPool
  name: string
  identifier: string
  scopes: string[]
}

export class AdminApi extends Construct {
  readonly resourceServer: cognito.UserPoolResourceServer
  readonly client: cognito.UserPoolClient
  /** ADMIN_SCOPES: space-separated full scope names. */
  readonly scopeNames: string[]

  constructor (scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id)
    const scopes = props.scopes.map(name => new cognito.ResourceServerScope({ scopeName: name, scopeDescription: `cognito-bff admin API: ${name}` }))
    this.resourceServer = new cognito.UserPoolResourceServer(this, 'ResourceServer', {
      userPool: props.userPool,
      identifier: props.identifier,
      userPoolResourceServerName: `${props.name}-admin`,
      scopes
    })
    this.client = new cognito.UserPoolClient(this, 'Client', {
      userPool: props.userPool,
      userPoolClientName: `${props.name}-admin-m2m`,
      generateSecret: true,
      authFlows: {},
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: scopes.map(s => cognito.OAuthScope.resourceServer(this.resourceServer, s))
      }
    })
    this.scopeNames = props.scopes.map(name => `${props.identifier}/${name}`)
  }
}
