/** The environment variables of the reference's "Operations" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'

export const operations = {
  title: 'Operations',
  about: 'Metrics and load shedding.',
  variables: {
    METRICS_TOKEN: Type.Optional(Type.String({
      minLength: 32,
      secret: true,
      defaultText: 'unset: no `/metrics` route',
      description: 'Bearer token (32+ characters) that `GET /metrics` (Prometheus text format) requires: `curl -H "Authorization: Bearer ' +
        '$METRICS_TOKEN" …/metrics`. Generate one with `openssl rand -base64 48`.'
    })),
    MAX_EVENT_LOOP_DELAY_MS: Type.Integer({
      minimum: 0,
      default: 1000,
      description: 'Load shedding: while the mean event-loop delay over the last second exceeds this many milliseconds, requests answer `503 ' +
        'OVERLOADED` with `Retry-After` (`/healthz`, `/readyz` and `/metrics` still answer). `0` turns it off.'
    })
  }
}
