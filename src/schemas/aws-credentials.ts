/** POST /me/aws-credentials and POST /aws-credentials/guest: temporary AWS credentials from the identity pool. */
import { Type, type Static } from '@sinclair/typebox'

export const AwsCredentialsBodySchema = Type.Object({
  idToken: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 16384,
    description: 'Clients that keep tokens themselves (tokenDelivery "body"): the ID token of the user the access token names. ' +
      'Browsers leave it out: the session cookie has it.'
  })),
  role: Type.Optional(Type.String({
    minLength: 20,
    maxLength: 2048,
    pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/\\S+$',
    description: 'An IAM role ARN among the ID token\'s `cognito:roles` (the roles of the user\'s groups), sent as CustomRoleArn; ' +
      'left out, the identity pool chooses (its default authenticated role, or its rules).'
  }))
}, { additionalProperties: false })

export type AwsCredentialsBody = Static<typeof AwsCredentialsBodySchema>

export const AwsCredentialsSchema = Type.Object({
  identityId: Type.String({ description: 'The user\'s (or guest\'s) identity in the identity pool, REGION:UUID.' }),
  accessKeyId: Type.String(),
  secretAccessKey: Type.String({ description: 'Secret: keep it in memory, never in storage a script or extension can read later.' }),
  sessionToken: Type.String(),
  expiration: Type.String({ format: 'date-time', description: 'When the credentials stop working (about an hour): ask again before then.' })
}, {
  title: 'AwsCredentials',
  description: 'Temporary AWS credentials, as the AWS SDK\'s `credentials` option takes them (secretAccessKey, sessionToken...).'
})
