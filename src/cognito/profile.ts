/** The signed-in user's own account, called with their access token. */
import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider'
import { call, type CognitoContext } from './client.js'
import type { UserProfile } from './types.js'

export interface ProfileIntents {
  getUser (accessToken: string): Promise<UserProfile>
}

export function profileIntents ({ sdk }: CognitoContext): ProfileIntents {
  return {
    async getUser (accessToken) {
      const out = await call('GetUser', () => sdk.send(new GetUserCommand({ AccessToken: accessToken })))
      return {
        username: out.Username ?? '',
        attributes: Object.fromEntries((out.UserAttributes ?? []).map(a => [a.Name ?? '', a.Value ?? ''])),
        mfa: { preferred: out.PreferredMfaSetting, enabled: out.UserMFASettingList ?? [] }
      }
    }
  }
}
