/** The environment variables of the reference's "Shared state (Redis)" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'

export const redis = {
  title: 'Shared state (Redis)',
  about: 'What lets several instances behave as one.',
  variables: {
    REDIS_URL: Type.Optional(Type.String({
      format: 'uri',
      pattern: '^rediss?://',
      secret: true,
      defaultText: 'unset: in memory (one instance)',
      description: 'Shared state in Redis (`redis://[user:password@]host:6379[/db]`, `rediss://` for TLS; with `REDIS_CLUSTER`, any node of the ' +
        'cluster), so that several instances behave as one: revocations, rate-limit counters, hand-off codes, refresh single-flight. Redis 6.2 or ' +
        'later, with persistence on (a Redis that forgets forgets revocations). While Redis cannot be reached, requests that need it answer `503 ' +
        'STORE_UNAVAILABLE` and `/readyz` is not ready (fail closed). ElastiCache Serverless: `rediss://<user>:<password>@<endpoint>:6379` with ' +
        '`REDIS_CLUSTER=true`.'
    })),
    REDIS_KEY_PREFIX: Type.String({
      default: 'cognito-bff:',
      minLength: 1,
      description: 'Prefix of every key this service writes in Redis (several deployments may share one Redis). No `{` or `}`: they would move the ' +
        'hash tags that keep a user\'s keys in one cluster slot.'
    }),
    REDIS_CLUSTER: Type.Boolean({
      default: false,
      description: '`REDIS_URL` is a node of a Redis Cluster (ElastiCache Serverless, or a cluster-mode-enabled cluster): the service finds the ' +
        'other nodes from it and follows failovers. `false`: one server. See "Redis on AWS" in docs/operations.md.'
    }),
    REDIS_TLS_CA_FILE: Type.Optional(Type.String({
      minLength: 1,
      defaultText: 'unset: Node\'s own CAs',
      description: 'Path of a PEM file with the CA that signed Redis\'s certificate, when it is a private CA (`rediss://` only); read once at ' +
        'start, and a missing or unreadable file stops the start. Not needed for ElastiCache.'
    }))
  }
}
