/** The environment variables of the reference's "AWS credentials (identity pool)" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'

export const identityPool = {
  title: 'AWS credentials (identity pool)',
  about: 'Temporary AWS credentials for the signed-in user from a Cognito identity pool, through `POST /me/aws-credentials` ' +
    '([aws-credentials.md](aws-credentials.md)).',
  variables: {
    IDENTITY_POOL_ID: Type.Optional(Type.String({
      pattern: '^[a-z]{2}(-gov)?-[a-z]+-\\d:[0-9a-f-]{36}$',
      defaultText: 'unset: `POST /me/aws-credentials` answers `501 IDENTITY_POOL_NOT_CONFIGURED`',
      description: 'The identity pool (`REGION:UUID`, e.g. `eu-west-1:0f1e2d3c-...`; its region is the prefix) whose authenticated role ' +
        '`POST /me/aws-credentials` hands out, for the user pool\'s ID tokens (the pool must list this user pool and app client as an ' +
        'identity provider). AWS mode only: a real identity pool cannot trust the local emulator\'s tokens. Its calls are unsigned: no IAM ' +
        'action is needed.'
    })),
    IDENTITY_POOL_GUEST: Type.Boolean({
      default: false,
      description: 'Mounts `POST /aws-credentials/guest`: the identity pool\'s unauthenticated (guest) role for anyone, without sign-in. ' +
        'The identity pool must allow guest access. Off: that path answers `404 NOT_FOUND`. Needs `IDENTITY_POOL_ID`.'
    })
  }
}
