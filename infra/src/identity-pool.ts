/**
 * AWS credentials for signed-in users: an identity pool with the user pool (the service's client) as its provider,
 * an authenticated role that allows nothing until you add to it, no guest access, and the role chosen from the token
 * (`cognito:preferred_role`, the highest-precedence group's role); each group given a role of its own gets one here.
 */
import * as cognito from 'aws-cdk-lib/aws-cognito'
import * as identitypool from 'aws-cdk-lib/aws-cognito-identitypool'
import * as iam from 'aws-cdk-lib/aws-iam'
import { Construct } from 'constructs'

export interface IdentityPoolProps {
  name: string
  userPool: cognito.IUserPool
  client: cognito.IUserPoolClient
  /** Groups that get a role of their own (their members' tokens name it in `cognito:preferred_role`). */
  roleGroups: cognito.CfnUserPoolGroup[]
}

export class IdentityPool extends Construct {
  readonly identityPool: identitypool.IdentityPool
  readonly groupRoles: Map<string, iam.Role> = new Map()

  constructor (scope: Construct, id: string, props: IdentityPoolProps) {
    super(scope, id)
    this.identityPool = new identitypool.IdentityPool(this, 'IdentityPool', {
      identityPoolName: `${props.name}-identities`,
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      authenticationProviders: {
        userPools: [new identitypool.UserPoolAuthenticationProvider({ userPool: props.userPool, userPoolClient: props.client })]
      },
      roleMappings: [{
        mappingKey: 'userpool',
        providerUrl: identitypool.IdentityPoolProviderUrl.userPool(props.userPool, props.client),
        useToken: true,
        // A token naming no role (a user in no group with one) gets the authenticated role, which allows nothing.
        resolveAmbiguousRoles: true
      }]
    })
    for (const group of props.roleGroups) {
      const role = new iam.Role(this, `Role-${group.groupName}`, {
        description: `Identity pool role of the ${group.groupName} group: add its permissions`,
        assumedBy: new iam.FederatedPrincipal('cognito-identity.amazonaws.com', {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.identityPoolId },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' }
        }, 'sts:AssumeRoleWithWebIdentity')
      })
      group.roleArn = role.roleArn
      this.groupRoles.set(group.groupName ?? role.node.id, role)
    }
  }
}
