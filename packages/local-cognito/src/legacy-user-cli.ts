/**
 * `npm run legacy-user -- <username> [email]`: prints one LOCAL_LEGACY_USERS entry (legacy-users.ts), the password
 * read from stdin (so it stays out of the shell's history), e.g. `echo 'S3cret!pass' | npm run -s legacy-user -- lee`.
 */
import { text } from 'node:stream/consumers'
import { hashPassword } from './legacy-users.ts'

const [username, email] = process.argv.slice(2)
if (username === undefined || username === '') {
  process.stderr.write('usage: npm run legacy-user -- <username> [email]   (the password on stdin)\n')
  process.exit(2)
}
if (process.stdin.isTTY) process.stderr.write('password (then Enter, Ctrl-D): ')
const password = (await text(process.stdin)).replace(/\r?\n$/, '')
if (password === '') {
  process.stderr.write('no password given on stdin\n')
  process.exit(2)
}
const entry = { username, email: email ?? `${username}@example.com`, attributes: {}, passwordHash: await hashPassword(password) }
process.stdout.write(JSON.stringify(entry) + '\n')
