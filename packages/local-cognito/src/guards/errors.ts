/**
 * Cognito exceptions cognito-local has no class for (or only with a fixed
 * message). Subclasses of its CognitoError, so its server answers them as
 * Cognito does: HTTP 400 with `__type` and `message`.
 */
import { CognitoError } from 'cognito-local/lib/errors.js'

/** InvalidPasswordException naming the rule that failed (cognito-local's says only "Invalid password"). */
export class PasswordPolicyError extends CognitoError {
  constructor (rule: string) {
    super('InvalidPasswordException', `Password did not conform with policy: ${rule}`)
  }
}
