/** The environment variables of the reference's "Local mode" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'
import { Literals } from './literals.js'

export const LOCAL_MFA = ['off', 'optional', 'required'] as const

export const local = {
  title: 'Local mode',
  about: 'Read only in local mode (no `COGNITO_USER_POOL_ID`).',
  variables: {
    LOCAL_DATA_DIR: Type.String({ default: '.local', description: 'Where the emulator keeps its pool, users and the generated cookie key.' }),
    LOCAL_COGNITO_PORT: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 0,
      description: 'Port of the embedded emulator (0: the previous run\'s port if free, else any free one, so tokens survive restarts).'
    }),
    LOCAL_EXPOSE: Type.Boolean({
      default: false,
      description: 'Allow a `HOST` that is not loopback (e.g. `0.0.0.0` in a dev container). Off by default: local mode serves a demo user with a ' +
        'known password and every code at `/local/messages`.'
    }),
    LOCAL_CLIENT_SECRET: Type.Boolean({
      default: false,
      description: 'Give the local app client a secret, so SECRET_HASH is sent and checked end to end, as with a real app client that has one.'
    }),
    LOCAL_DEMO_PASSWORD: Type.String({
      minLength: 8,
      default: 'Passw0rd!demo',
      secret: true,
      description: 'Password of the demo user `demo`, set again on every start (so the start-up banner is always right).'
    }),
    LOCAL_LEGACY_USERS: Type.Optional(Type.String({
      minLength: 1,
      description: 'Path to a JSON file of legacy users (username, email, attributes, `passwordHash` `scrypt$N$r$p$salt$hash` in base64; ' +
        '`npm run legacy-user -- <username>` prints one), read at start: the user-migration trigger, run in process, moves such a user into the ' +
        'local pool at their first sign-in or password reset, as a deployed pool asks the legacy user service. Unset: no migration.'
    })),
    LOCAL_DEFAULT_GROUP: Type.Optional(Type.String({
      pattern: '^[^\\s,]{1,128}$',
      description: 'A group every confirmed user joins: the post-confirmation trigger, run in process, adds them (the group is created when ' +
        'missing), as a deployed pool\'s `defaultGroup` does. Unset: no group.'
    })),
    LOCAL_MFA: Literals(LOCAL_MFA, {
      default: 'optional',
      description: 'The local pool\'s MFA setting, applied on every start: `off`, `optional` (users may turn TOTP on) or `required` (a password ' +
        'sign-in of a user without TOTP answers `MFA_SETUP`, as Cognito does for a pool with MFA on).'
    })
  }
}
