import { createHmac } from 'node:crypto'

/**
 * Cognito's SECRET_HASH: Base64(HMAC-SHA256(key = client secret, message = username + client id)).
 * Required on every call that names a user when the app client has a secret.
 */
export function secretHash (username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64')
}
