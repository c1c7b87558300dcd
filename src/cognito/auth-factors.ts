/** The signed-in user's own sign-in factors, called with their access token (for the sign-in page's choices). */
import { GetUserAuthFactorsCommand } from '@aws-sdk/client-cognito-identity-provider'
import { call, type CognitoContext } from './client.js'
import { factorsOf, type AuthFactors } from './helpdesk.js'

export interface AuthFactorIntents {
  getAuthFactors (accessToken: string): Promise<AuthFactors>
}

export function authFactorIntents ({ sdk }: CognitoContext): AuthFactorIntents {
  return {
    async getAuthFactors (accessToken) {
      return factorsOf(await call('GetUserAuthFactors', () => sdk.send(new GetUserAuthFactorsCommand({ AccessToken: accessToken }))))
    }
  }
}
