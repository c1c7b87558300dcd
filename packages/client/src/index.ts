/**
 * @cognito-bff/client: a typed client for cognito-bff, for browsers (cookie
 * sessions) and servers (body tokens). Named exports only; nothing runs on import.
 */
export { createClient, type BffClient, type ClientOptions, type StoredTokens, type TokenStore } from './client.js'
export { ProblemError, toProblemError, unwrap, type Problem, type ProblemCode } from './problem.js'
export { continueSignIn, signIn, signOut, stepOf, type ChallengeAnswer, type ChallengeContext, type SignInInput, type SignInStep } from './sign-in.js'
export {
  answerWithPasskey, creationOptions, credentialJson, PasskeyError, registerPasskey, requestOptions, type PasskeyFailure
} from './passkeys.js'
export { hostedLoginUrl, hostedLogoutUrl, redeemHandoff } from './hosted.js'
export { fromBase64Url, toBase64Url } from './base64url.js'
export type { components, paths } from './schema.js'
