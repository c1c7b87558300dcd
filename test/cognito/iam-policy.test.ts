/**
 * The IAM policy is exactly the signed operations the gateway can send: the
 * declared list (src/cognito/commands.ts) is each intent module's imported
 * commands, signed or not by the SDK model's own auth scheme provider; the
 * login flow's sign-in commands are what the gateway sends (recorded on a
 * real SDK client that goes nowhere); the admin intents are called by the
 * admin routes only, which ADMIN_API mounts (test/routes/admin/admin-api.test.ts).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as sdk from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { GATEWAY_COMMANDS, isSigned } from '../../src/cognito/commands.js'
import { gatewayFor } from '../../src/cognito/gateway.js'
import { iamPolicy } from '../../src/cognito/iam-policy.js'
import { LOGIN_FLOWS } from '../../src/config/variables/cognito.js'
import { awsConfig } from '../helper.js'

const root = new URL('../..', import.meta.url).pathname
const SDK_IMPORT = /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-cognito-identity-provider'/g

/** A command class's operation, as the SDK model names it (its schema), not as its class name suggests. */
function operationOf (commandName: string): string {
  const Command = (sdk as unknown as Record<string, new (input: object) => { schema: [number, string, string] }>)[commandName]
  if (Command === undefined) throw new Error(`${commandName} is not a command of the SDK`)
  return new Command({}).schema[2]
}

/** Each src/cognito/ module that imports SDK commands, with their operations. */
async function importedOperations (): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>()
  for (const file of (await readdir(join(root, 'src/cognito'))).filter(name => name.endsWith('.ts'))) {
    const text = await readFile(join(root, 'src/cognito', file), 'utf8')
    const names = [...text.matchAll(SDK_IMPORT)].flatMap(match => (match[1] ?? '').split(','))
      .map(name => name.trim()).filter(name => /^\w+Command$/.test(name))
    if (names.length > 0) result.set(file, new Set(names.map(operationOf)))
  }
  return result
}

const declaredBy = (module: string) => new Set(GATEWAY_COMMANDS.filter(d => d.module === module).flatMap(d => d.operations))
const sorted = (values: Iterable<string>) => [...values].sort()

t.test('the declared commands are each intent module\'s imported commands, no more, no fewer', async t => {
  const imported = await importedOperations()
  t.ok(imported.size >= 9, `${imported.size} modules send commands`)
  for (const [module, operations] of imported) t.same(sorted(declaredBy(module)), sorted(operations), `${module}`)
  const declaredModules = new Set(GATEWAY_COMMANDS.map(d => d.module))
  t.same([...declaredModules].filter(module => !imported.has(module)), [], 'no declaration without its module')
})

t.test('signed or not, by the SDK model: public operations carry no signature, admin and pool operations do', async t => {
  for (const op of ['InitiateAuth', 'RespondToAuthChallenge', 'SignUp', 'GetUser', 'RevokeToken', 'GetTokensFromRefreshToken']) {
    t.equal(isSigned(op), false, `${op}: unsigned`)
  }
  for (const op of ['AdminInitiateAuth', 'ListUsers', 'AdminCreateUser', 'DescribeUserPool', 'DescribeUserPoolClient', 'GetUserPoolMfaConfig']) {
    t.equal(isSigned(op), true, `${op}: signed`)
  }
})

/** The commands the sign-in and session intents send under `loginFlow`, recorded before they leave the client. */
async function sessionCommands (t: Test, loginFlow: string): Promise<Set<string>> {
  const config = awsConfig({ LOGIN_FLOW: loginFlow })
  const client = new sdk.CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
  const sent = new Set<string>()
  client.middlewareStack.add((_next, context) => async () => {
    sent.add(operationOf(context.commandName ?? ''))
    throw new Error('recorded, not sent')
  }, { step: 'initialize' })
  const gateway = gatewayFor(config, client)
  const tries = [
    gateway.passwordLogin({ username: 'u', password: 'p' }),
    gateway.respondToChallenge({ username: 'u', challenge: 'SMS_MFA', session: 's', responses: {} }),
    gateway.refresh({ refreshToken: 'r' }),
    gateway.revokeRefreshToken('r')
  ]
  await Promise.allSettled(tries)
  gateway.close()
  t.equal(sent.size, 4, `${loginFlow}: four commands recorded`)
  return sent
}

/** What the policy must allow: the signed operations the gateway can send with these features. */
async function expectedActions (t: Test, loginFlow: string, adminApi: boolean): Promise<string[]> {
  const imported = await importedOperations()
  // The admin API's modules (admin.ts, helpdesk.ts...): every module whose commands are all the admin API's.
  const adminModules = new Set([...imported.keys()].filter(module => {
    const declared = GATEWAY_COMMANDS.filter(d => d.module === module)
    return declared.length > 0 && declared.every(d => d.feature === 'adminApi')
  }))
  t.ok(adminModules.has('admin.ts') && adminModules.has('helpdesk.ts'), 'the admin modules are known')
  const always = [...imported].filter(([module]) => module !== 'sessions.ts' && !adminModules.has(module)).flatMap(([, ops]) => [...ops])
  const operations = [
    ...always,
    ...await sessionCommands(t, loginFlow),
    ...(adminApi ? [...adminModules].flatMap(module => [...imported.get(module) ?? []]) : [])
  ]
  return sorted(new Set(operations.filter(isSigned).map(op => `cognito-idp:${op}`)))
}

t.test('the policy\'s actions are exactly the signed commands the gateway can send, by LOGIN_FLOW and ADMIN_API', async t => {
  const target = { region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', accountId: '*' }
  let cases = 0
  for (const loginFlow of LOGIN_FLOWS) {
    for (const adminApi of [false, true]) {
      const policy = iamPolicy(target, { loginFlow, adminApi })
      const actions = sorted(policy.Statement.flatMap(statement => statement.Action))
      t.same(actions, await expectedActions(t, loginFlow, adminApi), `${loginFlow}, ADMIN_API=${adminApi}`)
      t.equal(actions.includes('cognito-idp:ListUsers'), adminApi, 'the admin API\'s actions exactly when it is on')
      t.equal(actions.includes('cognito-idp:AdminInitiateAuth'), loginFlow === 'ADMIN_USER_PASSWORD_AUTH', 'AdminInitiateAuth with its flow only')
      t.ok(actions.includes('cognito-idp:DescribeUserPool'), 'the pool read at start')
      cases++
    }
  }
  t.equal(cases, 6)
})

t.test('the admin intents are called by the admin routes only (which ADMIN_API mounts)', async t => {
  // The gateway's admin intents: its admin* methods (src/cognito/admin.ts), called as `gateway.adminListUsers(`.
  const gateway = gatewayFor(awsConfig())
  const names = Object.keys(gateway).filter(name => /^admin[A-Z]/.test(name))
  gateway.close()
  t.ok(names.length >= 10, `${names.length} admin intents`)
  const adminIntents = new RegExp(`\\.(${names.join('|')})\\(`)
  const callers: string[] = []
  for (const entry of await readdir(join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
    const file = join(entry.parentPath, entry.name).slice(root.length)
    if (adminIntents.test(await readFile(join(root, file), 'utf8'))) callers.push(file)
  }
  t.ok(callers.length > 0, 'some file calls them')
  t.same(callers.filter(file => !file.startsWith('src/routes/admin/')), [], `callers: ${callers.join(', ')}`)
})

t.test('the resource is the one pool, in its region\'s partition', async t => {
  const enabled = { loginFlow: 'ADMIN_USER_PASSWORD_AUTH', adminApi: true } as const
  const resources = (region: string, userPoolId: string, accountId: string) =>
    new Set(iamPolicy({ region, userPoolId, accountId }, enabled).Statement.map(statement => statement.Resource))
  t.same([...resources('eu-west-1', 'eu-west-1_AbC123', '123456789012')], ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123'])
  t.same([...resources('cn-north-1', 'cn-north-1_X', '*')], ['arn:aws-cn:cognito-idp:cn-north-1:*:userpool/cn-north-1_X'])
  t.same([...resources('us-gov-west-1', 'us-gov-west-1_X', '*')], ['arn:aws-us-gov:cognito-idp:us-gov-west-1:*:userpool/us-gov-west-1_X'])
  t.same([...resources('eusc-de-east-1', 'eusc-de-east-1_X', '*')], ['arn:aws-eusc:cognito-idp:eusc-de-east-1:*:userpool/eusc-de-east-1_X'])
})
