/**
 * A stand-in for Cognito's endpoint, for a service started as a process (where
 * the SDK cannot be mocked): it answers the three Describe calls with a real
 * pool's settings, or refuses them as IAM would, and answers 400 to anything
 * else. Stopped with the test.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { UserPoolClientType, UserPoolType } from '@aws-sdk/client-cognito-identity-provider'

const ROLE = 'arn:aws:sts::123456789012:assumed-role/bff/i-0abc'

export async function fakeCognito (
  t: { teardown (fn: () => unknown): void },
  answer: { pool: UserPoolType, client: UserPoolClientType } | 'access denied'
): Promise<string> {
  const answers: Record<string, unknown> = answer === 'access denied'
    ? {}
    : {
        DescribeUserPool: { UserPool: answer.pool },
        DescribeUserPoolClient: { UserPoolClient: answer.client },
        GetUserPoolMfaConfig: { MfaConfiguration: 'OFF' }
      }
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '').replace('AWSCognitoIdentityProviderService.', '')
      const body = answers[target] ?? (answer === 'access denied'
        ? { __type: 'AccessDeniedException', message: `User: ${ROLE} is not authorized to perform: cognito-idp:${target}` }
        : { __type: 'InvalidParameterException', message: `not answered here: ${target}` })
      response.writeHead(answers[target] === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' })
      response.end(JSON.stringify(body))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => server.close(resolve)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
