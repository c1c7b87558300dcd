/** A user's sessions as Cognito tracks them: `/me/sessions` (routes/me/sessions.ts) and `/admin/users/{username}/sessions`. */
import { Type } from '@sinclair/typebox'
import { Username } from './auth.js'

const SessionId = Type.String({
  pattern: '^(tkn|sso)[a-z0-9]{25}$',
  description: 'A sessionId from the list: 28 lowercase letters and digits, `tkn` (a token session) or `sso` (the hosted UI\'s) first.'
})

const SessionSchema = Type.Object({
  sessionId: Type.String(),
  type: Type.String({ description: 'TOKEN: an app\'s sign-in (its refresh token\'s life); SSO: the hosted UI\'s browser session.' }),
  clientId: Type.Optional(Type.String({ description: 'The app client the session belongs to.' })),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  lastActiveAt: Type.Optional(Type.String({
    format: 'date-time',
    description: 'The last refresh (token session) or sign-in, token grant or rotation (SSO session).'
  })),
  device: Type.Optional(Type.String({
    description: 'Cognito\'s description of the device, from its user agent ("Chrome 125 / macOS 15.0"), or "unknown".'
  })),
  ipAddress: Type.Optional(Type.String({ description: 'The IP address of the last activity, as Cognito saw it.' })),
  location: Type.Optional(Type.Object({
    city: Type.Optional(Type.String()),
    country: Type.Optional(Type.String({ description: 'A country name from Cognito\'s geo-IP database (not an ISO code), or "unknown".' }))
  }, { description: 'Where the last activity came from, by its IP address.' })),
  originSessionId: Type.Optional(Type.String({ description: 'For a token session begun in the hosted UI: the SSO session it came through.' })),
  current: Type.Boolean({ description: 'The session this request was made with (always false in the admin list).' })
})

export const SessionListSchema = Type.Object({
  sessions: Type.Array(SessionSchema, { description: 'Every active session, every page Cognito answered.' })
}, { title: 'Sessions' })

export const SessionParamsSchema = Type.Object({ sessionId: SessionId }, { additionalProperties: false })
export const UserSessionParamsSchema = Type.Object({ username: Username, sessionId: SessionId }, { additionalProperties: false })

export const SessionRevokedSchema = Type.Object({
  status: Type.Literal('revoked'),
  tokensRevoked: Type.Boolean({
    description: 'Whether this service refuses the session\'s tokens from now on, on every instance: true when one of them listed ' +
      'the sessions here before (that is how the session\'s tokens are known); otherwise Cognito refuses them at once, ' +
      'and this service when its access token expires (docs/sessions.md).'
  })
}, { title: 'SessionRevoked' })
