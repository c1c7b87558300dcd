/**
 * The IAM policies in README.md (AWS defaults) and docs/operations.md (admin
 * login flow and admin API on) are what `npm run iam-policy` prints for
 * those environments, byte for byte: run as people run it (tsx over the
 * sources), and against the generator itself.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { formatPolicy, iamPolicy } from '../../src/cognito/iam-policy.js'

const root = new URL('../..', import.meta.url).pathname
const POOL = 'eu-west-1_AbC123'
const AWS_ENV = {
  COGNITO_USER_POOL_ID: POOL,
  COGNITO_CLIENT_ID: 'abc',
  COOKIE_SECRETS: 'test-cookie-secret-of-32-characters!',
  PUBLIC_URL: 'https://auth.example.com'
}

/** The first ```json block after `marker` in `file`, with its final newline. */
async function jsonBlockAfter (file: string, marker: string): Promise<string> {
  const text = await readFile(join(root, file), 'utf8')
  const at = text.indexOf(marker)
  if (at < 0) throw new Error(`${file} has no ${marker}`)
  const block = /```json\n([\s\S]*?)```/.exec(text.slice(at))
  if (block === null) throw new Error(`${file} has no JSON block after ${marker}`)
  return block[1] ?? ''
}

/** What `npm run iam-policy` prints with `env` (nothing else of the caller's environment). */
async function printed (env: Record<string, string>, args: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/iam-policy.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env }
  })
  return stdout
}

t.test('README.md\'s IAM section is the policy for the AWS defaults', async t => {
  const readme = await jsonBlockAfter('README.md', '## IAM\n')
  t.equal(readme, formatPolicy(iamPolicy({ region: 'eu-west-1', userPoolId: POOL, accountId: '*' }, {
    loginFlow: 'USER_PASSWORD_AUTH', adminApi: false
  })))
  t.equal(readme, await printed(AWS_ENV), 'as npm run iam-policy prints it')
  t.match(await readFile(join(root, 'README.md'), 'utf8'), '`npm run iam-policy`')
})

t.test('docs/operations.md\'s policy is the one with the admin login flow and the admin API', async t => {
  const operations = await jsonBlockAfter('docs/operations.md', '**IAM**')
  t.equal(operations, formatPolicy(iamPolicy({ region: 'eu-west-1', userPoolId: POOL, accountId: '123456789012' }, {
    loginFlow: 'ADMIN_USER_PASSWORD_AUTH', adminApi: true
  })))
  t.equal(operations, await printed({ ...AWS_ENV, LOGIN_FLOW: 'ADMIN_USER_PASSWORD_AUTH', ADMIN_API: 'true' }, ['--account', '123456789012']))
})

t.test('npm run iam-policy refuses a malformed account id and an invalid configuration, with one message', async t => {
  const failure = (env: Record<string, string>, args: string[] = []) => printed(env, args).then(
    () => { throw new Error('expected exit 1') },
    (err: { code?: number, stderr?: string, stdout?: string }) => err
  )
  const account = await failure(AWS_ENV, ['--account', '12345'])
  t.equal(account.code, 1)
  t.equal(account.stdout, '')
  t.match(account.stderr, /--account takes a 12-digit AWS account id/)
  const config = await failure({ COGNITO_USER_POOL_ID: POOL })
  t.equal(config.code, 1)
  t.match(config.stderr, /Invalid configuration:\n {2}- /)
})
