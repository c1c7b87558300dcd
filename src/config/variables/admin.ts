/** The environment variables of the reference's "Admin API" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'

export const admin = {
  title: 'Admin API',
  about: 'Whether `/admin/*` exists, and who may call it: a group\'s members, and optionally clients with an admin scope.',
  variables: {
    ADMIN_API: Type.Optional(Type.Boolean({
      defaultText: 'local mode: `true`; AWS mode: `false`',
      description: 'Mounts the admin API (`/admin/*`). Its calls are signed with the service\'s AWS credentials and need the admin actions of ' +
        '`npm run iam-policy`; off, `/admin/...` answers `404 NOT_FOUND` like any unknown route (still audited), and the policy leaves the ' +
        'admin actions out.'
    })),
    ADMIN_GROUP: Type.String({
      default: 'admins',
      pattern: '^[^\\s,]{1,128}$',
      description: 'The Cognito group whose members (`cognito:groups` of their access token) may call `/admin/*`. Local mode creates it, with the ' +
        'demo admin `admin`.'
    }),
    ADMIN_SCOPES: Type.String({
      default: '',
      pattern: '^([\\w.:/+-]+( [\\w.:/+-]+)*)?$',
      description: 'Space-separated OAuth scopes (e.g. `bff/admin`) that make a client-credentials token from one of `ADMIN_CLIENT_IDS` an admin: ' +
        'for services calling `/admin/*`. Set both or neither. Unset: only `ADMIN_GROUP` members are admins.'
    }),
    ADMIN_CLIENT_IDS: Type.String({
      default: '',
      pattern: '^([\\w+]+(,[\\w+]+)*)?$',
      description: 'Machine-to-machine app clients (comma-separated ids) whose client-credentials tokens carrying one of `ADMIN_SCOPES` may call ' +
        '`/admin/*`; their tokens are verified like `TOKEN_CLIENT_IDS`\'. A scope on a token from any other client grants nothing.'
    }),
    REVOKE_ON_GROUP_CHANGE: Type.Boolean({
      default: true,
      description: 'After an admin adds a user to a group or removes them, the user\'s tokens issued until then are refused (as after a sign-out ' +
        'everywhere), so their next refresh carries the new `cognito:groups`. `false`: old tokens keep their old groups until they expire.'
    })
  }
}
