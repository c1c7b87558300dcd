/**
 * The one Cognito client of a trigger's container, built at first use (the SDK is the Lambda runtime's own: the
 * bundle leaves it out). Credentials and region come from the function's role and environment.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'

let client: CognitoIdentityProviderClient | undefined

export function cognitoClient (): CognitoIdentityProviderClient {
  client ??= new CognitoIdentityProviderClient({ maxAttempts: 2 })
  return client
}

/** For a host running the handlers in process (local mode's emulator): the client to use instead. */
export function useCognitoClient (given: CognitoIdentityProviderClient): void {
  client = given
}
